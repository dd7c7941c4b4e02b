using ParallelLint.Runtime;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ParallelLint.Tool;

/// <summary><c>parallellint cores</c>: the core report, as <c>parallelly::availableCores(which = "all")</c> prints it.</summary>
internal sealed class CoresCommand : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        // The report's own text, unchanged: scripts and the README compare it with what the runtime prints.
        AnsiConsole.Profile.Out.Writer.Write(Cores.Detect().ToString());
        return 0;
    }
}
