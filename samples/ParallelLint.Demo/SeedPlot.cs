using ScottPlot;

namespace ParallelLint.Demo;

/// <summary>Time against workers for both examples, measured and predicted, side by side, in the seed's minutes.</summary>
internal static class SeedPlot
{
    /// <summary>
    /// Writes both examples side by side as PNG, and each as its own SVG, each titled with where it ran
    /// (<paramref name="setting"/>: the backend and the machine); returns the files written.
    /// </summary>
    public static IEnumerable<string> Write(IReadOnlyList<ExampleOutcome> outcomes, double unit, string setting, string directory)
    {
        var figure = new Multiplot();
        figure.AddPlots(outcomes.Count);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var files = new List<string> { Path.Combine(directory, "seed-examples.png") };
        for (var i = 0; i < outcomes.Count; i++)
        {
            var plot = figure.GetPlot(i);
            Draw(plot, outcomes[i], unit, setting);
            files.Add(Path.Combine(directory, $"seed-example-{i + 1}.svg"));
            plot.SaveSvg(files[^1], 600, 450);
        }

        figure.SavePng(files[0], 1200, 450);
        return files;
    }

    private static void Draw(Plot plot, ExampleOutcome outcome, double unit, string setting)
    {
        var workers = outcome.Runs.Select(run => (double)run.Workers).ToArray();
        var measured = plot.Add.Scatter(workers, outcome.Runs.Select(run => run.Seconds / unit).ToArray());
        measured.LegendText = "measured";
        measured.LineWidth = 2;
        measured.MarkerSize = 8;

        var predicted = plot.Add.Scatter(workers, outcome.Runs.Select(run => outcome.Predicted(run.Workers) / unit).ToArray());
        predicted.LegendText = "predicted (cost model)";
        predicted.LinePattern = LinePattern.Dashed;
        predicted.MarkerShape = MarkerShape.OpenCircle;

        var pick = plot.Add.VerticalLine(outcome.TunerPick);
        pick.LegendText = $"tuner's pick: {outcome.TunerPick}";
        pick.LinePattern = LinePattern.Dotted;

        plot.Title($"{outcome.Example.Name} ({outcome.Example.Short} min)\n{setting}", size: 14);
        plot.XLabel("workers");
        plot.YLabel($"wall time (the seed's minutes; 1 = {unit:0.###} s)");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            workers, outcome.Runs.Select(run => run.Workers.ToString()).ToArray());
        plot.Axes.SetLimitsY(0, outcome.Runs.Max(run => Math.Max(run.Seconds, outcome.Predicted(run.Workers))) / unit * 1.1);
        plot.ShowLegend(Alignment.UpperRight);
    }
}
