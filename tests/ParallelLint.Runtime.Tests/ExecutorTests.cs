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
        await Executor.ForEachAsync(Enumerable.Range(0, 200), new ExecutorOptions { MaxDegreeOfParallelism = 3 }, async (i, _) =>
        {
            using (gauge.Enter())
            {
                Interlocked.Increment(ref seen[i]);
                await Task.Delay(1);
            }
        });

        Assert.All(seen, count => Assert.Equal(1, count));
        Assert.InRange(gauge.Max, 1, 3);
    }

    [Fact]
    public async Task MapAsync_keeps_the_order_of_the_items_whatever_order_they_finish_in()
    {
        var results = await Executor.MapAsync(Enumerable.Range(0, 100), new ExecutorOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            await Task.Delay((100 - i) % 7);
            return i * i;
        });

        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * i), results);
    }

    [Fact]
    public async Task Async_streams_are_sources_too()
    {
        var results = await Executor.MapAsync(Numbers(50), new ExecutorOptions { MaxDegreeOfParallelism = 2 }, (i, _) => new ValueTask<int>(i + 1));
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
        Executor.ForEach(Enumerable.Range(0, 1000), new ExecutorOptions { MaxDegreeOfParallelism = 2 }, _ => Interlocked.Increment(ref count));
        Assert.Equal(1000, count);
    }

    [Fact]
    public async Task Stop_at_first_failure_rethrows_it_and_skips_what_did_not_start()
    {
        var started = 0;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Executor.ForEachAsync(Enumerable.Range(0, 1000), new ExecutorOptions { MaxDegreeOfParallelism = 2 }, async (i, token) =>
        {
            Interlocked.Increment(ref started);
            if (i == 5)
            {
                throw new InvalidOperationException("item 5");
            }

            await Task.Delay(5, token);
        }));

        Assert.Equal("item 5", error.Message);
        Assert.True(started < 1000, $"{started} items started after the failure");
    }

    [Fact]
    public async Task Stop_at_first_failure_over_an_async_stream_rethrows_the_failure_not_a_cancellation()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Executor.ForEachAsync(Numbers(1000), new ExecutorOptions { MaxDegreeOfParallelism = 4 }, async (i, token) =>
        {
            await Task.Delay(1, token);
            if (i == 3)
            {
                throw new InvalidOperationException("item 3");
            }
        }));

        Assert.Equal("item 3", error.Message);
    }

    [Fact]
    public async Task Run_all_then_throw_runs_every_item_and_faults_with_every_failure_as_the_BCL_does()
    {
        var ran = 0;
        var run = Executor.ForEachAsync(Enumerable.Range(0, 100), new ExecutorOptions { MaxDegreeOfParallelism = 3, FailurePolicy = FailurePolicy.RunAllThenThrow }, (i, _) =>
        {
            Interlocked.Increment(ref ran);
            return i % 10 == 0 ? throw new ArgumentException($"item {i}") : default(ValueTask);
        });

        // await throws the first failure, the task holds them all: Parallel.ForEachAsync's shape.
        var first = await Assert.ThrowsAsync<ArgumentException>(() => run);
        Assert.Equal(100, ran);
        Assert.Equal(TaskStatus.Faulted, run.Status);
        Assert.Equal(10, run.Exception!.InnerExceptions.Count);
        Assert.Same(run.Exception.InnerExceptions[0], first);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"item {i * 10}").Order(), run.Exception.InnerExceptions.Select(e => e.Message).Order());
    }

    [Fact]
    public async Task Stop_at_first_failure_has_the_same_shape_and_keeps_every_failure_that_happened()
    {
        // Both items fail while both run: the run stops, and neither failure is lost.
        using var bothRunning = new Barrier(2);
        var run = Executor.ForEachAsync(Enumerable.Range(0, 50), new ExecutorOptions { MaxDegreeOfParallelism = 2 }, (i, _) =>
        {
            if (i < 2)
            {
                bothRunning.SignalAndWait();
                throw new InvalidOperationException($"item {i}");
            }

            return default;
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => run);
        Assert.Equal(new[] { "item 0", "item 1" }, run.Exception!.InnerExceptions.Select(e => e.Message).Order());
    }

    [Fact]
    public void The_synchronous_ForEach_throws_an_AggregateException_of_every_failure_as_Parallel_ForEach_does()
    {
        var error = Assert.Throws<AggregateException>(() => Executor.ForEach(
            Enumerable.Range(0, 20),
            new ExecutorOptions { MaxDegreeOfParallelism = 2, FailurePolicy = FailurePolicy.RunAllThenThrow },
            i =>
            {
                if (i % 5 == 0)
                {
                    throw new InvalidOperationException($"item {i}");
                }
            }));

        Assert.Equal(new[] { "item 0", "item 10", "item 15", "item 5" }, error.InnerExceptions.Select(e => e.Message).Order());
    }

    [Fact]
    public void The_synchronous_ForEach_cancelled_throws_OperationCanceledException()
    {
        using var cancel = new CancellationTokenSource();
        var error = Assert.ThrowsAny<OperationCanceledException>(() => Executor.ForEach(
            Enumerable.Range(0, 10_000),
            new ExecutorOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancel.Token },
            i =>
            {
                if (i == 10)
                {
                    cancel.Cancel();
                }
            }));

        Assert.Equal(cancel.Token, error.CancellationToken);
    }

    [Fact]
    public async Task The_token_overload_cancels_like_the_BCLs()
    {
        using var cancel = new CancellationTokenSource();
        var started = 0;
        var run = Executor.MapAsync(Enumerable.Range(0, 10_000), cancel.Token, async (i, token) =>
        {
            if (Interlocked.Increment(ref started) == 10)
            {
                cancel.Cancel();
            }

            await Task.Delay(1, token);
            return i;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(TaskStatus.Canceled, run.Status);
        Assert.True(started < 10_000);
    }

    [Fact]
    public async Task StreamAsync_yields_in_the_items_order_and_buffers_at_most_its_window_behind_a_slow_item()
    {
        // Item 0 is slow: nothing is yielded before it, and the items behind it stop at the window (2 per worker).
        using var releaseFirst = new SemaphoreSlim(0);
        var took = 0;
        var stream = Executor.StreamAsync(Enumerable.Range(0, 40), new ExecutorOptions { MaxDegreeOfParallelism = 2 }, async (i, token) =>
        {
            Interlocked.Increment(ref took);
            if (i == 0)
            {
                await releaseFirst.WaitAsync(token);
            }

            return i * 10;
        });
        await using var results = stream.GetAsyncEnumerator();
        var first = results.MoveNextAsync().AsTask();

        var window = Executor.StreamWindowPerWorker * 2;
        for (var waited = 0; Volatile.Read(ref took) < window && waited < 5000; waited += 10)
        {
            await Task.Delay(10);
        }

        await Task.Delay(200);
        Assert.Equal(window, Volatile.Read(ref took));
        Assert.False(first.IsCompleted);

        releaseFirst.Release();
        var seen = new List<int>();
        for (var more = await first; more; more = await results.MoveNextAsync())
        {
            seen.Add(results.Current);
        }

        Assert.Equal(Enumerable.Range(0, 40).Select(i => i * 10), seen);
    }

    [Fact]
    public async Task Leaving_a_stream_early_cancels_the_items_still_running()
    {
        var cancelled = 0;
        var yielded = new List<int>();
        await foreach (var result in Executor.StreamAsync(Enumerable.Range(0, 1000), new ExecutorOptions { MaxDegreeOfParallelism = 2 }, async (i, token) =>
        {
            if (i > 0)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                    throw;
                }
            }

            return i;
        }))
        {
            yielded.Add(result);
            break;
        }

        // The loop's end waited for the run: the two items that were running saw their token cancelled.
        Assert.Equal(new[] { 0 }, yielded);
        Assert.InRange(Volatile.Read(ref cancelled), 1, Executor.StreamWindowPerWorker * 2);
    }

    [Fact]
    public async Task A_failing_item_ends_the_stream_after_the_results_before_it_or_after_all_others_when_running_all()
    {
        ValueTask<int> Body(int i, CancellationToken _) => i == 5 ? throw new InvalidOperationException("item 5") : new ValueTask<int>(i);

        var stopped = new List<int>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var result in Executor.StreamAsync(Enumerable.Range(0, 20), new ExecutorOptions { MaxDegreeOfParallelism = 2 }, Body))
            {
                stopped.Add(result);
            }
        });
        Assert.Equal("item 5", error.Message);
        Assert.Equal(Enumerable.Range(0, 5), stopped);

        var all = new List<int>();
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var result in Executor.StreamAsync(Enumerable.Range(0, 20), new ExecutorOptions { MaxDegreeOfParallelism = 2, FailurePolicy = FailurePolicy.RunAllThenThrow }, Body))
            {
                all.Add(result);
            }
        });
        Assert.Equal(Enumerable.Range(0, 20).Where(i => i != 5), all);
    }

    [Fact]
    public async Task An_async_stream_source_streams_too_and_a_WithCancellation_token_stops_it()
    {
        using var cancel = new CancellationTokenSource();
        var seen = new List<int>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var result in Executor.StreamAsync(Numbers(1000), (i, _) => new ValueTask<int>(i)).WithCancellation(cancel.Token))
            {
                seen.Add(result);
                if (result == 9)
                {
                    cancel.Cancel();
                }
            }
        });

        Assert.Equal(Enumerable.Range(0, seen.Count), seen);
        Assert.InRange(seen.Count, 10, 10 + (Executor.StreamWindowPerWorker * Cores.Available));
    }

    [Fact]
    public async Task Cancellation_stops_the_run_with_OperationCanceledException()
    {
        using var cancel = new CancellationTokenSource();
        var started = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Executor.ForEachAsync(Enumerable.Range(0, 10_000), new ExecutorOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancel.Token }, async (i, token) =>
        {
            if (Interlocked.Increment(ref started) == 10)
            {
                cancel.Cancel();
            }

            await Task.Delay(1, token);
        }));

        Assert.True(started < 10_000);
    }

    [Fact]
    public async Task Progress_counts_every_item()
    {
        var reports = new List<ExecutorProgress>();
        var progress = new SynchronousProgress(report => { lock (reports) { reports.Add(report); } });
        await Executor.ForEachAsync(Enumerable.Range(0, 20), new ExecutorOptions { MaxDegreeOfParallelism = 2, FailurePolicy = FailurePolicy.RunAllThenThrow, Progress = progress }, (i, _) => i == 3 ? throw new Exception() : default(ValueTask)).ContinueWith(_ => { });

        Assert.Equal(20, reports.Count);
        Assert.Equal(19, reports.Max(r => r.Completed));
        Assert.Equal(1, reports.Max(r => r.Failed));
        Assert.All(reports, r => Assert.InRange(r.Running, 0, 2));
    }

    [Fact]
    public async Task Metrics_time_every_item_by_how_it_ended()
    {
        var ended = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Telemetry.Name && instrument.Name == "parallellint.executor.item.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            Assert.True(seconds >= 0);
            var state = (string)tags.ToArray().Single(tag => tag.Key == "parallellint.executor.item.state").Value!;
            lock (ended)
            {
                ended[state] = ended.GetValueOrDefault(state) + 1;
            }
        });
        listener.Start();

        // Other tests run in parallel and share the meter: count a run whose items are told apart by a large size.
        await Executor.ForEachAsync(Enumerable.Range(0, 5000).ToArray(), new ExecutorOptions { MaxDegreeOfParallelism = 2, FailurePolicy = FailurePolicy.RunAllThenThrow }, (i, _) => i % 1000 == 0 ? throw new Exception() : default(ValueTask)).ContinueWith(_ => { });
        listener.Dispose();

        Assert.True(ended["succeeded"] >= 4995);
        Assert.True(ended["failed"] >= 5);
    }

    [Fact]
    public void Bad_arguments_name_their_parameter()
    {
        Assert.Equal("MaxDegreeOfParallelism", Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutorOptions { MaxDegreeOfParallelism = 0 }).ParamName);
        Assert.Equal("MaxDegreeOfParallelism", Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutorOptions { MaxDegreeOfParallelism = -1 }).ParamName);
        Assert.Equal("CoresPerItem", Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutorOptions { CoresPerItem = 0 }).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => Executor.ForEach<int>(null!, _ => { })).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => Executor.ForEach(new[] { 1 }, null!)).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => { _ = Executor.MapAsync<int, int>(new[] { 1 }, null!); }).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => { _ = Executor.ForEachAsync((IAsyncEnumerable<int>)null!, (_, _) => default); }).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => { _ = Executor.ForEachAsync(new[] { 1 }, (ExecutorOptions)null!, (_, _) => default); }).ParamName);
        Assert.Equal("body", Assert.Throws<ArgumentNullException>(() => Executor.StreamAsync<int, int>(new[] { 1 }, null!)).ParamName);
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
