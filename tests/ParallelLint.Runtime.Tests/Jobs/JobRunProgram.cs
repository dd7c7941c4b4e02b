using System.Diagnostics;
using System.Globalization;

namespace ParallelLint.Runtime.Tests.Jobs;

/// <summary>samples/ParallelLint.JobRun run by <c>dotnet</c> as a real parent process, its output kept for failure messages.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class JobRunProgram : IDisposable
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private readonly List<string> lines = new();

    private JobRunProgram(IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        startInfo.ArgumentList.Add(SampleProgram.Path("ParallelLint.JobRun"));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process = Process.Start(startInfo)!;
        Process.StandardInput.Close();
        Process.OutputDataReceived += (_, e) => Collect(e.Data);
        Process.ErrorDataReceived += (_, e) => Collect(e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>Every line the program printed so far (standard output and error, as they came).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return lines.ToList();
            }
        }
    }

    /// <summary>The last lines it printed, for a failure message.</summary>
    public string Output => string.Join("\n", Lines.TakeLast(20));

    public static JobRunProgram Start(params string[] arguments) => new(arguments);

    /// <summary>Runs the program to its end; fails the test if it takes longer than <paramref name="timeout"/>.</summary>
    public static JobRunProgram Run(TimeSpan timeout, params string[] arguments)
    {
        var program = Start(arguments);
        if (!program.Process.WaitForExit(timeout))
        {
            program.Dispose();
            Assert.Fail($"ParallelLint.JobRun {string.Join(' ', arguments)} did not end in {timeout}: {program.Output}");
        }

        program.Process.WaitForExit(); // the last lines of output
        return program;
    }

    /// <summary>Kills what a failure left running.</summary>
    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }

    /// <summary>Sends <paramref name="signal"/> with kill(1); its exit code.</summary>
    public static int Kill(int pid, int signal)
    {
        using var kill = Process.Start("kill", new[] { "-s", signal.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture) });
        kill.WaitForExit();
        return kill.ExitCode;
    }

    /// <summary>Deletes the grid jobs named <paramref name="name"/> that a failure left queued.</summary>
    public static void Cancel(string backend, string name)
    {
        var (command, argument) = backend switch { "sge" => ("qdel", name), "slurm" => ("scancel", "--name=" + name), _ => ("", "") };
        if (command.Length > 0)
        {
            using var process = Process.Start(new ProcessStartInfo(command, argument) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.WaitForExit();
        }
    }

    public static async Task WaitFor(Func<bool> condition, TimeSpan timeout, Func<string> why)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, why());
            await Task.Delay(50);
        }
    }

    private void Collect(string? line)
    {
        lock (lines)
        {
            if (line is not null)
            {
                lines.Add(line);
            }
        }
    }
}
