using System.Collections;

namespace ParallelLint.Runtime;

/// <summary>Items handed out one at a time to the executor's workers, each with its position.</summary>
internal abstract class ItemSource<T>
{
    private long next;

    /// <summary>How many items there are, when the source knows it without enumerating.</summary>
    public abstract long? Count { get; }

    public abstract ValueTask<(bool HasItem, T Item, long Index)> NextAsync(CancellationToken cancellation);

    public abstract ValueTask DisposeAsync();

    protected long TakeIndex() => next++;
}

internal sealed class EnumerableSource<T> : ItemSource<T>
{
    private readonly IEnumerable<T> items;
    private readonly object gate = new();
    private IEnumerator<T>? enumerator;
    private bool done;

    public EnumerableSource(IEnumerable<T> items) => this.items = items;

    public override long? Count => items is ICollection collection ? collection.Count : items is IReadOnlyCollection<T> readOnly ? readOnly.Count : null;

    public override ValueTask<(bool HasItem, T Item, long Index)> NextAsync(CancellationToken cancellation)
    {
        lock (gate)
        {
            if (done)
            {
                return default;
            }

            enumerator ??= items.GetEnumerator();
            if (!enumerator.MoveNext())
            {
                done = true;
                return default;
            }

            return new ValueTask<(bool, T, long)>((true, enumerator.Current, TakeIndex()));
        }
    }

    public override ValueTask DisposeAsync()
    {
        lock (gate)
        {
            done = true;
            enumerator?.Dispose();
        }

        return default;
    }
}

internal sealed class AsyncEnumerableSource<T> : ItemSource<T>
{
    private readonly IAsyncEnumerable<T> items;
    private readonly SemaphoreSlim gate = new(1, 1);
    private IAsyncEnumerator<T>? enumerator;
    private bool done;

    public AsyncEnumerableSource(IAsyncEnumerable<T> items) => this.items = items;

    public override long? Count => null;

    public override async ValueTask<(bool HasItem, T Item, long Index)> NextAsync(CancellationToken cancellation)
    {
        await gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            if (done)
            {
                return default;
            }

            enumerator ??= items.GetAsyncEnumerator(cancellation);
            if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
            {
                done = true;
                return default;
            }

            return (true, enumerator.Current, TakeIndex());
        }
        finally
        {
            gate.Release();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            done = true;
            if (enumerator is not null)
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
