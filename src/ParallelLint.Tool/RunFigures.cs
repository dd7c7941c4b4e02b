using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Tool;

/// <summary>One started job on the report's timeline: its lanes (one per core) on its host, from its start to its end, in seconds since the run began.</summary>
internal sealed record TimelineBar(JobResult Job, string Host, IReadOnlyList<int> Lanes, double Start, double End);

/// <summary>
/// What the report shows of a run, computed from its snapshot alone: the timeline's lanes, each job's CPU efficiency
/// (CPU time over cores × wall time) and the parent's launch cost. A figure the run does not know is null, never 0.
/// </summary>
internal sealed class RunFigures
{
    public RunFigures(JobStatus status, DateTimeOffset now)
    {
        Status = status;
        var started = status.Jobs.Where(job => job.Started is not null).ToList();
        Begin = started.Count > 0 ? started.Min(job => job.Started!.Value) : null;
        End = started.Count > 0 ? started.Max(job => job.Ended ?? now) : null;
        Bars = Begin is { } begin ? AssignLanes(started, begin, now) : [];
        var launches = status.Jobs.Where(job => job.LaunchDuration is not null).ToList();
        LaunchKnown = launches.Count;
        LaunchTotal = launches.Count > 0 ? TimeSpan.FromTicks(launches.Sum(job => job.LaunchDuration!.Value.Ticks)) : null;
    }

    public JobStatus Status { get; }

    /// <summary>The first job's start; null when no job started.</summary>
    public DateTimeOffset? Begin { get; }

    /// <summary>The last job's end (now for one still running).</summary>
    public DateTimeOffset? End { get; }

    public TimeSpan? Wall => End - Begin;

    public IReadOnlyList<TimelineBar> Bars { get; }

    /// <summary>The parent's time starting and feeding workers, summed over the jobs that know it.</summary>
    public TimeSpan? LaunchTotal { get; }

    /// <summary>How many jobs know their launch time.</summary>
    public int LaunchKnown { get; }

    /// <summary>The parent's launch time as a share of the run's wall time.</summary>
    public double? LaunchShare => LaunchTotal is { } total && Wall is { TotalSeconds: > 0 } wall ? total / wall : null;

    /// <summary>CPU time over cores × wall time: 1 is every core busy throughout; null when CPU time or wall time is unknown.</summary>
    public static double? Efficiency(JobResult job) =>
        job.CpuTime is { } cpu && job.Started is { } start && job.Ended is { } end && end > start
            ? cpu / (end - start) / Math.Max(1, job.Job.Cores)
            : null;

    /// <summary>
    /// Places each job on as many lanes of its host as it has cores, the lowest free at its start (a lane is a slot,
    /// as the timeline shows it): jobs that overlapped never share one.
    /// </summary>
    public static IReadOnlyList<TimelineBar> AssignLanes(IEnumerable<JobResult> jobs, DateTimeOffset begin, DateTimeOffset now)
    {
        var bars = new List<TimelineBar>();
        foreach (var host in jobs.Where(job => job.Started is not null).GroupBy(job => job.Host ?? "?").OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            var freeAt = new List<double>();
            foreach (var job in host.OrderBy(job => job.Started).ThenBy(job => job.Ended ?? now))
            {
                var start = (job.Started!.Value - begin).TotalSeconds;
                var end = Math.Max(start, ((job.Ended ?? now) - begin).TotalSeconds);
                var lanes = Enumerable.Range(0, freeAt.Count).Where(lane => freeAt[lane] <= start).Take(Math.Max(1, job.Job.Cores)).ToList();
                while (lanes.Count < Math.Max(1, job.Job.Cores))
                {
                    lanes.Add(freeAt.Count);
                    freeAt.Add(0);
                }

                foreach (var lane in lanes)
                {
                    freeAt[lane] = end;
                }

                bars.Add(new TimelineBar(job, host.Key, lanes, start, end));
            }
        }

        return bars;
    }
}
