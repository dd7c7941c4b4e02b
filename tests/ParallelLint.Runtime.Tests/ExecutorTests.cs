using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace ParallelLint.Runtime.Tests;

public class ExecutorTests
{
    [Fact]
    public async Task ForEachAsync_runs_every_item_once_and_never_more_than_the_degree_at_once()
    {
        var gauge = new ConcurrencyGauge();
        var seen = new int[200];
        await Executor.ForEachAsync(Enumerable.Range(0, 200), async (i, _) =>
        {
            using (gauge.Enter())
            {
                Interlocked.Increment(ref seen[i]);
                await Task.Delay(1);
            }
        }, new ExecutorOptions { Degree = 3 });

        Assert.All(seen, count => Assert.Equal(1, count));
        Assert.InRange(gauge.Max, 1, 3);
    }

    [Fact]
    public async Task MapAsync_keeps_the_order_of_the_items_whatever_order_they_finish_in()
    {
        var results = await Executor.MapAsync(Enumerable.Range(0, 100), async (i, _) =>
        {
            await Task.Delay((100 - i) % 7);
            return i * i;
        }, new ExecutorOptions { Degree = 4 });

        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * i), results);
    }

    [Fact]
    public async Task Async_streams_are_sources_too()
    {
        var results = await Executor.MapAsync(Numbers(50), (i, _) => new ValueTask<int>(i + 1), new ExecutorOptions { Degree = 2 });
        Assert.Equal(Enumerable.Range(1, 50), results);

        var sum = 0;
        await Executor.ForEachAsync(Numbers(10), (i, _) =>
        {
            Interlocked.Add(ref sum, i);
            return default;
        });
        Assert.Equal(45, sum);
    }

    [Fact]
    public void The_synchronous_ForEach_blocks_until_every_item_ran()
    {
        var count = 0;
        Executor.ForEach(Enumerable.Range(0, 1000), _ => Interlocked.Increment(ref count), new ExecutorOptions { Degree = 2 });
        Assert.Equal(1000, count);
    }

    [Fact]
    public async Task Stop_at_first_failure_rethrows_it_and_skips_what_did_not_start()
    {
        var started = 0;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Executor.ForEachAsync(Enumerable.Range(0, 1000), async (i, token) =>
        {
            Interlocked.Increment(ref started);
            if (i == 5)
            {
                throw new InvalidOperationException("item 5");
            }

            await Task.Delay(5, token);
        }, new ExecutorOptions { Degree = 2 }));

        Assert.Equal("item 5", error.Message);
        Assert.True(started < 1000, $"{started} items started after the failure");
    }

    [Fact]
    public async Task Stop_at_first_failure_over_an_async_stream_rethrows_the_failure_not_a_cancellation()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Executor.ForEachAsync(Numbers(1000), async (i, token) =>
        {
            await Task.Delay(1, token);
            if (i == 3)
            {
                throw new InvalidOperationException("item 3");
            }
        }, new ExecutorOptions { Degree = 4 }));

        Assert.Equal("item 3", error.Message);
    }

    [Fact]
    public async Task Run_all_then_throw_runs_every_item_and_aggregates_every_failure()
    {
        var ran = 0;
        var error = await Assert.ThrowsAsync<AggregateException>(() => Executor.ForEachAsync(Enumerable.Range(0, 100), (i, _) =>
        {
            Interlocked.Increment(ref ran);
            return i % 10 == 0 ? throw new ArgumentException($"item {i}") : default(ValueTask);
        }, new ExecutorOptions { Degree = 3, FailurePolicy = FailurePolicy.RunAllThenThrow }));

        Assert.Equal(100, ran);
        Assert.Equal(10, error.InnerExceptions.Count);
    }

    [Fact]
    public async Task Cancellation_stops_the_run_with_OperationCanceledException()
    {
        using var cancel = new CancellationTokenSource();
        var started = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Executor.ForEachAsync(Enumerable.Range(0, 10_000), async (i, token) =>
        {
            if (Interlocked.Increment(ref started) == 10)
            {
                cancel.Cancel();
            }

            await Task.Delay(1, token);
        }, new ExecutorOptions { Degree = 2, CancellationToken = cancel.Token }));

        Assert.True(started < 10_000);
    }

    [Fact]
    public async Task Progress_counts_every_item()
    {
        var reports = new List<ExecutorProgress>();
        var progress = new SynchronousProgress(report => { lock (reports) { reports.Add(report); } });
        await Executor.ForEachAsync(Enumerable.Range(0, 20), (i, _) => i == 3 ? throw new Exception() : default(ValueTask),
            new ExecutorOptions { Degree = 2, FailurePolicy = FailurePolicy.RunAllThenThrow, Progress = progress }).ContinueWith(_ => { });

        Assert.Equal(20, reports.Count);
        Assert.Equal(19, reports.Max(r => r.Completed));
        Assert.Equal(1, reports.Max(r => r.Failed));
        Assert.All(reports, r => Assert.InRange(r.Running, 0, 2));
    }

    [Fact]
    public async Task Metrics_count_queued_running_completed_and_failed_items()
    {
        var totals = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ExecutorMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();

        // Other tests run in parallel and share the meter: count a run whose items are told apart by a large size.
        await Executor.ForEachAsync(Enumerable.Range(0, 5000).ToArray(), (i, _) => i % 1000 == 0 ? throw new Exception() : default(ValueTask),
            new ExecutorOptions { Degree = 2, FailurePolicy = FailurePolicy.RunAllThenThrow }).ContinueWith(_ => { });
        listener.Dispose();

        Assert.True(totals["parallellint.executor.items.completed"] >= 4995);
        Assert.True(totals["parallellint.executor.items.failed"] >= 5);
    }

    [Fact]
    public void Bad_arguments_name_their_parameter()
    {
        Assert.Equal("Degree", Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutorOptions { Degree = 0 }).ParamName);
        Assert.Equal("Degree", Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutorOptions { Degree = -1 }).ParamName);
        Assert.Equal("CoresPerItem", Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutorOptions { CoresPerItem = 0 }).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => Executor.ForEach<int>(null!, _ => { })).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => Executor.ForEach(new[] { 1 }, null!)).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => { _ = Executor.MapAsync<int, int>(new[] { 1 }, null!); }).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => { _ = Executor.ForEachAsync((IAsyncEnumerable<int>)null!, (_, _) => default); }).ParamName);
    }

    private static async IAsyncEnumerable<int> Numbers(int count, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    private sealed class SynchronousProgress : IProgress<ExecutorProgress>
    {
        private readonly Action<ExecutorProgress> report;

        public SynchronousProgress(Action<ExecutorProgress> report) => this.report = report;

        public void Report(ExecutorProgress value) => report(value);
    }
}

/// <summary>Counts how many bodies run at the same moment.</summary>
internal sealed class ConcurrencyGauge
{
    private int running;
    private int max;

    public int Max => Volatile.Read(ref max);

    public IDisposable Enter()
    {
        var now = Interlocked.Increment(ref running);
        for (var seen = Volatile.Read(ref max); now > seen && Interlocked.CompareExchange(ref max, now, seen) != seen; seen = Volatile.Read(ref max))
        {
        }

        return new Exit(this);
    }

    private sealed class Exit : IDisposable
    {
        private readonly ConcurrencyGauge gauge;

        public Exit(ConcurrencyGauge gauge) => this.gauge = gauge;

        public void Dispose() => Interlocked.Decrement(ref gauge.running);
    }
}
