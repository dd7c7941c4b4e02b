using BenchmarkDotNet.Attributes;
using ParallelLint.Runtime;

namespace ParallelLint.Benchmarks;

/// <summary>
/// The executor against Parallel.ForEachAsync on a million near-empty items (its overhead per item: target at most
/// 1.05× the baseline), and on CPU-bound items against a sequential loop (its speed-up: target at least 0.95 × cores).
/// </summary>
[MemoryDiagnoser]
public class ExecutorBenchmarks
{
    private const int FineItems = 1_000_000;
    private const int CpuItems = 64;
    private readonly int[] fine = Enumerable.Range(0, FineItems).ToArray();
    private readonly int[] cpu = Enumerable.Range(0, CpuItems).ToArray();
    private long sink;

    [Benchmark(Baseline = true)]
    public Task FineItems_ParallelForEachAsync() =>
        Parallel.ForEachAsync(fine, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, (item, _) =>
        {
            Interlocked.Add(ref sink, item);
            return default;
        });

    [Benchmark]
    public Task FineItems_Executor() =>
        Executor.ForEachAsync(fine, (item, _) =>
        {
            Interlocked.Add(ref sink, item);
            return default;
        });

    [Benchmark]
    public long CpuItems_Sequential()
    {
        long total = 0;
        foreach (var item in cpu)
        {
            total += Spin(item);
        }

        return total;
    }

    [Benchmark]
    public Task CpuItems_Executor() =>
        Executor.ForEachAsync(cpu, (item, _) =>
        {
            Interlocked.Add(ref sink, Spin(item));
            return default;
        });

    private static long Spin(int seed)
    {
        long x = seed;
        for (var i = 0; i < 2_000_000; i++)
        {
            x = x * 6364136223846793005 + 1442695040888963407;
        }

        return x;
    }
}
