using System.Diagnostics;
using System.Text;

namespace ParallelLint.Package.Tests;

/// <summary>Runs the real <c>dotnet</c> CLI, as a user would, and keeps everything it printed.</summary>
internal static class DotNet
{
    /// <summary>Generous for one restore, build or pack on a busy two-core machine.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    public static async Task<(int ExitCode, string Output)> Run(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Terminal logger and first-run banners would interleave with the warnings the tests look for.
        start.Environment["MSBUILDTERMINALLOGGER"] = "off";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(timeout)) != exited)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} took longer than {timeout}:\n{output}");
        }

        await exited;
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ParallelLint.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ParallelLint.sln above {AppContext.BaseDirectory}.");
    }
}
