using System.Diagnostics.Metrics;

namespace ParallelLint.Runtime.Jobs;

/// <summary>The job executors' instruments, on the runtime's meter, tagged with the backend.</summary>
internal static class JobMetrics
{
    private static readonly Meter Meter = ExecutorMetrics.Meter;

    private static readonly UpDownCounter<long> Queued = Meter.CreateUpDownCounter<long>("parallellint.jobs.queued", "{job}");
    private static readonly UpDownCounter<long> Running = Meter.CreateUpDownCounter<long>("parallellint.jobs.running", "{job}");
    private static readonly Counter<long> Completed = Meter.CreateCounter<long>("parallellint.jobs.completed", "{job}");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("parallellint.jobs.failed", "{job}");

    /// <summary>Moves one job's count from the instrument of <paramref name="from"/> to that of <paramref name="to"/>.</summary>
    public static void Move(string backend, JobState? from, JobState to)
    {
        var tag = new KeyValuePair<string, object?>("backend", backend);
        if (from == JobState.Queued)
        {
            Queued.Add(-1, tag);
        }
        else if (from == JobState.Running)
        {
            Running.Add(-1, tag);
        }

        switch (to)
        {
            case JobState.Queued:
                Queued.Add(1, tag);
                break;
            case JobState.Running:
                Running.Add(1, tag);
                break;
            case JobState.Succeeded:
                Completed.Add(1, tag);
                break;
            default:
                Failed.Add(1, tag);
                break;
        }
    }
}
