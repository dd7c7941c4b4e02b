using System.Diagnostics;

namespace ParallelLint.Runtime.Tests;

/// <summary>The programs under samples/, built with this test project, run as real processes.</summary>
internal static class SampleProgram
{
    /// <summary>The built dll of samples/<paramref name="name"/>, in this test run's configuration.</summary>
    public static string Path(string name)
    {
        // tests/ParallelLint.Runtime.Tests/bin/<Configuration>/net10.0 -> samples/<name>/bin/<Configuration>/net10.0
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var program = System.IO.Path.Combine(root, "samples", name, "bin", configuration, output.Name, name + ".dll");
        Assert.True(File.Exists(program), $"{program} was not built");
        return program;
    }

    public static (int ExitCode, string Output, string Error) Run(TimeSpan timeout, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish in {timeout}: {output.Result}{error.Result}");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
