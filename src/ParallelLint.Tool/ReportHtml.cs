using System.Globalization;
using System.Net;
using System.Text;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Tool;

/// <summary>The report as one standalone HTML file: its plots inline as SVG, nothing fetched from elsewhere.</summary>
internal static class ReportHtml
{
    public static string Write(RunFigures figures, string runDirectory)
    {
        var status = figures.Status;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ParallelLint run report</title><style>")
            .Append("body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}")
            .Append("td:first-child,th:first-child{text-align:left}.unknown{color:#888}</style></head><body>\n")
            .Append(CultureInfo.InvariantCulture, $"<h1>Run {Encode(Path.GetFullPath(runDirectory))}</h1>\n")
            .Append(CultureInfo.InvariantCulture, $"<p id=\"summary\">{Encode(Spectre.Console.Markup.Remove(StatusView.Summary(status)))}; wall time {Jobs.Format(figures.Wall)}</p>\n");
        if (status.Ended < status.Jobs.Count)
        {
            html.Append("<p><strong>The run has not finished:</strong> running jobs are drawn to the time of this report.</p>\n");
        }

        html.Append("<h2>The parent's cost of starting workers</h2>\n<p id=\"launch\">");
        html.Append(figures.LaunchTotal is { } total
            ? FormattableString.Invariant($"The parent spent {total.TotalSeconds:0.000} s starting and feeding {figures.LaunchKnown} jobs (mean {total.TotalMilliseconds / figures.LaunchKnown:0.0} ms per job)") +
              (figures.LaunchShare is { } share ? FormattableString.Invariant($", {share:P1} of the run's wall time: launches happen one after another, so this much of the run no worker can shorten.") : ".")
            : "<span class=\"unknown\">Launch times are unknown for this run (the runtime did not record them).</span>");
        html.Append("</p>\n");

        html.Append("<h2>Timeline</h2>\n");
        html.Append(figures.Bars.Count > 0
            ? ReportPlots.Timeline(figures).GetSvgXml(ReportPlots.Width, ReportPlots.Height(figures.Bars.SelectMany(bar => bar.Lanes.Select(lane => (bar.Host, lane))).Distinct().Count() + 1))
            : "<p class=\"unknown\">No job has started.</p>");

        Section(html, "CPU efficiency", status.Jobs, RunFigures.Efficiency, "CPU efficiency per job", "CPU time / (cores × wall time)",
            "CPU time is unknown for every job (no marker, qacct/sacct record or process accounting).");
        Section(html, "Peak memory", status.Jobs, job => job.PeakMemoryBytes / 1048576.0, "Peak memory per job", "MiB",
            "Peak memory is unknown for every job.");
        Section(html, "Launch time per job", status.Jobs, job => job.LaunchDuration?.TotalMilliseconds, "The parent's time starting each job", "ms",
            "Launch times are unknown for every job.");

        html.Append("<h2>Jobs</h2>\n<table id=\"jobs\"><tr><th>job</th><th>id</th><th>state</th><th>host</th><th>cores</th><th>attempts</th><th>exit</th>")
            .Append("<th>start (s)</th><th>wall</th><th>CPU time</th><th>efficiency</th><th>peak memory</th><th>launch</th></tr>\n");
        for (var i = 0; i < status.Jobs.Count; i++)
        {
            var job = status.Jobs[i];
            var start = job.Started is { } started && figures.Begin is { } begin ? (started - begin).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) : null;
            html.Append("<tr>").Append(Cell(FormattableString.Invariant($"{i + 1} {Jobs.Name(job)}"))).Append(Cell(job.Id)).Append(Cell(Jobs.Describe(job.State)))
                .Append(Cell(job.Host)).Append(Cell(job.Job.Cores.ToString(CultureInfo.InvariantCulture))).Append(Cell(job.Attempts.ToString(CultureInfo.InvariantCulture)))
                .Append(Cell(job.ExitCode?.ToString(CultureInfo.InvariantCulture))).Append(Cell(start))
                .Append(Cell(job.Started is null ? null : Jobs.Format(Jobs.Elapsed(job, figures.End ?? DateTimeOffset.Now))))
                .Append(Cell(job.CpuTime is { } cpu ? Jobs.Format(cpu) : null))
                .Append(Cell(RunFigures.Efficiency(job)?.ToString("P0", CultureInfo.InvariantCulture)))
                .Append(Cell(job.PeakMemoryBytes is { } bytes ? (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB" : null))
                .Append(Cell(job.LaunchDuration is { } launch ? launch.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : null))
                .Append("</tr>\n");
        }

        return html.Append("</table>\n<p>Cells marked <span class=\"unknown\">unknown</span> are figures the run did not record; they are not zero.</p>\n</body></html>\n").ToString();
    }

    private static void Section(StringBuilder html, string heading, IReadOnlyList<JobResult> jobs, Func<JobResult, double?> value, string title, string unit, string none)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h2>{Encode(heading)}</h2>\n");
        var unknown = jobs.Count(job => value(job) is null);
        if (ReportPlots.PerJob(jobs, value, title, unit) is not { } plot)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"unknown\">{Encode(none)}</p>\n");
            return;
        }

        html.Append(plot.GetSvgXml(ReportPlots.Width, ReportPlots.Height(jobs.Count - unknown)));
        if (unknown > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"unknown\">Unknown for {unknown} of {jobs.Count} jobs (not drawn).</p>\n");
        }
    }

    private static string Cell(string? text) => text is null ? "<td class=\"unknown\">unknown</td>" : $"<td>{Encode(text)}</td>";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
