using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// The job executors' instruments and spans, on the runtime's <see cref="Telemetry"/>, each tagged with the backend:
/// jobs by state, job durations and CPU utilization, the executors' slots, a span per run and a child span per job.
/// </summary>
internal static class JobTelemetry
{
    public const string RunSpan = "parallellint.job.run";

    public const string JobSpan = "parallellint.job";

    private const string StateKey = "parallellint.job.state";

    private static readonly UpDownCounter<long> Count = Telemetry.Meter.CreateUpDownCounter<long>(
        "parallellint.job.count", "{job}", "Jobs queued or running now, by state.");

    private static readonly Histogram<double> Duration = Telemetry.Meter.CreateHistogram<double>(
        "parallellint.job.duration", "s", "Wall time of each job's last attempt (0 when it never started), by its final state.");

    private static readonly Histogram<double> Utilization = Telemetry.Meter.CreateHistogram<double>(
        "parallellint.job.cpu.utilization", "1", "Each ended job's CPU time over its cores times its wall time: its CPU efficiency.");

    private static readonly List<WeakReference<JobExecutor>> Executors = new();

    private static readonly ObservableGauge<int> SlotUsage = Telemetry.Meter.CreateObservableGauge(
        "parallellint.slot.usage", () => Slots(used: true), "{cpu}", "Slots (cores) the executors' jobs hold now.");

    private static readonly ObservableGauge<int> SlotLimit = Telemetry.Meter.CreateObservableGauge(
        "parallellint.slot.limit", () => Slots(used: false), "{cpu}", "Slots (cores) the executors have in all, where known.");

    /// <summary>The state attribute's value per <see cref="JobState"/>, in the enum's order.</summary>
    private static readonly string[] StateNames = { "queued", "running", "succeeded", "failed", "cancelled", "timed_out", "lost", "out_of_memory" };

    private static readonly ConditionalWeakTable<JobResult, JobTrace> Traces = new();

    /// <summary>Counts <paramref name="executor"/>'s slots in the slot gauges while it is alive and not disposed.</summary>
    public static void Watch(JobExecutor executor)
    {
        lock (Executors)
        {
            Executors.RemoveAll(watched => !watched.TryGetTarget(out _));
            if (!Executors.Any(watched => watched.TryGetTarget(out var known) && known == executor))
            {
                Executors.Add(new WeakReference<JobExecutor>(executor));
            }
        }
    }

    /// <summary>A run's span, when someone listens: a child of the caller's current activity, not made current.</summary>
    public static Activity? StartRun(string backend) =>
        Telemetry.Source.HasListeners()
            ? Telemetry.StartDetached(RunSpan, Activity.Current?.Context ?? default, new[] { new KeyValuePair<string, object?>(Telemetry.BackendKey, backend) }, DateTimeOffset.Now)
            : null;

    /// <summary>Starts the run with <paramref name="span"/> current, so that its jobs' spans find it; the caller's current activity stays.</summary>
    public static T InRun<T>(Activity? span, Func<T> start)
    {
        if (span is null)
        {
            return start();
        }

        var caller = Activity.Current;
        Activity.Current = span;
        try
        {
            return start();
        }
        finally
        {
            Activity.Current = caller;
        }
    }

    /// <summary>Ends a run's span with how its call ended: Error when it threw or when a job did not succeed.</summary>
    public static void EndRun(Activity? span, Task<IReadOnlyList<JobResult>> run)
    {
        if (span is null)
        {
            return;
        }

        if (run.Status == TaskStatus.RanToCompletion)
        {
            var unsucceeded = run.Result.Count(result => result.State != JobState.Succeeded);
            span.SetTag("parallellint.run.job.count", run.Result.Count);
            if (unsucceeded > 0)
            {
                span.SetStatus(ActivityStatusCode.Error, FormattableString.Invariant($"{unsucceeded} of {run.Result.Count} jobs did not succeed"));
            }
        }
        else if (run.Exception?.InnerException is { } failure)
        {
            Telemetry.Fail(span, failure);
        }
        else
        {
            span.SetStatus(ActivityStatusCode.Error, "the run was cancelled");
        }

        Telemetry.StopDetached(span);
    }

    /// <summary>Moves one job from <paramref name="from"/> (null: newly submitted) to <paramref name="to"/> in the instruments and its span.</summary>
    public static void Move(string backend, JobResult result, JobState? from, JobState to)
    {
        var backendTag = new KeyValuePair<string, object?>(Telemetry.BackendKey, backend);
        if (from is JobState.Queued or JobState.Running)
        {
            Count.Add(-1, backendTag, State(from.Value));
        }

        if (to is JobState.Queued or JobState.Running)
        {
            Count.Add(1, backendTag, State(to));
        }
        else
        {
            Duration.Record(WallTime(result).TotalSeconds, backendTag, State(to));
            if (result.CpuTime is { } cpuTime)
            {
                RecordUtilization(backend, result, cpuTime);
            }
        }

        Trace(backend, result, from, to);
    }

    /// <summary>Records a job's CPU efficiency: <paramref name="cpuTime"/> over its cores times its wall time, when that is known and not zero.</summary>
    public static void RecordUtilization(string backend, JobResult result, TimeSpan cpuTime)
    {
        var wall = WallTime(result);
        if (wall > TimeSpan.Zero)
        {
            Utilization.Record(cpuTime.TotalSeconds / (result.Job.Cores * wall.TotalSeconds), new(Telemetry.BackendKey, backend), State(result.State));
        }
    }

    private static KeyValuePair<string, object?> State(JobState state) => new(StateKey, StateNames[(int)state]);

    private static TimeSpan WallTime(JobResult result) =>
        result.Started is { } started && (result.Ended ?? DateTimeOffset.Now) - started is var wall && wall > TimeSpan.Zero ? wall : TimeSpan.Zero;

    /// <summary>The job's span: from its start (a retry goes on in the same span) to its end, a child of its run's span.</summary>
    private static void Trace(string backend, JobResult result, JobState? from, JobState to)
    {
        if (from is null)
        {
            if (Activity.Current is { OperationName: RunSpan } run && run.Source == Telemetry.Source)
            {
                Traces.Remove(result);
                Traces.Add(result, new JobTrace(run.Context));
            }

            return;
        }

        if (!Traces.TryGetValue(result, out var trace))
        {
            return;
        }

        lock (trace)
        {
            if (to == JobState.Queued)
            {
                trace.Span?.AddEvent(new ActivityEvent("parallellint.job.retry", tags: new ActivityTagsCollection { ["parallellint.job.retry.reason"] = result.Detail }));
                return;
            }

            trace.Span ??= Telemetry.StartDetached(
                JobSpan,
                trace.Run,
                new KeyValuePair<string, object?>[]
                {
                    new(Telemetry.BackendKey, backend),
                    new("parallellint.job.name", result.Job.DisplayName),
                    new("parallellint.job.cores", result.Job.Cores),
                },
                result.Started ?? result.Ended ?? DateTimeOffset.Now);
            if (to == JobState.Running || trace.Span is not { } span)
            {
                return;
            }

            Traces.Remove(result);
            span.SetTag(StateKey, StateNames[(int)to]);
            span.SetTag("parallellint.job.attempts", result.Attempts);
            span.SetTag("parallellint.job.id", result.Id);
            span.SetTag("host.name", result.Host);
            span.SetTag("process.exit.code", result.ExitCode);
            if (to != JobState.Succeeded)
            {
                span.SetStatus(ActivityStatusCode.Error, result.Detail ?? StateNames[(int)to]);
            }

            Telemetry.StopDetached(span, result.Ended);
        }
    }

    private static IEnumerable<Measurement<int>> Slots(bool used)
    {
        List<JobExecutor> alive;
        lock (Executors)
        {
            alive = Executors.Select(watched => watched.TryGetTarget(out var executor) ? executor : null).OfType<JobExecutor>().ToList();
        }

        return alive
            .Select(executor => executor.SlotsNow())
            .Where(slots => (used ? slots.Used : slots.Total) is not null)
            .GroupBy(slots => slots.Backend)
            .Select(backend => new Measurement<int>(backend.Sum(slots => (used ? slots.Used : slots.Total)!.Value), new KeyValuePair<string, object?>(Telemetry.BackendKey, backend.Key)))
            .ToList();
    }

    /// <summary>Where a job's span hangs: its run's span, and its own once it started.</summary>
    private sealed class JobTrace
    {
        public JobTrace(ActivityContext run) => Run = run;

        public ActivityContext Run { get; }

        public Activity? Span { get; set; }
    }
}
