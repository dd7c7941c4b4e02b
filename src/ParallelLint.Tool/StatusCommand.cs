using Spectre.Console;
using Spectre.Console.Cli;

namespace ParallelLint.Tool;

/// <summary><c>parallellint status RUN_DIR</c>: one snapshot of the run, from any process and any terminal (or a file).</summary>
internal sealed class StatusCommand : Command<RunSettings>
{
    public override int Execute(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            // Spectre writes plain text, no colours or cursor moves, when the output is not a terminal.
            AnsiConsole.Write(StatusView.Render(RunDirectories.Read(settings.RunDirectory), settings.RunDirectory, DateTimeOffset.Now));
            return 0;
        }
        catch (RunDirectoryException e)
        {
            AnsiConsole.MarkupLine($"[red]{e.Message.EscapeMarkup()}[/]");
            return 2;
        }
    }
}
