using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace ParallelLint.Runtime;

/// <summary>
/// Runs a body over the items of a sequence with a bounded number at once, and protects against nested
/// parallelism: inside an item, <see cref="Cores.Available"/> is the item's share of the cores, so executors
/// (and code sized by <see cref="Cores.Available"/>) nested inside multiply to at most the machine.
/// </summary>
/// <remarks>
/// BCL <c>Parallel.For</c> without options always targets the whole thread pool (its default options name
/// <c>TaskScheduler.Default</c>), which no library can narrow per item; PL1001 reports it inside an item and its fix
/// gives it <c>new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }</c>, the item's share.
/// </remarks>
public static class Executor
{
    // RS0026 guards against calls that become ambiguous when an overload with optional parameters is added. These
    // overloads differ in the type of their source, so leaving out the options never makes a call ambiguous.
    private const string OverloadsDifferBySource = "IEnumerable<T> and IAsyncEnumerable<T> overloads cannot be confused.";

    /// <summary>Runs <paramref name="body"/> for every item, at most <see cref="ExecutorOptions.Degree"/> at once.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = OverloadsDifferBySource)]
    public static Task ForEachAsync<T>(IEnumerable<T> source, Func<T, CancellationToken, ValueTask> body, ExecutorOptions? options = null)
    {
        Require(source, nameof(source));
        Require(body, nameof(body));
        return RunAsync(new EnumerableSource<T>(source), (item, _, token) => body(item, token), options);
    }

    /// <summary>Runs <paramref name="body"/> for every item of an async stream, at most <see cref="ExecutorOptions.Degree"/> at once.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = OverloadsDifferBySource)]
    public static Task ForEachAsync<T>(IAsyncEnumerable<T> source, Func<T, CancellationToken, ValueTask> body, ExecutorOptions? options = null)
    {
        Require(source, nameof(source));
        Require(body, nameof(body));
        return RunAsync(new AsyncEnumerableSource<T>(source), (item, _, token) => body(item, token), options);
    }

    /// <summary>Runs <paramref name="body"/> for every item and returns the results in the order of the items.</summary>
    /// <remarks>
    /// The body returns a <see cref="ValueTask{TResult}"/>, as <c>Parallel.ForEachAsync</c>'s does. A method that returns
    /// a <see cref="Task{TResult}"/> goes in through an async lambda: <c>async (item, ct) =&gt; await FitAsync(item, ct)</c>.
    /// There is no overload taking <see cref="Task{TResult}"/>: an async lambda would match both, an ambiguous call (CS0121).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = OverloadsDifferBySource)]
    public static Task<TResult[]> MapAsync<T, TResult>(IEnumerable<T> source, Func<T, CancellationToken, ValueTask<TResult>> body, ExecutorOptions? options = null)
    {
        Require(source, nameof(source));
        Require(body, nameof(body));
        return MapAsync(new EnumerableSource<T>(source), body, options);
    }

    /// <summary>Runs <paramref name="body"/> for every item of an async stream and returns the results in the stream's order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = OverloadsDifferBySource)]
    public static Task<TResult[]> MapAsync<T, TResult>(IAsyncEnumerable<T> source, Func<T, CancellationToken, ValueTask<TResult>> body, ExecutorOptions? options = null)
    {
        Require(source, nameof(source));
        Require(body, nameof(body));
        return MapAsync(new AsyncEnumerableSource<T>(source), body, options);
    }

    /// <summary>Runs <paramref name="body"/> for every item and blocks until all are done.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is null.</exception>
    public static void ForEach<T>(IEnumerable<T> source, Action<T> body, ExecutorOptions? options = null)
    {
        Require(source, nameof(source));
        Require(body, nameof(body));
        RunAsync(
            new EnumerableSource<T>(source),
            (item, _, _) =>
            {
                body(item);
                return default;
            },
            options).GetAwaiter().GetResult();
    }

    private static async Task<TResult[]> MapAsync<T, TResult>(ItemSource<T> source, Func<T, CancellationToken, ValueTask<TResult>> body, ExecutorOptions? options)
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
            options).ConfigureAwait(false);
        return results.ToArray();
    }

    private static async Task RunAsync<T>(ItemSource<T> source, Func<T, long, CancellationToken, ValueTask> body, ExecutorOptions? options)
    {
        options ??= new ExecutorOptions();
        var available = Cores.Available;
        var degree = options.Degree ?? Math.Max(1, available / options.CoresPerItem);
        var budget = options.CoresPerItem > 1 ? options.CoresPerItem : Math.Max(1, available / degree);
        var run = new Run(options);
        if (source.Count is long known)
        {
            run.Queue(known);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
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

        options.CancellationToken.ThrowIfCancellationRequested();
        run.ThrowFailures();
    }

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
            try
            {
                await body(item, index, stop.Token).ConfigureAwait(false);
                run.Completed();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                run.Cancelled();
                return;
            }
            catch (Exception failure)
            {
                if (run.Failed(failure) == FailurePolicy.StopAtFirstFailure)
                {
                    stop.Cancel();
                }
            }
        }
    }

    private static void Require(object? argument, string name)
    {
        if (argument is null)
        {
            throw new ArgumentNullException(name);
        }
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
            ExecutorMetrics.Queued.Add(count);
        }

        public void Unqueue()
        {
            // Items never started (after a cancellation or a stop) leave the queue too.
            var left = Interlocked.Exchange(ref queued, 0);
            if (left > 0)
            {
                ExecutorMetrics.Queued.Add(-left);
            }
        }

        public void Started()
        {
            Interlocked.Increment(ref started);
            if (Interlocked.Read(ref queued) > 0 && Interlocked.Decrement(ref queued) >= 0)
            {
                ExecutorMetrics.Queued.Add(-1);
            }

            ExecutorMetrics.Running.Add(1);
        }

        public void Completed()
        {
            Interlocked.Increment(ref completed);
            ExecutorMetrics.Running.Add(-1);
            ExecutorMetrics.Completed.Add(1);
            Report();
        }

        public void Cancelled()
        {
            Interlocked.Decrement(ref started);
            ExecutorMetrics.Running.Add(-1);
        }

        public FailurePolicy Failed(Exception failure)
        {
            Interlocked.Increment(ref failed);
            ExecutorMetrics.Running.Add(-1);
            ExecutorMetrics.Failed.Add(1);
            lock (failures)
            {
                failures.Add(failure);
            }

            Report();
            return options.FailurePolicy;
        }

        public void ThrowFailures()
        {
            if (failures.Count == 0)
            {
                return;
            }

            if (options.FailurePolicy == FailurePolicy.StopAtFirstFailure)
            {
                ExceptionDispatchInfo.Capture(failures[0]).Throw();
            }

            throw new AggregateException(failures);
        }

        private void Report() =>
            options.Progress?.Report(new ExecutorProgress(Interlocked.Read(ref started), Interlocked.Read(ref completed), Interlocked.Read(ref failed)));
    }
}
