using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ParallelLint.Tool;

/// <summary>The run directory every run command takes: the one given to <c>JobExecutor.ResumeAsync</c>.</summary>
internal class RunSettings : CommandSettings
{
    [CommandArgument(0, "<RUN_DIR>")]
    [Description("The run's directory, as given to JobExecutor.ResumeAsync (it holds the files 'jobs' and 'journal').")]
    public string RunDirectory { get; init; } = "";

    public override ValidationResult Validate() => RunDirectories.Problem(RunDirectory) is { } problem ? ValidationResult.Error(problem) : ValidationResult.Success();
}
