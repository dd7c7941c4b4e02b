namespace ParallelLint.Runtime.Tests;

public class CoresTests
{
    [Fact]
    public void Available_is_at_least_one_and_at_most_the_processor_count()
    {
        // This machine's files and variables, as Cores.Available reads them, but never the override: set where the
        // tests run, it may say any number (even above the processors, by design), and CoresReportProcessTests
        // tests it in a real process.
        var environment = new CoreEnvironment("/", name => name == Cores.OverrideVariable ? null : Environment.GetEnvironmentVariable(name), Environment.ProcessorCount);
        var report = CoreDetection.Detect(environment);

        Assert.InRange(report.Available, 1, Math.Min(Environment.ProcessorCount, report.Logical));
        Assert.NotEqual(Cores.OverrideVariable, report.DecidedBy);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 2, 1)]
    [InlineData(8, 4, 2)]
    [InlineData(16, 4, 4)]
    [InlineData(12, 4, 3)]
    [InlineData(64, 8, 8)]
    public void Two_levels_give_the_outer_level_the_larger_share(int cores, int outer, int inner)
    {
        Assert.Equal(outer, Cores.Split(cores, level: 0, levels: 2));
        Assert.Equal(inner, Cores.Split(cores, level: 1, levels: 2));
    }

    [Fact]
    public void Every_split_stays_within_the_cores_and_gives_each_level_at_least_one()
    {
        foreach (var cores in Enumerable.Range(1, 300))
        {
            foreach (var levels in Enumerable.Range(1, 5))
            {
                var degrees = Enumerable.Range(0, levels).Select(level => Cores.Split(cores, level, levels)).ToArray();
                Assert.All(degrees, degree => Assert.True(degree >= 1));
                Assert.True(degrees.Aggregate(1L, (product, degree) => product * degree) <= cores, $"{cores} cores, {levels} levels: {string.Join(" x ", degrees)}");
            }
        }
    }

    [Fact]
    public void Three_levels_on_64_cores_split_evenly()
    {
        Assert.Equal(new[] { 4, 4, 4 }, Enumerable.Range(0, 3).Select(level => Cores.Split(64, level, 3)));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 2)]
    [InlineData(-1, 2)]
    public void Bad_levels_name_the_parameter(int level, int levels)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Cores.ForLevel(level, levels));
        Assert.Equal(levels < 1 ? "levels" : "level", error.ParamName);
    }
}
