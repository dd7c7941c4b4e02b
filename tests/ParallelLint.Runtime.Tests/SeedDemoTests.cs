using System.Text.RegularExpressions;
using System.Xml.Linq;
using ParallelLint.Runtime.Tests.Jobs;

namespace ParallelLint.Runtime.Tests;

/// <summary>
/// The README's main job, samples/ParallelLint.Demo, run for real: the seed's two examples measured at 1, 2, 4 and 8
/// workers must show the seed's finding, next to the model's prediction and the tuner's pick, and leave the plot.
/// </summary>
[Collection(MeasuredRuns.Name)]
public sealed class SeedDemoTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("parallellint-demo-test-").FullName;

    public void Dispose() => Directory.Delete(output, recursive: true);

    /// <summary>
    /// The seed's finding, run after run: with 10 minutes of compute the best is 4 workers and 8 are slower; with 60,
    /// 8 are the fastest. Three runs of the real demo (processes, files, waits), each must show it.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Locally_more_workers_hurt_the_first_example_and_help_the_second(int run)
    {
        var text = RunDemo();

        var tables = Tables(text);
        Assert.True(tables.Length == 2 && tables.All(rows => rows.Select(row => row.Workers).SequenceEqual(new[] { 1, 2, 4, 8 })), Report(run, text));
        var first = tables[0];
        Assert.True(Fastest(first) == 4 && first[3].Measured > first[2].Measured, Report(run, text));
        Assert.True(first[3].Predicted > first[2].Predicted, Report(run, text));
        Assert.Contains("more workers stop helping after 4 and then hurt", text);
        var second = tables[1];
        Assert.True(Fastest(second) == 8, Report(run, text));
        Assert.Contains("more workers keep helping: 8 workers", text);

        // The parent's cost per worker is the seed's half minute at every degree, not whatever this machine's disk made of it.
        Assert.All(tables.SelectMany(rows => rows), row => Assert.InRange(row.CostMinutes, 0.5, 0.56));

        // The tuner picks among the measured degrees: 4 for the first example, 8 for the second.
        var picks = Regex.Matches(text, @"the tuner picks (\d+) worker").Select(match => int.Parse(match.Groups[1].Value)).ToArray();
        Assert.True(picks.SequenceEqual(new[] { 4, 8 }), Report(run, text));
        Assert.Contains("available ", text); // the core report comes first

        AssertPlots("local backend on " + Environment.MachineName);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.Grids), MemberType = typeof(Backends))]
    public async Task On_a_grid_the_workers_are_jobs_and_its_slots_are_in_the_model(string backend)
    {
        // Twice as many workers as the grid has slots (eng/grid's have 2): the model must know they compute in two rounds.
        var slots = await Backends.SlotsAsync(backend);
        var text = RunDemo("--backend", backend, "--workers", $"1,{2 * slots}", "--unit", "0.25");

        Assert.Contains($"Backend: {backend}.", text);
        Assert.All(Tables(text), rows => Assert.Equal(new[] { 1, 2 * slots }, rows.Select(row => row.Workers)));
        Assert.Contains($", {slots} slots:", text);
        AssertPlots($"{backend} backend on ");
    }

    [Theory]
    [InlineData("--backend", "pbs")]
    [InlineData("--unit", "-1")]
    [InlineData("--workers", "1,x")]
    [InlineData("--compute")]
    public void Bad_arguments_get_the_usage_and_exit_code_2(params string[] arguments)
    {
        var (exitCode, _, error) = SampleProgram.Run(TimeSpan.FromMinutes(1), "dotnet", new[] { SampleProgram.Path("ParallelLint.Demo") }.Concat(arguments).ToArray());
        Assert.Equal(2, exitCode);
        Assert.Contains(arguments[0], error);
        Assert.Contains("usage: ParallelLint.Demo", error);
    }

    private string RunDemo(params string[] arguments)
    {
        var (exitCode, text, error) = Demo(arguments);
        if (exitCode != 0 && (text + error).Contains("Calibration is off", StringComparison.Ordinal))
        {
            // The demo refuses to measure when one copy overran its budget (a moment of load on a shared VM), and says to
            // rerun: so does the test, once. A wrong finding is never rerun.
            (exitCode, text, error) = Demo(arguments);
        }

        Assert.True(exitCode == 0, $"exit {exitCode}\n{text}\n{error}");
        return text;
    }

    private (int ExitCode, string Output, string Error) Demo(string[] arguments) =>
        SampleProgram.Run(TimeSpan.FromMinutes(10), "dotnet", new[] { SampleProgram.Path("ParallelLint.Demo"), "--out", output }.Concat(arguments).ToArray());

    /// <summary>Each example's table: workers, measured seconds, predicted seconds, the parent's cost per worker in the seed's minutes.</summary>
    private static (int Workers, double Measured, double Predicted, double CostMinutes)[][] Tables(string text) =>
        Regex.Split(text, @"^Example \d", RegexOptions.Multiline).Skip(1)
            .Select(part => Regex.Matches(part, @"^\s+(\d+)\s+([\d.]+) s\s+([\d.]+) s\s+\S+x\s+[\d.]+ s = ([\d.]+) min", RegexOptions.Multiline)
                .Select(row => (int.Parse(row.Groups[1].Value), double.Parse(row.Groups[2].Value), double.Parse(row.Groups[3].Value), double.Parse(row.Groups[4].Value)))
                .ToArray())
            .ToArray();

    private static int Fastest((int Workers, double Measured, double Predicted, double CostMinutes)[] rows) =>
        rows.MinBy(row => row.Measured).Workers;

    /// <summary>The PNG and both SVGs are there, each with both curves and the title naming where it ran.</summary>
    private void AssertPlots(string setting)
    {
        var png = File.ReadAllBytes(Path.Combine(output, "seed-examples.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4));
        foreach (var svg in new[] { "seed-example-1.svg", "seed-example-2.svg" })
        {
            var document = XDocument.Load(Path.Combine(output, svg));
            Assert.Equal("svg", document.Root!.Name.LocalName);
            Assert.Contains("measured", document.ToString());
            Assert.Contains("predicted", document.ToString());
            Assert.Contains(setting, document.ToString());
        }
    }

    private static string Report(int run, string text) => $"run {run}, demo output:\n{text}";
}

/// <summary>
/// Tests whose assertions rest on measured wall time run alone, after the others: another test's CPU work in the middle
/// of one degree's run would stretch the parent's cost there and not at the other degrees.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredRuns
{
    public const string Name = "Measured runs";
}
