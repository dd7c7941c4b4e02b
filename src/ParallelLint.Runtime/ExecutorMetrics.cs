using System.Diagnostics.Metrics;

namespace ParallelLint.Runtime;

/// <summary>
/// The runtime's instruments, for <c>dotnet-counters monitor --counters ParallelLint.Runtime</c> or an
/// OpenTelemetry exporter.
/// </summary>
internal static class ExecutorMetrics
{
    public const string MeterName = "ParallelLint.Runtime";

    /// <summary>The runtime's one meter, shared with the job executors' instruments.</summary>
    internal static readonly Meter Meter = new(MeterName);

    /// <summary>Items handed to a run whose count is known up front and not started yet.</summary>
    public static readonly UpDownCounter<long> Queued = Meter.CreateUpDownCounter<long>("parallellint.executor.items.queued", "{item}");

    public static readonly UpDownCounter<long> Running = Meter.CreateUpDownCounter<long>("parallellint.executor.items.running", "{item}");

    public static readonly Counter<long> Completed = Meter.CreateCounter<long>("parallellint.executor.items.completed", "{item}");

    public static readonly Counter<long> Failed = Meter.CreateCounter<long>("parallellint.executor.items.failed", "{item}");
}
