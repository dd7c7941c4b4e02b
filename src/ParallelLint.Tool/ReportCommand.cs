using System.ComponentModel;
using ScottPlot;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ParallelLint.Tool;

/// <summary><c>parallellint report RUN_DIR</c>: a standalone HTML report of the run (and, with <c>--png</c>, its plots as one picture).</summary>
internal sealed class ReportCommand : Command<ReportCommand.Settings>
{
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var figures = new RunFigures(RunDirectories.Read(settings.RunDirectory), DateTimeOffset.Now);
            var output = Path.GetFullPath(settings.Output ?? Path.Combine(settings.RunDirectory, "report.html"));
            File.WriteAllText(output, ReportHtml.Write(figures, settings.RunDirectory));
            AnsiConsole.WriteLine($"wrote {output}");
            if (settings.Png is { } png)
            {
                WritePng(figures, Path.GetFullPath(png));
                AnsiConsole.WriteLine($"wrote {Path.GetFullPath(png)}");
            }

            return 0;
        }
        catch (RunDirectoryException e)
        {
            AnsiConsole.MarkupLine($"[red]{e.Message.EscapeMarkup()}[/]");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            AnsiConsole.MarkupLine($"[red]The report could not be written: {e.Message.EscapeMarkup()}[/]");
            return 2;
        }
    }

    /// <summary>The timeline above the efficiency plot (when CPU times are known): the README's picture.</summary>
    private static void WritePng(RunFigures figures, string path)
    {
        var plots = new List<Plot> { ReportPlots.Timeline(figures) };
        if (ReportPlots.PerJob(figures.Status.Jobs, RunFigures.Efficiency, "CPU efficiency per job", "CPU time / (cores × wall time)") is { } efficiency)
        {
            plots.Add(efficiency);
        }

        var figure = new Multiplot();
        figure.RemovePlot(figure.GetPlots()[0]); // a new multiplot holds an empty plot
        foreach (var plot in plots)
        {
            figure.AddPlot(plot);
        }

        figure.Layout = new ScottPlot.MultiplotLayouts.Rows();
        figure.SavePng(path, ReportPlots.Width, 420 * plots.Count);
    }

    internal sealed class Settings : RunSettings
    {
        [CommandOption("-o|--output <FILE>")]
        [Description("The HTML file to write (default: report.html in the run directory).")]
        public string? Output { get; init; }

        [CommandOption("--png <FILE>")]
        [Description("Also write the timeline and CPU efficiency plots as one PNG.")]
        public string? Png { get; init; }
    }
}
