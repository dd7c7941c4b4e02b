using BenchmarkDotNet.Attributes;
using ParallelLint.Runtime;

namespace ParallelLint.Benchmarks;

/// <summary>
/// <see cref="Cores.Available"/> as the fixes use it, in a loop (a few environment lookups between refreshes),
/// against a full detection (every variable, cgroup level, the affinity mask and one sysfs file per CPU).
/// </summary>
[MemoryDiagnoser]
public class CoresBenchmarks
{
    [Benchmark(Baseline = true)]
    public CoreReport Detect() => Cores.Detect();

    [Benchmark]
    public int Available() => Cores.Available;

    [Benchmark]
    public int AvailableAfterRefresh()
    {
        Cores.Refresh();
        return Cores.Available;
    }
}
