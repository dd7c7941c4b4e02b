using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ParallelLint.Runtime;

/// <summary>The <see cref="Executor"/>'s instruments and its span per item, on the runtime's <see cref="Telemetry"/>.</summary>
internal static class ExecutorTelemetry
{
    public const string ItemSpan = "parallellint.executor.item";

    private const string StateKey = "parallellint.executor.item.state";

    private static readonly UpDownCounter<long> Count = Telemetry.Meter.CreateUpDownCounter<long>(
        "parallellint.executor.item.count", "{item}", "Items queued (of runs whose count is known up front) or running now, by state.");

    private static readonly Histogram<double> Duration = Telemetry.Meter.CreateHistogram<double>(
        "parallellint.executor.item.duration", "s", "How long items ran, by how they ended: succeeded, failed or cancelled.");

    private static readonly KeyValuePair<string, object?> Queued = new(StateKey, "queued");
    private static readonly KeyValuePair<string, object?> Running = new(StateKey, "running");

    public static readonly KeyValuePair<string, object?> Succeeded = new(StateKey, "succeeded");
    public static readonly KeyValuePair<string, object?> Failed = new(StateKey, "failed");
    public static readonly KeyValuePair<string, object?> Cancelled = new(StateKey, "cancelled");

    public static void Queue(long count) => Count.Add(count, Queued);

    public static void Run(long count) => Count.Add(count, Running);

    /// <summary>An item starting now: its clock, and its span when someone listens (a child of the caller's current activity).</summary>
    public static Item Start(long index) =>
        new(Stopwatch.GetTimestamp(), Telemetry.Source.HasListeners() ? Telemetry.Source.StartActivity(ItemSpan)?.SetTag("parallellint.executor.item.index", index) : null);

    /// <summary>One running item: when it started and its span.</summary>
    public readonly struct Item
    {
        private readonly long started;
        private readonly Activity? span;

        public Item(long started, Activity? span)
        {
            this.started = started;
            this.span = span;
        }

        /// <summary>Records the item's duration under <paramref name="state"/> and ends its span.</summary>
        public void End(KeyValuePair<string, object?> state, Exception? failure = null)
        {
            Duration.Record((Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency, state);
            if (span is null)
            {
                return;
            }

            span.SetTag(state.Key, state.Value);
            if (failure is not null)
            {
                Telemetry.Fail(span, failure);
            }

            span.Stop();
        }
    }
}
