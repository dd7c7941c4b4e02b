using System.Diagnostics;

namespace ParallelLint.Tool.Tests;

/// <summary>The built tool (src/ParallelLint.Tool) run by <c>dotnet</c> as a real process, as a user in another terminal would.</summary>
internal static class ToolProgram
{
    /// <summary>The tool's dll in this test run's configuration.</summary>
    public static string Path
    {
        get
        {
            // tests/ParallelLint.Tool.Tests/bin/<Configuration>/net10.0 -> src/ParallelLint.Tool/bin/<Configuration>/net10.0
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
            var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            var program = System.IO.Path.Combine(root, "src", "ParallelLint.Tool", "bin", output.Parent.Name, output.Name, "ParallelLint.Tool.dll");
            Assert.True(File.Exists(program), $"{program} was not built");
            return program;
        }
    }

    public static string RepositoryRoot => new DirectoryInfo(Path).Parent!.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>
    /// Runs the tool with its output redirected (not a terminal); its exit code and everything it printed, with the
    /// line breaks of Spectre's 80-column wrapping of messages joined back into spaces.
    /// </summary>
    public static (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), $"parallellint {string.Join(' ', arguments)} did not end in a minute");
        return (process.ExitCode, System.Text.RegularExpressions.Regex.Replace(output + error.Result, @" ?\n(?=\S)", " "));
    }
}
