using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ParallelLint.Runtime;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Benchmarks;

/// <summary>
/// The local job executor's overhead per job: 500 jobs of <c>/bin/true</c> against a hand-written loop of
/// <c>Process.Start</c> bounded to the same degree (target: at most 1.1× its time).
/// </summary>
[MemoryDiagnoser]
public class LocalJobBenchmarks
{
    private const int Jobs = 500;

    [Benchmark(Baseline = true)]
    public async Task HandWritten_bounded_Process_Start()
    {
        using var slots = new SemaphoreSlim(Cores.Available);
        await Task.WhenAll(Enumerable.Range(0, Jobs).Select(async _ =>
        {
            await slots.WaitAsync();
            try
            {
                using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
                await process.WaitForExitAsync();
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    [Benchmark]
    public Task<IReadOnlyList<JobResult>> JobExecutor_Local() =>
        JobExecutor.Local().RunAllAsync(Enumerable.Range(0, Jobs).Select(_ => new Job("/bin/true")));
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
