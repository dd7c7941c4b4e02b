namespace ParallelLint.Package.Tests;

/// <summary>
/// The package as a user meets it: packed from this repository, added to a fresh console project from a local feed,
/// built (the warning), fixed with <c>dotnet format</c>, rebuilt clean, and run (the runtime works).
/// </summary>
[Collection(PackedPackage.Collection)]
public sealed class PackageTests
{
    private readonly PackedPackage package;

    public PackageTests(PackedPackage package) => this.package = package;

    [Fact]
    public Task A_consumer_gets_the_warning_the_fix_a_clean_build_and_a_working_runtime() => WarningFixRebuildRun(
        "NestedLoops",
        """
        using ParallelLint.Runtime;

        var sums = new long[8];
        Parallel.For(0, sums.Length, i =>
        {
            Parallel.For(0, 1000, j => Interlocked.Add(ref sums[i], j));
        });
        Console.WriteLine($"cores={Cores.Available} sum={sums.Sum()}");
        """,
        "PL1001",
        "for (int j = 0; j < 1000; j++)",
        @"cores=[1-9]\d* sum=3996000");

    [Fact]
    public Task An_unbounded_blocking_loop_is_bounded_by_the_fix() => WarningFixRebuildRun(
        "BlockingLoop",
        """
        var total = 0;
        Parallel.ForEach(Enumerable.Range(1, 8), item =>
        {
            Thread.Sleep(10);
            Interlocked.Add(ref total, item);
        });
        Console.WriteLine($"total={total}");
        """,
        "PL2002",
        "MaxDegreeOfParallelism = Cores.Available",
        "total=36");

    /// <summary>
    /// A fresh console project on the packed package: <c>dotnet build</c> reports <paramref name="rule"/>,
    /// <c>dotnet format analyzers</c> fixes it, the rebuild is clean and the program prints <paramref name="output"/>.
    /// </summary>
    private async Task WarningFixRebuildRun(string name, string source, string rule, string fixedFragment, string output)
    {
        var project = package.Consumer(name, source);
        var program = Path.Combine(project, "Program.cs");

        var build = await DotNet.Run(project, DotNet.CommandTimeout, "build", "--no-incremental");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains("warning " + rule, build.Output);

        var format = await DotNet.Run(project, DotNet.CommandTimeout, "format", "analyzers", "--diagnostics", rule, "--severity", "warn");
        Assert.True(format.ExitCode == 0, format.Output);
        var fixedSource = File.ReadAllText(program);
        Assert.Contains(fixedFragment, fixedSource);

        var rebuild = await DotNet.Run(project, DotNet.CommandTimeout, "build", "--no-incremental");
        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.DoesNotContain(rule, rebuild.Output);

        var run = await DotNet.Run(project, DotNet.CommandTimeout, "run", "--no-build");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Matches(output, run.Output);
    }
}
