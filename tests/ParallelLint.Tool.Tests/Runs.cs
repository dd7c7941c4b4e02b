using System.Diagnostics;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Tool.Tests;

/// <summary>
/// Real durable runs for the tool to read: <c>sh -c</c> jobs that sleep, started by this test process on a backend
/// (SGE and Slurm when their daemons answer; skipped without them, except under CI=true, where they must run).
/// </summary>
internal sealed class Runs : IAsyncDisposable
{
    private readonly JobExecutor executor;

    private Runs(JobExecutor executor, string directory, Task<IReadOnlyList<JobResult>> run)
    {
        this.executor = executor;
        Directory = directory;
        Run = run;
    }

    public static TheoryData<string> Backends => new() { "local", "sge", "slurm" };

    public string Directory { get; }

    public Task<IReadOnlyList<JobResult>> Run { get; }

    public JobStatus Status() => executor.Status();

    /// <summary>Starts <paramref name="count"/> jobs of <paramref name="seconds"/> each in <paramref name="scratch"/>/run, two slots locally.</summary>
    public static Runs Start(string backend, string scratch, int count, double seconds)
    {
        Require(backend);
        var options = new JobExecutorOptions { WorkDirectory = Path.Combine(scratch, "work") };
        options.Local.Slots = 2;
        options.Grid.PollInterval = TimeSpan.FromMilliseconds(200);
        options.Grid.MaxPollInterval = TimeSpan.FromSeconds(1);
        var executor = JobExecutor.Create(backend, options);
        var directory = Path.Combine(scratch, "run");
        var jobs = Enumerable.Range(1, count).Select(n => new Job("sh", "-c", FormattableString.Invariant($"sleep {seconds}; echo {n}")) { Name = "sleep" + n });
        return new Runs(executor, directory, executor.ResumeAsync(directory, jobs));
    }

    public async ValueTask DisposeAsync()
    {
        await executor.DisposeAsync();
    }

    public static async Task WaitFor(Func<bool> condition, TimeSpan timeout, Func<string> why)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, why());
            await Task.Delay(100);
        }
    }

    private static void Require(string backend)
    {
        if (backend == "local")
        {
            return;
        }

        var (command, argument) = backend == "sge" ? ("qstat", "-g c") : ("sinfo", "-h");
        string? why;
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(command, argument) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            probe.StandardOutput.ReadToEnd();
            why = probe.WaitForExit(20_000) && probe.ExitCode == 0 ? null : command + " failed";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            why = e.Message;
        }

        if (why is not null)
        {
            var reason = $"{backend} is not available here ({why}); eng/test.sh starts it (eng/grid/{backend}-up.sh)";
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", reason);
            Skip.If(true, reason);
        }
    }
}
