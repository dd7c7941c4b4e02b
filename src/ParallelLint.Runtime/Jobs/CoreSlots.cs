namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// The local backend's slots: a job holds as many of the machine's cores as it declares, first come first
/// served, and optionally at most a given number of jobs run at once. The executor refuses jobs wider than
/// <see cref="Total"/> before they get here (<see cref="JobDoesNotFitException"/>).
/// </summary>
internal sealed class CoreSlots
{
    private readonly object gate = new();
    private readonly LinkedList<(int Cores, TaskCompletionSource<bool> Granted)> waiting = new();
    private readonly int? maxActive;
    private int used;
    private int active;

    public CoreSlots(int total, int? maxActive)
    {
        Total = Math.Max(1, total);
        this.maxActive = maxActive;
    }

    public int Total { get; }

    public int Used
    {
        get
        {
            lock (gate)
            {
                return used;
            }
        }
    }

    /// <summary>
    /// Waits for <paramref name="cores"/> cores and returns how many were granted: clamped to <see cref="Total"/>, so
    /// that a job wider than the slots could never wait forever here.
    /// </summary>
    public Task<int> AcquireAsync(int cores, CancellationToken cancellationToken)
    {
        cores = Math.Min(cores, Total);
        lock (gate)
        {
            if (waiting.Count == 0 && Fits(cores))
            {
                Take(cores);
                return Task.FromResult(cores);
            }

            var granted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var node = waiting.AddLast((cores, granted));
            var registration = cancellationToken.Register(() =>
            {
                lock (gate)
                {
                    if (node.List is not null)
                    {
                        waiting.Remove(node);
                        granted.TrySetCanceled(cancellationToken);

                        // A wide job leaving the head of the queue may let narrower ones behind it start.
                        GrantWaiting();
                    }
                }
            });
            return granted.Task.ContinueWith(
                task =>
                {
                    registration.Dispose();
                    task.GetAwaiter().GetResult();
                    return cores;
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    public void Release(int cores)
    {
        lock (gate)
        {
            used -= cores;
            active--;
            GrantWaiting();
        }
    }

    private void GrantWaiting()
    {
        while (waiting.First is { } head && Fits(head.Value.Cores))
        {
            waiting.RemoveFirst();
            Take(head.Value.Cores);
            head.Value.Granted.TrySetResult(true);
        }
    }

    private bool Fits(int cores) => used + cores <= Total && (maxActive is null || active < maxActive);

    private void Take(int cores)
    {
        used += cores;
        active++;
    }
}
