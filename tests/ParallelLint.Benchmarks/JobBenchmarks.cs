using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ParallelLint.Runtime;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Benchmarks;

/// <summary>
/// The local job executor's overhead per job: 500 jobs of <c>/bin/true</c> against a hand-written loop of
/// <c>Process.Start</c> bounded to the same degree (target: at most 1.1× its time). Outputs go under the temporary
/// directory (<c>TMPDIR</c>): creating a file costs 0.01 ms on tmpfs but up to 0.5 ms on a disk right after many
/// deletions, and the executor creates two per job.
/// </summary>
[MemoryDiagnoser]
public class LocalJobBenchmarks
{
    private const int Jobs = 500;

    // One work directory for every run, removed at the end: 1000 output files a run would otherwise pile up in /tmp.
    private readonly string workDirectory = Path.Combine(Path.GetTempPath(), "parallellint-local-benchmark-" + Environment.ProcessId);

    [GlobalCleanup]
    public void RemoveOutputs()
    {
        if (Directory.Exists(workDirectory))
        {
            Directory.Delete(workDirectory, recursive: true);
        }
    }

    [Benchmark(Baseline = true)]
    public Task HandWritten_bounded_Process_Start() => BoundedLoop(async _ =>
    {
        using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
    });

    /// <summary>
    /// The loop with the child's standard streams redirected and read to their end, nothing written: the price of
    /// .NET's redirected pipes alone, the floor of any executor that captures output through <c>Process</c>.
    /// </summary>
    [Benchmark]
    public Task HandWritten_with_redirected_streams() => BoundedLoop(async _ =>
    {
        using var process = StartRedirected();
        await Task.WhenAll(process.StandardOutput.BaseStream.CopyToAsync(Stream.Null), process.StandardError.BaseStream.CopyToAsync(Stream.Null));
        await process.WaitForExitAsync();
    });

    /// <summary>
    /// The loop again, capturing each job's output into two files as the executor does: what the executor costs
    /// beyond its output files. Creating a file is the price that depends on the filesystem (tmpfs or disk).
    /// </summary>
    [Benchmark]
    public Task HandWritten_with_output_files()
    {
        var directory = Directory.CreateDirectory(Path.Combine(workDirectory, "hand-written-" + Guid.NewGuid().ToString("N"))).FullName;
        return BoundedLoop(async i =>
        {
            using var process = StartRedirected();
            await Task.WhenAll(
                CopyAsync(process.StandardOutput.BaseStream, Path.Combine(directory, i + ".out")),
                CopyAsync(process.StandardError.BaseStream, Path.Combine(directory, i + ".err")));
            await process.WaitForExitAsync();
        });
    }

    [Benchmark]
    public Task<IReadOnlyList<JobResult>> JobExecutor_Local() =>
        JobExecutor.Local(new JobExecutorOptions { WorkDirectory = workDirectory }).RunAllAsync(Enumerable.Range(0, Jobs).Select(_ => new Job("/bin/true")));

    /// <summary>A durable run (a run directory named, so it can be resumed or attached to): each job goes through /bin/sh.</summary>
    [Benchmark]
    public Task<IReadOnlyList<JobResult>> JobExecutor_Local_durable_run() =>
        JobExecutor.Local(new JobExecutorOptions { WorkDirectory = workDirectory })
            .ResumeAsync(Path.Combine(workDirectory, "durable-" + Guid.NewGuid().ToString("N")), Enumerable.Range(0, Jobs).Select(_ => new Job("/bin/true")));

    /// <summary>The jobs, at most <see cref="Cores.Available"/> at a time, as a hand-written loop bounds them.</summary>
    private static async Task BoundedLoop(Func<int, Task> job)
    {
        using var slots = new SemaphoreSlim(Cores.Available);
        await Task.WhenAll(Enumerable.Range(0, Jobs).Select(async i =>
        {
            await slots.WaitAsync();
            try
            {
                await job(i);
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    /// <summary><c>/bin/true</c> with its three standard streams redirected and its input closed, as the executor starts a job.</summary>
    private static Process StartRedirected()
    {
        var process = Process.Start(new ProcessStartInfo("/bin/true")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.StandardInput.Close();
        return process;
    }

    private static async Task CopyAsync(Stream from, string path)
    {
        using var to = File.Create(path);
        await from.CopyToAsync(to);
    }
}

/// <summary>
/// 100 similar jobs on a real grid (<c>eng/grid/*-up.sh</c>): one array submission, as <c>RunAllAsync</c> makes it,
/// against 100 separate submissions (<c>RunAsync</c> per job). One measured run each: a grid run takes tens of seconds.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class GridJobBenchmarks
{
    private const int Jobs = 100;

    [Params("sge", "slurm")]
    public string Backend { get; set; } = "sge";

    [Benchmark(Baseline = true)]
    public Task<IReadOnlyList<JobResult>> One_array_submission() =>
        Executor().RunAllAsync(Enumerable.Range(0, Jobs).Select(_ => new Job("/bin/true")));

    [Benchmark]
    public Task<JobResult[]> Separate_submissions()
    {
        var executor = Executor();
        return Task.WhenAll(Enumerable.Range(0, Jobs).Select(_ => executor.RunAsync(new Job("/bin/true"))));
    }

    private JobExecutor Executor() => JobExecutor.Create(Backend, new JobExecutorOptions { WorkDirectory = "/tmp/parallellint-grid-benchmark" });
}
