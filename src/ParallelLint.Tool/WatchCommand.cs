using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ParallelLint.Tool;

/// <summary>
/// <c>parallellint watch RUN_DIR</c>: the run's status redrawn in place (Spectre's live display) until every job has
/// ended, then the final state; Ctrl+C stops the watching, never the run.
/// </summary>
internal sealed class WatchCommand : AsyncCommand<WatchCommand.Settings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || !AnsiConsole.Profile.Capabilities.Ansi)
        {
            AnsiConsole.WriteLine("watch redraws the screen in place and needs a terminal; for output to a file or a pipe use `parallellint status RUN_DIR`.");
            return 2;
        }

        try
        {
            var status = RunDirectories.Read(settings.RunDirectory);
            var interval = TimeSpan.FromSeconds(settings.Interval);
            await AnsiConsole.Live(View(status)).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async live =>
            {
                while (status.Ended < status.Jobs.Count && !cancellationToken.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(interval, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    status = RunDirectories.Read(settings.RunDirectory);
                    live.UpdateTarget(View(status));
                }
            });

            if (cancellationToken.IsCancellationRequested)
            {
                AnsiConsole.MarkupLine("[yellow]Stopped watching; the run goes on.[/]");
                return 130;
            }

            return 0;
        }
        catch (RunDirectoryException e)
        {
            AnsiConsole.MarkupLine($"[red]{e.Message.EscapeMarkup()}[/]");
            return 2;
        }

        // The rows the screen has room for: the summary, watcher and table header and frame take six.
        Spectre.Console.Rendering.IRenderable View(ParallelLint.Runtime.Jobs.JobStatus snapshot) =>
            StatusView.Render(snapshot, settings.RunDirectory, DateTimeOffset.Now, Math.Max(1, AnsiConsole.Profile.Height - 6));
    }

    internal sealed class Settings : RunSettings
    {
        [CommandOption("-i|--interval <SECONDS>")]
        [Description("Seconds between redraws (default 1).")]
        public double Interval { get; init; } = 1;

        public override ValidationResult Validate() => Interval is > 0 and <= 3600
            ? base.Validate()
            : ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--interval must be more than 0 and at most 3600 seconds, not {Interval}."));
    }
}
