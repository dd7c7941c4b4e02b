using System.Globalization;
using ParallelLint.Runtime.Jobs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ParallelLint.Tool;

/// <summary>
/// A run's status as the terminal shows it, like <c>qstat</c>: a line of counts per state, slots and who is watching,
/// then a row per job. A pure function of the snapshot, so that status, watch and the tests draw the same thing.
/// </summary>
internal static class StatusView
{
    /// <summary>
    /// The view of <paramref name="status"/> at <paramref name="now"/>. With <paramref name="maxRows"/> (a live view on
    /// a screen of that many rows) the jobs that are most worth a look come first, running then failed then queued,
    /// and the rest are counted in a last line; without it every job is shown in the run's order.
    /// </summary>
    public static IRenderable Render(JobStatus status, string runDirectory, DateTimeOffset now, int? maxRows = null)
    {
        var table = new Table().Border(TableBorder.Simple).Expand();
        foreach (var column in new[] { "job", "id", "state", "host", "cores", "attempts", "elapsed" })
        {
            table.AddColumn(new TableColumn(column));
        }

        table.Columns[4].RightAligned();
        table.Columns[5].RightAligned();
        table.Columns[6].RightAligned();

        var rows = status.Jobs.Select((job, index) => (Job: job, Number: index + 1)).ToList();
        if (maxRows is { } max)
        {
            rows = rows.OrderBy(row => Interest(row.Job.State)).ThenBy(row => row.Number).ToList();
        }

        var shown = maxRows is { } limit && rows.Count > limit ? rows.Take(Math.Max(0, limit - 1)).ToList() : rows;
        foreach (var (job, number) in shown)
        {
            table.AddRow(
                new Text(FormattableString.Invariant($"{number} {Jobs.Name(job)}")),
                new Text(job.Id ?? "-"),
                new Markup($"[{Color(job.State)}]{Jobs.Describe(job.State)}[/]"),
                new Text(job.Host ?? "-"),
                new Text(job.Job.Cores.ToString(CultureInfo.InvariantCulture)),
                new Text(job.Attempts.ToString(CultureInfo.InvariantCulture)),
                new Text(Jobs.Format(Jobs.Elapsed(job, now))));
        }

        var parts = new List<IRenderable> { new Markup(Summary(status)), new Markup(Watcher(status, runDirectory).EscapeMarkup()), table };
        if (shown.Count < rows.Count)
        {
            var hidden = rows.Skip(shown.Count).GroupBy(row => row.Job.State).Select(group => FormattableString.Invariant($"{group.Count()} {Jobs.Describe(group.Key)}"));
            parts.Add(new Text(FormattableString.Invariant($"... and {rows.Count - shown.Count} more: {string.Join(", ", hidden)}")));
        }

        return new Rows(parts);
    }

    /// <summary>The counts line: <c>local: 2 queued, 2 running, 5 done, 1 failed; slots 2/2 used</c> (the rarer ends when they happened).</summary>
    public static string Summary(JobStatus status)
    {
        var counts = new List<string>
        {
            Count(status.Queued, JobState.Queued), Count(status.Running, JobState.Running),
            Count(status.Succeeded, JobState.Succeeded), Count(status.Failed, JobState.Failed),
        };
        foreach (var (count, state) in new[] { (status.TimedOut, JobState.TimedOut), (status.OutOfMemory, JobState.OutOfMemory), (status.Cancelled, JobState.Cancelled), (status.Lost, JobState.Lost) })
        {
            if (count > 0)
            {
                counts.Add(Count(count, state));
            }
        }

        return FormattableString.Invariant(
            $"[bold]{status.Backend.ToString().ToLowerInvariant()}[/]: {status.Ended}/{status.Jobs.Count} ended; {string.Join(", ", counts)}; slots {Jobs.Count(status.SlotsUsed)}/{Jobs.Count(status.SlotsTotal)} used");
    }

    /// <summary>Who submits and collects the run's jobs, or that nobody does (its parent died: resume it).</summary>
    private static string Watcher(JobStatus status, string runDirectory) => status.Watcher is { } watcher
        ? $"{Path.GetFullPath(runDirectory)}: watched by pid {watcher.Replace(" ", " on ", StringComparison.Ordinal)}"
        : status.Ended == status.Jobs.Count
            ? $"{Path.GetFullPath(runDirectory)}: finished"
            : $"{Path.GetFullPath(runDirectory)}: no process is watching this run (its parent ended): ResumeAsync or AttachAsync on this directory collects it";

    private static string Count(int count, JobState state) => FormattableString.Invariant($"[{Color(state)}]{count} {Jobs.Describe(state)}[/]");

    private static int Interest(JobState state) => state switch
    {
        JobState.Running => 0,
        JobState.Succeeded => 3,
        JobState.Queued => 2,
        _ => 1,
    };

    private static string Color(JobState state) => state switch
    {
        JobState.Queued => "grey",
        JobState.Running => "blue",
        JobState.Succeeded => "green",
        JobState.Cancelled => "yellow",
        _ => "red",
    };
}
