namespace ParallelLint.Runtime.Tests;

public class ChoosingTheDegreeTests
{
    // The seed's parent pays each worker's start and data transfer one after another: half a minute each.
    private const double PerWorkerMinutes = 0.5;

    [Fact]
    public void Seed_example_one_eight_workers_are_slower_than_four()
    {
        var model = new CostModel(PerWorkerMinutes, compute: 10, io: 2);
        Assert.True(model.Predict(8) > model.Predict(4), $"T(4) = {model.Predict(4)}, T(8) = {model.Predict(8)}");
        Assert.Equal(4, model.BestWorkers());
        Assert.Equal(new[] { 12.5, 8, 6.5, 7.25 }, model.Predict(new[] { 1, 2, 4, 8 }).Select(row => row.Time));
    }

    [Fact]
    public void Seed_example_two_keeps_gaining_up_to_eight_workers()
    {
        var model = new CostModel(PerWorkerMinutes, compute: 60, io: 2);
        var table = model.Predict(new[] { 1, 2, 4, 8 });
        Assert.True(table.Zip(table.Skip(1), (fewer, more) => more.Time < fewer.Time).All(faster => faster));
        Assert.True(table[3].Speedup > 4, $"speed-up at 8 workers: {table[3].Speedup}");
        Assert.Equal(11, model.BestWorkers());
        Assert.Equal(8, model.BestWorkers(maxWorkers: 8));
    }

    [Fact]
    public void Workers_beyond_the_slots_wait_and_only_add_their_start()
    {
        // Two slots, as on the single-node grids: 4 workers compute in two rounds, so no faster than 2.
        var model = new CostModel(PerWorkerMinutes, compute: 60, io: 2, slots: 2);
        Assert.Equal(new[] { 62.5, 33, 34, 36 }, model.Predict(new[] { 1, 2, 4, 8 }).Select(row => row.Time));
        Assert.Equal(2, model.BestWorkers());
        Assert.Equal(2, model.Slots);
        Assert.Null(new CostModel(PerWorkerMinutes, compute: 60, io: 2).Slots);

        // Three workers on two slots: the third computes its third alone, after the first round.
        Assert.Equal(3 * PerWorkerMinutes + 2 * 60.0 / 3 + 2, new CostModel(PerWorkerMinutes, 60, 2, slots: 2).Predict(3), precision: 9);
    }

    [Fact]
    public void Bad_costs_name_their_parameter()
    {
        Assert.Equal("slots", Assert.Throws<ArgumentOutOfRangeException>(() => new CostModel(1, 1, 0, slots: 0)).ParamName);
        Assert.Equal("perWorker", Assert.Throws<ArgumentOutOfRangeException>(() => new CostModel(-1, 1, 0)).ParamName);
        Assert.Equal("compute", Assert.Throws<ArgumentOutOfRangeException>(() => new CostModel(1, 0, 0)).ParamName);
        Assert.Equal("io", Assert.Throws<ArgumentOutOfRangeException>(() => new CostModel(1, 1, double.NaN)).ParamName);
        Assert.Equal("workers", Assert.Throws<ArgumentOutOfRangeException>(() => new CostModel(1, 1, 0).Predict(0)).ParamName);
    }

    [Fact]
    public void The_scalability_law_fit_recovers_known_contention_and_coherency()
    {
        const double Lambda = 100, Sigma = 0.05, Kappa = 0.002;
        var points = Measured.Points(new[] { 1, 2, 4, 8, 16 }.Select(n => (n, Lambda * n / (1 + Sigma * (n - 1) + Kappa * n * (n - 1)))).ToArray());
        var law = ScalabilityLaw.Fit(points);

        Assert.Equal(Sigma, law.Sigma, precision: 6);
        Assert.Equal(Kappa, law.Kappa, precision: 6);
        Assert.Equal(Math.Sqrt((1 - Sigma) / Kappa), law.PeakDegree!.Value, precision: 6);
        Assert.True(law.PeakDegree > 16, "the peak lies beyond the measured degrees");
    }

    [Fact]
    public void Linear_scaling_has_no_peak()
    {
        var law = ScalabilityLaw.Fit(Measured.Points((1, 10.0), (2, 20.0), (4, 40.0)));
        Assert.Null(law.PeakDegree);
        Assert.Equal(80, law.Throughput(8), precision: 6);
    }

    [Fact]
    public void The_fit_needs_a_point_at_degree_one()
    {
        Assert.Throws<ArgumentException>(() => ScalabilityLaw.Fit(Measured.Points((2, 10.0), (4, 12.0))));
        Assert.Throws<ArgumentException>(() => ScalabilityLaw.Fit(Measured.Points((1, 0.0))));
    }

    [Fact]
    public async Task The_tuner_measures_every_degree_and_picks_a_knee_among_them()
    {
        var sample = Enumerable.Range(0, 16).ToArray();
        var result = await DegreeTuner.TuneAsync(sample, (_, _) =>
        {
            Thread.SpinWait(200_000);
            return default;
        }, maxDegreeOfParallelism: 4);

        Assert.Equal(new[] { 1, 2, 4 }, result.Points.Select(p => p.Degree));
        Assert.All(result.Points, p => Assert.True(p.Throughput > 0));
        Assert.Contains(result.Knee, result.Points.Select(p => p.Degree));
        var best = result.Points.Max(p => p.Throughput);
        Assert.True(result.Points.Single(p => p.Degree == result.Knee).Throughput >= 0.95 * best);
        Assert.True(result.Points.Where(p => p.Degree < result.Knee).All(p => p.Throughput < 0.95 * best));
    }

    [Fact]
    public async Task Whole_runs_are_timed_at_each_degree_and_the_fastest_fewest_is_picked()
    {
        // A run whose cost falls to 4 workers and rises after: the seed's first example in milliseconds. Each run
        // advances the tuner's clock by its cost, so the table and the pick do not depend on how busy the machine is.
        var milliseconds = new System.Collections.Generic.Dictionary<int, int> { [1] = 250, [2] = 160, [4] = 130, [8] = 145 };
        var now = TimeSpan.FromHours(1);
        Task Run(int degree, CancellationToken _)
        {
            now += TimeSpan.FromMilliseconds(milliseconds[degree]);
            return Task.CompletedTask;
        }

        var result = await DegreeTuner.TuneRunsAsync(new[] { 1, 2, 4, 8 }, Run, 0.05, CancellationToken.None, () => now);

        Assert.Equal(new[] { 1, 2, 4, 8 }, result.Points.Select(p => p.Degree));
        Assert.Equal(new[] { 250.0, 160, 130, 145 }, result.Points.Select(p => p.Elapsed.TotalMilliseconds));
        Assert.All(result.Points, p => Assert.Equal(1000.0 / milliseconds[p.Degree], p.Throughput, precision: 9));
        Assert.Equal(4, result.Knee);

        // 2 workers (160 ms) come within 25% of the best (130 ms): that tolerance picks them.
        var loose = await DegreeTuner.TuneRunsAsync(new[] { 1, 2, 4, 8 }, Run, 0.25, CancellationToken.None, () => now);
        Assert.Equal(2, loose.Knee);
    }

    [Fact]
    public async Task Whole_runs_are_timed_on_the_real_clock_by_default()
    {
        // Only a lower bound: a busy machine may stretch a run, but no run is measured shorter than it took
        // (Task.Delay may end up to a timer tick early).
        var result = await DegreeTuner.TuneRunsAsync(new[] { 1, 2 }, (degree, ct) => Task.Delay(100 * degree, ct));

        Assert.All(result.Points, p => Assert.True(p.Elapsed.TotalMilliseconds >= 100 * p.Degree - 20, $"{p.Degree}: {p.Elapsed.TotalMilliseconds} ms"));
        Assert.Equal(1 / result.Points[0].Elapsed.TotalSeconds, result.Points[0].Throughput, precision: 6);
    }

    [Theory]
    [InlineData(1, new[] { 1 })]
    [InlineData(2, new[] { 1, 2 })]
    [InlineData(6, new[] { 1, 2, 4, 6 })]
    [InlineData(8, new[] { 1, 2, 4, 8 })]
    public void Tuned_degrees_double_up_to_the_maximum(int max, int[] expected) =>
        Assert.Equal(expected, DegreeTuner.Degrees(max));

    [Fact]
    public async Task Bad_tuning_arguments_name_their_parameter()
    {
        Assert.Equal("maxDegreeOfParallelism", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => DegreeTuner.TuneAsync(new[] { 1 }, (_, _) => default, maxDegreeOfParallelism: 0))).ParamName);
        Assert.Equal("tolerance", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => DegreeTuner.TuneAsync(new[] { 1 }, (_, _) => default, tolerance: 1))).ParamName);
        Assert.Equal("degrees", (await Assert.ThrowsAsync<ArgumentException>(() => DegreeTuner.TuneRunsAsync(new[] { 1, 0 }, (_, _) => Task.CompletedTask))).ParamName);
        Assert.Equal("degrees", (await Assert.ThrowsAsync<ArgumentException>(() => DegreeTuner.TuneRunsAsync(Array.Empty<int>(), (_, _) => Task.CompletedTask))).ParamName);
        Assert.Equal("run", (await Assert.ThrowsAsync<ArgumentNullException>(() => DegreeTuner.TuneRunsAsync(new[] { 1 }, null!))).ParamName);
    }
}
