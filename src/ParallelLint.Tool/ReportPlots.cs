using ParallelLint.Runtime.Jobs;
using ScottPlot;

namespace ParallelLint.Tool;

/// <summary>The report's plots (ScottPlot): the timeline of jobs per slot, CPU efficiency, peak memory, launch time per job.</summary>
internal static class ReportPlots
{
    public const int Width = 900;

    /// <summary>A bar per job and core, on a lane per host and slot, coloured by how the job ended; the parent's launches as a lane of their own.</summary>
    public static Plot Timeline(RunFigures figures)
    {
        var plot = new Plot();
        var lanes = figures.Bars.SelectMany(bar => bar.Lanes.Select(lane => (bar.Host, Lane: lane))).Distinct()
            .OrderBy(lane => lane.Host, StringComparer.Ordinal).ThenBy(lane => lane.Lane).ToList();
        var row = lanes.Select((lane, index) => (lane, index)).ToDictionary(pair => pair.lane, pair => (double)pair.index);
        foreach (var bar in figures.Bars)
        {
            foreach (var lane in bar.Lanes)
            {
                var y = row[(bar.Host, lane)];
                var box = plot.Add.Rectangle(bar.Start, Math.Max(bar.End, bar.Start + 0.01), y - 0.4, y + 0.4);
                box.FillColor = StateColor(bar.Job.State).WithAlpha(0.8);
                box.LineColor = Colors.Black;
            }

            var label = plot.Add.Text(Jobs.Name(bar.Job), bar.Start, row[(bar.Host, bar.Lanes[0])]);
            label.LabelFontSize = 10;
            label.LabelAlignment = Alignment.MiddleLeft;
        }

        var labels = lanes.Select(lane => $"{lane.Host} slot {lane.Lane + 1}").ToList();
        if (figures.Begin is { } begin && figures.LaunchKnown > 0)
        {
            // The parent starts workers one after another: each launch ends as its job starts.
            var y = (double)labels.Count;
            labels.Add("parent: launching");
            foreach (var bar in figures.Bars.Where(bar => bar.Job.LaunchDuration is not null))
            {
                var box = plot.Add.Rectangle(bar.Start - bar.Job.LaunchDuration!.Value.TotalSeconds, bar.Start, y - 0.4, y + 0.4);
                box.FillColor = Colors.Orange.WithAlpha(0.8);
                box.LineColor = Colors.DarkOrange;
            }
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), labels.ToArray());
        plot.Axes.SetLimitsY(labels.Count - 0.5, -0.5);
        plot.Title("Jobs per slot");
        plot.XLabel("seconds since the first job started");
        return plot;
    }

    /// <summary>A horizontal bar per job whose <paramref name="value"/> is known, in the run's order; null when none is.</summary>
    public static Plot? PerJob(IReadOnlyList<JobResult> jobs, Func<JobResult, double?> value, string title, string unit)
    {
        var known = jobs.Select((job, index) => (job, index, value: value(job))).Where(entry => entry.value is not null).ToList();
        if (known.Count == 0)
        {
            return null;
        }

        var plot = new Plot();
        var bars = plot.Add.Bars(known.Select((entry, row) => new Bar
        {
            Position = row, Value = entry.value!.Value, FillColor = StateColor(entry.job.State), Orientation = Orientation.Horizontal,
        }).ToList());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, known.Count).Select(i => (double)i).ToArray(),
            known.Select(entry => $"{entry.index + 1} {Jobs.Name(entry.job)}").ToArray());
        plot.Axes.SetLimitsY(known.Count - 0.5, -0.5);
        plot.Axes.SetLimitsX(0, Math.Max(known.Max(entry => entry.value!.Value) * 1.1, 1e-9));
        plot.Title(title);
        plot.XLabel(unit);
        return plot;
    }

    /// <summary>Rows of a per-job plot: tall enough for a readable label per job.</summary>
    public static int Height(int rows) => 120 + (22 * Math.Max(1, rows));

    private static Color StateColor(JobState state) => state switch
    {
        JobState.Succeeded => Colors.SeaGreen,
        JobState.Running => Colors.SteelBlue,
        JobState.Queued => Colors.Gray,
        JobState.Cancelled => Colors.Gold,
        _ => Colors.Crimson,
    };
}
