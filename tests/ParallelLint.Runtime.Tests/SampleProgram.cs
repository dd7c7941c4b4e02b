using System.Diagnostics;

namespace ParallelLint.Runtime.Tests;

/// <summary>The programs under samples/, built with this test project, run as real processes.</summary>
internal static class SampleProgram
{
    /// <summary>The built dll of samples/<paramref name="name"/> (or of <paramref name="folder"/>/), in this test run's configuration.</summary>
    public static string Path(string name, string folder = "samples")
    {
        // tests/ParallelLint.Runtime.Tests/bin/<Configuration>/net10.0 -> samples/<name>/bin/<Configuration>/net10.0
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var program = System.IO.Path.Combine(root, folder, name, "bin", configuration, output.Name, name + ".dll");
        Assert.True(File.Exists(program), $"{program} was not built");
        return program;
    }

    /// <summary>Runs <paramref name="program"/> without the core variables of this process (see <see cref="ClearCoreVariables"/>).</summary>
    public static (int ExitCode, string Output, string Error) Run(TimeSpan timeout, string program, params string[] arguments) =>
        Run(timeout, new Dictionary<string, string>(), program, arguments);

    /// <summary>Runs <paramref name="program"/> with <paramref name="variables"/> as its only core variables.</summary>
    public static (int ExitCode, string Output, string Error) Run(TimeSpan timeout, IReadOnlyDictionary<string, string> variables, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        ClearCoreVariables(start);
        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
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

    /// <summary>
    /// Removes from a child's environment every variable core detection reads (PARALLELLINT_CORES, the grid allocations,
    /// DOTNET_PROCESSOR_COUNT, OpenMP's): set where the tests run, they would decide what the child sees instead of the test.
    /// </summary>
    public static void ClearCoreVariables(ProcessStartInfo start)
    {
        // The report names each variable source by its variable; its other sources (files, the runtime) name none.
        foreach (var source in Cores.Detect().Sources)
        {
            start.Environment.Remove(source.Name);
        }
    }
}
