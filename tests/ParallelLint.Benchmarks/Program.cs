using BenchmarkDotNet.Running;
using ParallelLint.Benchmarks;

if (args is ["--telemetry", .. var sizes])
{
    await AnalyzerTelemetry.Report(sizes.Length == 0 ? [200_000, 400_000] : sizes.Select(int.Parse).ToArray());
    return;
}

if (args is ["--real", _, ..])
{
    await RealCode.Report(args[1..]);
    return;
}

if (args is ["--shares", .. var shares])
{
    await AnalyzerShares.Report(shares.Length > 0 ? int.Parse(shares[0]) : 50_000, shares.Length > 1 ? int.Parse(shares[1]) : 5, shares.Skip(2).ToArray());
    return;
}

if (args is ["--job-rounds", .. var rounds])
{
    await JobRounds.Report(rounds.Length == 0 ? 21 : int.Parse(rounds[0]));
    return;
}

if (args is ["--grid-jobs", .. var grid])
{
    await GridJobRounds.Report(grid);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
