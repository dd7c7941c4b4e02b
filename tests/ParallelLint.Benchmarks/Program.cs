using BenchmarkDotNet.Running;
using ParallelLint.Benchmarks;

if (args is ["--telemetry"])
{
    await AnalyzerTelemetry.Report();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
