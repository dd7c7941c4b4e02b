using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ParallelLint.Runtime;

/// <summary>
/// The runtime's meter and activity source, both named <c>ParallelLint.Runtime</c>, for <c>dotnet-counters</c>,
/// <c>dotnet-trace</c> or an OpenTelemetry SDK (<c>AddMeter</c>, <c>AddSource</c>). Names, units and attributes
/// follow the OpenTelemetry semantic conventions; the README lists them.
/// </summary>
internal static class Telemetry
{
    public const string Name = "ParallelLint.Runtime";

    public const string BackendKey = "parallellint.backend";

    public static readonly Meter Meter = new(Name);

    public static readonly ActivitySource Source = new(Name);

    /// <summary>The cores this process may use (<see cref="Cores.Available"/> outside any executor item).</summary>
    private static readonly ObservableGauge<int> CoreLimit = Meter.CreateObservableGauge(
        "parallellint.core.limit", () => CoreCache.Current.Limits.Available, "{cpu}", "The cores this process may use: Cores.Available outside any executor item.");

    /// <summary>A span of this source started as a child of <paramref name="parent"/>, leaving <see cref="Activity.Current"/> as it was.</summary>
    /// <remarks>A job's span starts and ends on whatever thread moves the job: made current there, it would adopt unrelated work.</remarks>
    public static Activity? StartDetached(string name, ActivityContext parent, IEnumerable<KeyValuePair<string, object?>> tags, DateTimeOffset startTime)
    {
        var current = Activity.Current;
        var span = Source.StartActivity(name, ActivityKind.Internal, parent, tags, startTime: startTime);
        Activity.Current = current;
        return span;
    }

    /// <summary>Ends <paramref name="span"/> at <paramref name="endTime"/> (now when null), leaving <see cref="Activity.Current"/> as it was.</summary>
    public static void StopDetached(Activity span, DateTimeOffset? endTime = null)
    {
        var current = Activity.Current;
        if (endTime is { } end && end.UtcDateTime >= span.StartTimeUtc)
        {
            span.SetEndTime(end.UtcDateTime);
        }

        span.Stop();
        Activity.Current = current;
    }

    /// <summary>Marks <paramref name="span"/> failed with <paramref name="failure"/>: an Error status and the semantic conventions' <c>exception</c> event.</summary>
    public static void Fail(Activity span, Exception failure)
    {
        span.SetStatus(ActivityStatusCode.Error, failure.Message);
        span.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
        {
            ["exception.type"] = failure.GetType().FullName,
            ["exception.message"] = failure.Message,
        }));
    }
}
