namespace ParallelLint.Runtime.Tests;

/// <summary>What the results a user prints say: what they hold, not their type name (the README prints them).</summary>
public class PrintedResultsTests
{
    [Fact]
    public void Progress_prints_its_counts()
    {
        var progress = new ExecutorProgress(started: 10, completed: 7, failed: 1);

        Assert.Equal("started 10 (2 running), 7 completed, 1 failed", progress.ToString());
    }

    [Fact]
    public async Task A_tuning_result_prints_the_knee_the_law_and_every_measured_degree()
    {
        // The timings of ChoosingTheDegreeTests' tuner test, on a clock the runs advance.
        var milliseconds = new Dictionary<int, double> { [1] = 250, [2] = 160, [4] = 130, [8] = 145 };
        var now = TimeSpan.Zero;
        Task Run(int degree, CancellationToken cancellation)
        {
            now += TimeSpan.FromMilliseconds(milliseconds[degree]);
            return Task.CompletedTask;
        }

        var result = await DegreeTuner.TuneRunsAsync(new[] { 1, 2, 4, 8 }, Run, 0.05, CancellationToken.None, () => now);
        var lines = result.ToString().ReplaceLineEndings("\n").Split('\n');

        Assert.Equal($"knee 4; {result.Law}", lines[0]);
        Assert.Equal(
            new[] { "  degree 1: 0.250 s, 4/s", "  degree 2: 0.160 s, 6.25/s", "  degree 4: 0.130 s, 7.692/s", "  degree 8: 0.145 s, 6.897/s" },
            lines[1..]);
        Assert.Matches(@"^USL lambda 4/s, sigma \d\.\d{3}, kappa \d\.\d{4}: peak at \d+\.\d$", result.Law.ToString());
    }

    [Fact]
    public void A_law_without_coherency_has_no_peak()
    {
        var law = ScalabilityLaw.Fit(Measured.Points((1, 10.0), (2, 20.0), (4, 40.0)));

        Assert.Equal("USL lambda 10/s, sigma 0.000, kappa 0.0000: no peak (throughput never falls)", law.ToString());
    }
}
