using BenchmarkDotNet.Attributes;
using ParallelLint.Runtime;

namespace ParallelLint.Benchmarks;

/// <summary>Core detection reads every source each time (nothing is cached that could change): target under 5 ms.</summary>
[MemoryDiagnoser]
public class CoresBenchmarks
{
    [Benchmark]
    public CoreReport Detect() => Cores.Detect();
}
