using System.Collections.Concurrent;
using System.Diagnostics;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Jobs;

/// <summary>
/// The backends the job tests run on: always the local one; SGE and Slurm when their daemons answer (the README's
/// test command starts them through eng/grid). Without them the grid tests are skipped with the reason, except under
/// CI=true, where they must run.
/// </summary>
public static class Backends
{
    public static TheoryData<string> All => new() { "local", "sge", "slurm" };

    public static TheoryData<string> Grids => new() { "sge", "slurm" };

    private static readonly ConcurrentDictionary<string, string?> Missing = new();

    /// <summary>
    /// An executor for <paramref name="backend"/>, polling briskly, keeping its runs under <paramref name="workDirectory"/>
    /// (the test's own, which it deletes: the default, a new folder in the temporary folder, would be left behind);
    /// skips (or fails on CI) when its daemon is not there.
    /// </summary>
    public static JobExecutor Create(string backend, string workDirectory, JobExecutorOptions? options = null)
    {
        Require(backend);
        options ??= new JobExecutorOptions();
        options.WorkDirectory ??= workDirectory;
        options.Grid.PollInterval = TimeSpan.FromMilliseconds(200);
        options.Grid.MaxPollInterval = TimeSpan.FromSeconds(1);
        return JobExecutor.Create(backend, options);
    }

    /// <summary>Skips the test (fails it on CI) when <paramref name="backend"/>'s daemon is not there.</summary>
    public static void Require(string backend)
    {
        if (backend != "local" && Missing.GetOrAdd(backend, Probe) is { } why)
        {
            var reason = $"{backend} is not available here ({why}); `eng/test.sh` starts it as root with apt (eng/grid/{backend}-up.sh)";
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", reason);
            Skip.If(true, reason);
        }
    }

    /// <summary>The slots (cores) <paramref name="backend"/>'s grid has in all, as its status command tells the executor.</summary>
    public static async Task<int> SlotsAsync(string backend)
    {
        Require(backend);
        Scheduler scheduler = backend == "sge" ? new SgeScheduler(new JobExecutorOptions()) : new SlurmScheduler(new JobExecutorOptions());
        var slots = await scheduler.SlotsAsync(CancellationToken.None);
        Assert.True(slots is { Total: > 0 }, $"{backend} did not say how many slots it has");
        return slots!.Value.Total;
    }

    /// <summary>What the scheduler lists as queued or running, as its own command prints it.</summary>
    public static string Queue(string backend) => backend switch
    {
        "sge" => Run("qstat", "-u", "*"),
        "slurm" => Run("squeue", "-h", "-o", "%F %i %T"),
        _ => "",
    };

    /// <summary>Deletes a test's folder, waiting a little for a grid task killed a moment ago to write its last marker.</summary>
    public static void Delete(string directory)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 10)
            {
                Thread.Sleep(500);
            }
        }
    }

    private static string? Probe(string backend)
    {
        try
        {
            var (command, argument) = backend == "sge" ? ("qstat", "-g c") : ("sinfo", "-h");
            using var process = Process.Start(new ProcessStartInfo(command, argument) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            return process.WaitForExit(20_000) && process.ExitCode == 0 ? null : $"{command} failed: {error.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }

    private static string Run(string command, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
