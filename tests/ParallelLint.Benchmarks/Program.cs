using System.Linq;
using BenchmarkDotNet.Running;
using ParallelLint.Benchmarks;

if (args is ["--telemetry", .. var sizes])
{
    await AnalyzerTelemetry.Report(sizes.Length == 0 ? [200_000, 400_000] : sizes.Select(int.Parse).ToArray());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
