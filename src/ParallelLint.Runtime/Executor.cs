using System.Runtime.CompilerServices;

namespace ParallelLint.Runtime;

/// <summary>
/// Runs a body over the items of a sequence with a bounded number at once, and protects against nested
/// parallelism: inside an item, <see cref="Cores.Available"/> is the item's share of the cores, so executors
/// (and code sized by <see cref="Cores.Available"/>) nested inside multiply to at most the machine.
/// </summary>
/// <remarks>
/// <para>
/// The methods are shaped like <c>Parallel.ForEachAsync</c>: the source first, then a <see cref="CancellationToken"/>
/// or an <see cref="ExecutorOptions"/>, the body last. Failures surface as the BCL's do: the returned task faults with
/// every exception the bodies threw (<c>task.Exception.InnerExceptions</c>) and <c>await</c> throws the first one,
/// whatever the <see cref="ExecutorOptions.FailurePolicy"/>; the synchronous <see cref="ForEach{T}(IEnumerable{T}, Action{T})"/>
/// throws an <see cref="AggregateException"/> of them, as <c>Parallel.ForEach</c> does. A cancelled run ends with
/// <see cref="OperationCanceledException"/> (the task is <see cref="TaskStatus.Canceled"/>) unless an item failed.
/// </para>
/// <para>
/// BCL <c>Parallel.For</c> without options always targets the whole thread pool (its default options name
/// <c>TaskScheduler.Default</c>), which no library can narrow per item; PL1001 reports it inside an item and its fix
/// gives it <c>new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }</c>, the item's share.
/// </para>
/// </remarks>
public static class Executor
{
    /// <summary>How many results <see cref="StreamAsync{T, TResult}(IEnumerable{T}, Func{T, CancellationToken, ValueTask{TResult}})"/> may hold per worker ahead of the one its caller waits for.</summary>
    internal const int StreamWindowPerWorker = 2;

    /// <summary>Runs <paramref name="body"/> for every item, at most <see cref="ExecutorOptions.MaxDegreeOfParallelism"/> at once.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    public static Task ForEachAsync<T>(IEnumerable<T> source, Func<T, CancellationToken, ValueTask> body) =>
        ForEachAsync(source, Default, body);

    /// <inheritdoc cref="ForEachAsync{T}(IEnumerable{T}, Func{T, CancellationToken, ValueTask})"/>
    /// <param name="source">The items.</param>
    /// <param name="cancellationToken">Stops the run: items not started are skipped.</param>
    /// <param name="body">The work of one item.</param>
    public static Task ForEachAsync<T>(IEnumerable<T> source, CancellationToken cancellationToken, Func<T, CancellationToken, ValueTask> body) =>
        ForEachAsync(source, WithToken(cancellationToken), body);

    /// <inheritdoc cref="ForEachAsync{T}(IEnumerable{T}, Func{T, CancellationToken, ValueTask})"/>
    /// <param name="source">The items.</param>
    /// <param name="options">The degree, cores per item, cancellation, failure policy and progress of the run.</param>
    /// <param name="body">The work of one item.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="options"/> or <paramref name="body"/> is null.</exception>
    public static Task ForEachAsync<T>(IEnumerable<T> source, ExecutorOptions options, Func<T, CancellationToken, ValueTask> body)
    {
        Require(source, nameof(source), options, body);
        return RunAsync(new EnumerableSource<T>(source), (item, _, token) => body(item, token), options, CancellationToken.None);
    }

    /// <summary>Runs <paramref name="body"/> for every item of an async stream, at most <see cref="ExecutorOptions.MaxDegreeOfParallelism"/> at once.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    public static Task ForEachAsync<T>(IAsyncEnumerable<T> source, Func<T, CancellationToken, ValueTask> body) =>
        ForEachAsync(source, Default, body);

    /// <inheritdoc cref="ForEachAsync{T}(IAsyncEnumerable{T}, Func{T, CancellationToken, ValueTask})"/>
    /// <param name="source">The items.</param>
    /// <param name="cancellationToken">Stops the run: items not started are skipped.</param>
    /// <param name="body">The work of one item.</param>
    public static Task ForEachAsync<T>(IAsyncEnumerable<T> source, CancellationToken cancellationToken, Func<T, CancellationToken, ValueTask> body) =>
        ForEachAsync(source, WithToken(cancellationToken), body);

    /// <inheritdoc cref="ForEachAsync{T}(IAsyncEnumerable{T}, Func{T, CancellationToken, ValueTask})"/>
    /// <param name="source">The items.</param>
    /// <param name="options">The degree, cores per item, cancellation, failure policy and progress of the run.</param>
    /// <param name="body">The work of one item.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="options"/> or <paramref name="body"/> is null.</exception>
    public static Task ForEachAsync<T>(IAsyncEnumerable<T> source, ExecutorOptions options, Func<T, CancellationToken, ValueTask> body)
    {
        Require(source, nameof(source), options, body);
        return RunAsync(new AsyncEnumerableSource<T>(source), (item, _, token) => body(item, token), options, CancellationToken.None);
    }

    /// <summary>Runs <paramref name="body"/> for every item and returns the results in the order of the items, all at the end.</summary>
    /// <remarks>
    /// The body returns a <see cref="ValueTask{TResult}"/>, as <c>Parallel.ForEachAsync</c>'s does. A method that returns
    /// a <see cref="Task{TResult}"/> goes in through an async lambda: <c>async (item, ct) =&gt; await FitAsync(item, ct)</c>.
    /// There is no overload taking <see cref="Task{TResult}"/>: an async lambda would match both, an ambiguous call (CS0121).
    /// To use each result as soon as it and those before it are ready, use <see cref="StreamAsync{T, TResult}(IEnumerable{T}, Func{T, CancellationToken, ValueTask{TResult}})"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    public static Task<TResult[]> MapAsync<T, TResult>(IEnumerable<T> source, Func<T, CancellationToken, ValueTask<TResult>> body) =>
        MapAsync(source, Default, body);

    /// <inheritdoc cref="MapAsync{T, TResult}(IEnumerable{T}, Func{T, CancellationToken, ValueTask{TResult}})"/>
    /// <param name="source">The items.</param>
    /// <param name="cancellationToken">Stops the run: items not started are skipped.</param>
    /// <param name="body">The work of one item.</param>
    public static Task<TResult[]> MapAsync<T, TResult>(IEnumerable<T> source, CancellationToken cancellationToken, Func<T, CancellationToken, ValueTask<TResult>> body) =>
        MapAsync(source, WithToken(cancellationToken), body);

    /// <inheritdoc cref="MapAsync{T, TResult}(IEnumerable{T}, Func{T, CancellationToken, ValueTask{TResult}})"/>
    /// <param name="source">The items.</param>
    /// <param name="options">The degree, cores per item, cancellation, failure policy and progress of the run.</param>
    /// <param name="body">The work of one item.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="options"/> or <paramref name="body"/> is null.</exception>
    public static Task<TResult[]> MapAsync<T, TResult>(IEnumerable<T> source, ExecutorOptions options, Func<T, CancellationToken, ValueTask<TResult>> body)
    {
        Require(source, nameof(source), options, body);
        return MapAsync(new EnumerableSource<T>(source), options, body);
    }

    /// <summary>Runs <paramref name="body"/> for every item of an async stream and returns the results in the stream's order, all at the end.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    public static Task<TResult[]> MapAsync<T, TResult>(IAsyncEnumerable<T> source, Func<T, CancellationToken, ValueTask<TResult>> body) =>
        MapAsync(source, Default, body);

    /// <inheritdoc cref="MapAsync{T, TResult}(IAsyncEnumerable{T}, Func{T, CancellationToken, ValueTask{TResult}})"/>
    /// <param name="source">The items.</param>
    /// <param name="cancellationToken">Stops the run: items not started are skipped.</param>
    /// <param name="body">The work of one item.</param>
    public static Task<TResult[]> MapAsync<T, TResult>(IAsyncEnumerable<T> source, CancellationToken cancellationToken, Func<T, CancellationToken, ValueTask<TResult>> body) =>
        MapAsync(source, WithToken(cancellationToken), body);

    /// <inheritdoc cref="MapAsync{T, TResult}(IAsyncEnumerable{T}, Func{T, CancellationToken, ValueTask{TResult}})"/>
    /// <param name="source">The items.</param>
    /// <param name="options">The degree, cores per item, cancellation, failure policy and progress of the run.</param>
    /// <param name="body">The work of one item.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="options"/> or <paramref name="body"/> is null.</exception>
    public static Task<TResult[]> MapAsync<T, TResult>(IAsyncEnumerable<T> source, ExecutorOptions options, Func<T, CancellationToken, ValueTask<TResult>> body)
    {
        Require(source, nameof(source), options, body);
        return MapAsync(new AsyncEnumerableSource<T>(source), options, body);
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every item and streams the results in the order of the items, each as soon as
    /// it and every result before it are ready, holding at most two results per worker ahead of the one awaited.
    /// </summary>
    /// <remarks>
    /// The run starts when the enumeration does and stops when it ends: leaving <c>await foreach</c> early cancels
    /// the items still running. When an item fails, the enumeration throws that failure once the results before it
    /// were streamed; under <see cref="FailurePolicy.RunAllThenThrow"/> it streams every other result first and then
    /// throws the first failure. A token given to <c>WithCancellation</c> stops the run too.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    public static IAsyncEnumerable<TResult> StreamAsync<T, TResult>(IEnumerable<T> source, Func<T, CancellationToken, ValueTask<TResult>> body) =>
        StreamAsync(source, Default, body);

    /// <inheritdoc cref="StreamAsync{T, TResult}(IEnumerable{T}, Func{T, CancellationToken, ValueTask{TResult}})"/>
    /// <param name="source">The items.</param>
    /// <param name="cancellationToken">Stops the run: items not started are skipped.</param>
    /// <param name="body">The work of one item.</param>
    public static IAsyncEnumerable<TResult> StreamAsync<T, TResult>(IEnumerable<T> source, CancellationToken cancellationToken, Func<T, CancellationToken, ValueTask<TResult>> body) =>
        StreamAsync(source, WithToken(cancellationToken), body);

    /// <inheritdoc cref="StreamAsync{T, TResult}(IEnumerable{T}, Func{T, CancellationToken, ValueTask{TResult}})"/>
    /// <param name="source">The items.</param>
    /// <param name="options">The degree, cores per item, cancellation, failure policy and progress of the run.</param>
    /// <param name="body">The work of one item.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="options"/> or <paramref name="body"/> is null.</exception>
    public static IAsyncEnumerable<TResult> StreamAsync<T, TResult>(IEnumerable<T> source, ExecutorOptions options, Func<T, CancellationToken, ValueTask<TResult>> body)
    {
        Require(source, nameof(source), options, body);
        return StreamAsync(() => new EnumerableSource<T>(source), options, body);
    }

    /// <summary>Runs <paramref name="body"/> for every item of an async stream and streams the results in the stream's order; see <see cref="StreamAsync{T, TResult}(IEnumerable{T}, Func{T, CancellationToken, ValueTask{TResult}})"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    public static IAsyncEnumerable<TResult> StreamAsync<T, TResult>(IAsyncEnumerable<T> source, Func<T, CancellationToken, ValueTask<TResult>> body) =>
        StreamAsync(source, Default, body);

    /// <inheritdoc cref="StreamAsync{T, TResult}(IAsyncEnumerable{T}, Func{T, CancellationToken, ValueTask{TResult}})"/>
    /// <param name="source">The items.</param>
    /// <param name="cancellationToken">Stops the run: items not started are skipped.</param>
    /// <param name="body">The work of one item.</param>
    public static IAsyncEnumerable<TResult> StreamAsync<T, TResult>(IAsyncEnumerable<T> source, CancellationToken cancellationToken, Func<T, CancellationToken, ValueTask<TResult>> body) =>
        StreamAsync(source, WithToken(cancellationToken), body);

    /// <inheritdoc cref="StreamAsync{T, TResult}(IAsyncEnumerable{T}, Func{T, CancellationToken, ValueTask{TResult}})"/>
    /// <param name="source">The items.</param>
    /// <param name="options">The degree, cores per item, cancellation, failure policy and progress of the run.</param>
    /// <param name="body">The work of one item.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="options"/> or <paramref name="body"/> is null.</exception>
    public static IAsyncEnumerable<TResult> StreamAsync<T, TResult>(IAsyncEnumerable<T> source, ExecutorOptions options, Func<T, CancellationToken, ValueTask<TResult>> body)
    {
        Require(source, nameof(source), options, body);
        return StreamAsync(() => new AsyncEnumerableSource<T>(source), options, body);
    }

    /// <summary>Runs <paramref name="body"/> for every item and blocks until all are done.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    /// <exception cref="AggregateException">Items threw: every exception they threw.</exception>
    public static void ForEach<T>(IEnumerable<T> source, Action<T> body) => ForEach(source, Default, body);

    /// <inheritdoc cref="ForEach{T}(IEnumerable{T}, Action{T})"/>
    /// <param name="source">The items.</param>
    /// <param name="options">The degree, cores per item, cancellation, failure policy and progress of the run.</param>
    /// <param name="body">The work of one item.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="options"/> or <paramref name="body"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The options' token was cancelled and no item failed.</exception>
    public static void ForEach<T>(IEnumerable<T> source, ExecutorOptions options, Action<T> body)
    {
        Require(source, nameof(source), options, body);
        var run = RunAsync(
            new EnumerableSource<T>(source),
            (item, _, _) =>
            {
                body(item);
                return default;
            },
            options,
            CancellationToken.None);
        try
        {
            run.Wait();
        }
        catch (AggregateException) when (run.IsCanceled)
        {
            throw new OperationCanceledException(options.CancellationToken);
        }
    }

    // Read-only use only: a run never writes to its options.
    private static ExecutorOptions Default { get; } = new();

    private static ExecutorOptions WithToken(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? new ExecutorOptions { CancellationToken = cancellationToken } : Default;

    private static void Require(object? source, string sourceName, ExecutorOptions? options, Delegate? body)
    {
        if (source is null)
        {
            throw new ArgumentNullException(sourceName);
        }

        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }
    }

    private static async Task<TResult[]> MapAsync<T, TResult>(ItemSource<T> source, ExecutorOptions options, Func<T, CancellationToken, ValueTask<TResult>> body)
    {
        // Results land at their item's position, whatever order the items finish in.
        var results = new List<TResult>(source.Count is long known ? (int)Math.Min(known, int.MaxValue) : 0);
        await RunAsync(
            source,
            async (item, index, token) =>
            {
                var result = await body(item, token).ConfigureAwait(false);
                lock (results)
                {
                    while (results.Count <= index)
                    {
                        results.Add(default!);
                    }

                    results[(int)index] = result;
                }
            },
            options,
            CancellationToken.None).ConfigureAwait(false);
        return results.ToArray();
    }

    private static async IAsyncEnumerable<TResult> StreamAsync<T, TResult>(
        Func<ItemSource<T>> createSource,
        ExecutorOptions options,
        Func<T, CancellationToken, ValueTask<TResult>> body,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // An item is taken from the source only with a place in the window, given back when its result is streamed
        // (or skipped): so at most the window's size of results wait for a slow one before them.
        using var window = new SemaphoreSlim(StreamWindowPerWorker * DegreeOf(options, Cores.Available));
        var slots = new Dictionary<long, TaskCompletionSource<TResult>>();
        TaskCompletionSource<TResult> Slot(long index)
        {
            lock (slots)
            {
                if (!slots.TryGetValue(index, out var slot))
                {
                    slots.Add(index, slot = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
                }

                return slot;
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = RunAsync(
            new WindowedSource<T>(createSource(), window),
            async (item, index, token) =>
            {
                try
                {
                    Slot(index).TrySetResult(await body(item, token).ConfigureAwait(false));
                }
                catch (Exception e)
                {
                    Slot(index).TrySetException(e);
                    throw;
                }
            },
            options,
            stop.Token);
        try
        {
            for (long next = 0; ; next++)
            {
                var slot = Slot(next).Task;
                if (await Task.WhenAny(slot, run).ConfigureAwait(false) != slot && !slot.IsCompleted)
                {
                    // The run ended first: with its failures or cancellation, or with no item at this position.
                    await run.ConfigureAwait(false);
                    yield break;
                }

                lock (slots)
                {
                    slots.Remove(next);
                }

                if (slot.Status != TaskStatus.RanToCompletion)
                {
                    if (options.FailurePolicy == FailurePolicy.StopAtFirstFailure)
                    {
                        await run.ConfigureAwait(false);
                    }

                    window.Release();
                    continue;
                }

                yield return slot.Result;
                window.Release();
            }
        }
        finally
        {
            // Left early (break, an exception in the caller's loop): stop what is running and wait for it.
            stop.Cancel();
            await run.Ended().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the items and ends as the BCL's loops do: faulted with every failure (<c>await</c> throws the first),
    /// else cancelled when a token was, else done.
    /// </summary>
    private static Task RunAsync<T>(ItemSource<T> source, Func<T, long, CancellationToken, ValueTask> body, ExecutorOptions options, CancellationToken stopToken)
    {
        var ended = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        RunWorkersAsync(source, body, options, stopToken).ContinueWith(
            run =>
            {
                if (run.IsFaulted)
                {
                    ended.TrySetException(run.Exception!.InnerExceptions);
                }
                else if (run.Result.Count > 0)
                {
                    ended.TrySetException(run.Result);
                }
                else if (options.CancellationToken.IsCancellationRequested)
                {
                    ended.TrySetCanceled(options.CancellationToken);
                }
                else if (stopToken.IsCancellationRequested)
                {
                    ended.TrySetCanceled(stopToken);
                }
                else
                {
                    ended.TrySetResult(true);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return ended.Task;
    }

    /// <summary>Runs the workers to the end and returns what the items threw.</summary>
    private static async Task<IReadOnlyList<Exception>> RunWorkersAsync<T>(ItemSource<T> source, Func<T, long, CancellationToken, ValueTask> body, ExecutorOptions options, CancellationToken stopToken)
    {
        var available = Cores.Available;
        var degree = DegreeOf(options, available);
        var budget = options.CoresPerItem > 1 ? options.CoresPerItem : Math.Max(1, available / degree);
        var run = new Run(options);
        if (source.Count is long known)
        {
            run.Queue(known);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, stopToken);
        var workers = new Task[degree];
        for (var i = 0; i < degree; i++)
        {
            workers[i] = Task.Run(() => WorkAsync(source, body, budget, run, stop));
        }

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            run.Unqueue();
            await source.DisposeAsync().ConfigureAwait(false);
        }

        return run.Failures;
    }

    private static int DegreeOf(ExecutorOptions options, int available) =>
        options.MaxDegreeOfParallelism ?? Math.Max(1, available / options.CoresPerItem);

    private static async Task WorkAsync<T>(ItemSource<T> source, Func<T, long, CancellationToken, ValueTask> body, int budget, Run run, CancellationTokenSource stop)
    {
        // Everything this worker awaits inherits the budget: Cores.Available inside an item is its share.
        ItemBudget.Enter(budget);
        while (!stop.IsCancellationRequested)
        {
            (bool HasItem, T Item, long Index) next;
            try
            {
                next = await source.NextAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            var (hasItem, item, index) = next;
            if (!hasItem)
            {
                return;
            }

            run.Started();
            var measured = ExecutorTelemetry.Start(index);
            try
            {
                await body(item, index, stop.Token).ConfigureAwait(false);
                measured.End(ExecutorTelemetry.Succeeded);
                run.Completed();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                measured.End(ExecutorTelemetry.Cancelled);
                run.Cancelled();
                return;
            }
            catch (Exception failure)
            {
                measured.End(ExecutorTelemetry.Failed, failure);
                if (run.Failed(failure) == FailurePolicy.StopAtFirstFailure)
                {
                    stop.Cancel();
                }
            }
        }
    }

    /// <summary>A source that hands out an item only with a place in a window, for bounded streaming.</summary>
    private sealed class WindowedSource<T> : ItemSource<T>
    {
        private readonly ItemSource<T> items;
        private readonly SemaphoreSlim window;

        public WindowedSource(ItemSource<T> items, SemaphoreSlim window)
        {
            this.items = items;
            this.window = window;
        }

        public override long? Count => items.Count;

        public override async ValueTask<(bool HasItem, T Item, long Index)> NextAsync(CancellationToken cancellation)
        {
            await window.WaitAsync(cancellation).ConfigureAwait(false);
            var next = await items.NextAsync(cancellation).ConfigureAwait(false);
            if (!next.HasItem)
            {
                window.Release();
            }

            return next;
        }

        public override ValueTask DisposeAsync() => items.DisposeAsync();
    }

    /// <summary>The counters and failures of one run.</summary>
    private sealed class Run
    {
        private readonly ExecutorOptions options;
        private readonly List<Exception> failures = new();
        private long queued;
        private long started;
        private long completed;
        private long failed;

        public Run(ExecutorOptions options) => this.options = options;

        public void Queue(long count)
        {
            queued = count;
            ExecutorTelemetry.Queue(count);
        }

        public void Unqueue()
        {
            // Items never started (after a cancellation or a stop) leave the queue too.
            var left = Interlocked.Exchange(ref queued, 0);
            if (left > 0)
            {
                ExecutorTelemetry.Queue(-left);
            }
        }

        public void Started()
        {
            Interlocked.Increment(ref started);
            if (Interlocked.Read(ref queued) > 0 && Interlocked.Decrement(ref queued) >= 0)
            {
                ExecutorTelemetry.Queue(-1);
            }

            ExecutorTelemetry.Run(1);
        }

        public void Completed()
        {
            Interlocked.Increment(ref completed);
            ExecutorTelemetry.Run(-1);
            Report();
        }

        public void Cancelled()
        {
            Interlocked.Decrement(ref started);
            ExecutorTelemetry.Run(-1);
        }

        public FailurePolicy Failed(Exception failure)
        {
            Interlocked.Increment(ref failed);
            ExecutorTelemetry.Run(-1);
            lock (failures)
            {
                failures.Add(failure);
            }

            Report();
            return options.FailurePolicy;
        }

        /// <summary>What the items threw, in the order they threw it.</summary>
        public IReadOnlyList<Exception> Failures
        {
            get
            {
                lock (failures)
                {
                    return failures.ToArray();
                }
            }
        }

        private void Report() =>
            options.Progress?.Report(new ExecutorProgress(Interlocked.Read(ref started), Interlocked.Read(ref completed), Interlocked.Read(ref failed)));
    }
}
