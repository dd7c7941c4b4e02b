using System.Globalization;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Tool.Tests;

/// <summary><c>parallellint report</c> on real finished runs: the HTML's plots, rows and launch figures, and the timeline's lanes.</summary>
public sealed class ReportTests() : ScratchTests("report")
{

    [SkippableTheory]
    [MemberData(nameof(Runs.Backends), MemberType = typeof(Runs))]
    public async Task The_report_of_a_finished_run_has_its_plots_jobs_and_launch_time(string backend)
    {
        await using var run = Runs.Start(backend, Scratch, count: 4, seconds: 1);
        var results = await run.Run;
        var html = Path.Combine(Scratch, "report.html");
        var png = Path.Combine(Scratch, "report.png");

        var (code, output) = ToolProgram.Run("report", run.Directory, "-o", html, "--png", png);

        Assert.True(code == 0, output);
        var text = File.ReadAllText(html);
        Assert.Contains("<svg", text, StringComparison.Ordinal);
        Assert.Contains("Jobs per slot", text, StringComparison.Ordinal);
        Assert.All(results, result => Assert.Contains($"<td>{result.Id}</td>", text, StringComparison.Ordinal));
        Assert.Contains("4/4 ended; 0 queued, 0 running, 4 done", text, StringComparison.Ordinal);
        // The parent's launch cost: known, summed and set against the run's wall time; unknown figures said to be so.
        if (results.All(result => result.LaunchDuration is not null))
        {
            Assert.Matches(@"The parent spent \d+\.\d{3} s starting and feeding 4 jobs \(mean [\d.]+ ms per job\), [\d.]+ % of the run's wall time", text);
        }
        else
        {
            Assert.Contains("Launch times are unknown", text, StringComparison.Ordinal);
        }

        // CPU efficiency drawn where the CPU time is known, and said to be unknown (not drawn as 0) where it is not.
        Assert.Equal(results.All(result => result.CpuTime is null), text.Contains("CPU time is unknown for every job", StringComparison.Ordinal));
        foreach (var result in results.Where(result => result.CpuTime is not null))
        {
            Assert.Matches($@"<td>{result.Id}</td>(<td[^>]*>[^<]*</td>){{7}}<td>[\d:.]+ s?</td><td>\d+ %</td>", text);
        }

        // A second-long job always lives at a sample: its peak memory is in its row, after its CPU figures.
        Assert.All(results, result => Assert.NotNull(result.PeakMemoryBytes));
        Assert.DoesNotContain("Peak memory is unknown", text, StringComparison.Ordinal);
        foreach (var result in results)
        {
            Assert.Matches(string.Create(CultureInfo.InvariantCulture, $@"<td>{result.Id}</td>(<td[^>]*>[^<]*</td>){{9}}<td>{result.PeakMemoryBytes / 1048576.0:0.0} MiB</td>"), text);
        }

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png).Take(4));
    }

    [Fact]
    public async Task Jobs_that_overlapped_never_share_a_lane_and_lanes_do_not_exceed_the_slots()
    {
        await using var run = Runs.Start("local", Scratch, count: 6, seconds: 0.5);
        await run.Run;
        var status = JobStatus.Read(run.Directory);

        var figures = new RunFigures(status, DateTimeOffset.Now);

        Assert.Equal(6, figures.Bars.Count);
        Assert.True(figures.Bars.SelectMany(bar => bar.Lanes).Distinct().Count() <= 2, "more lanes than the run's two slots");
        foreach (var bar in figures.Bars)
        {
            Assert.DoesNotContain(figures.Bars, other => other != bar && other.Lanes.Intersect(bar.Lanes).Any() && other.Start < bar.End && bar.Start < other.End);
        }

        Assert.Equal(figures.Wall!.Value.TotalSeconds, figures.Bars.Max(bar => bar.End), 3);
    }
}
