namespace ParallelLint.Runtime;

/// <summary>What an <see cref="Executor"/> run does when an item fails.</summary>
public enum FailurePolicy
{
    /// <summary>Skip the items not yet started and cancel the token of those running; the run faults with what failed.</summary>
    StopAtFirstFailure,

    /// <summary>Run every item; the run then faults with every failure.</summary>
    RunAllThenThrow,
}

/// <summary>How an <see cref="Executor"/> run is bounded and observed.</summary>
public sealed class ExecutorOptions
{
    private int? maxDegreeOfParallelism;
    private int coresPerItem = 1;

    /// <summary>
    /// How many items run at once. Null (the default) means <see cref="Cores.Available"/> / <see cref="CoresPerItem"/>,
    /// at least 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below.</exception>
    /// <remarks>Named as <c>ParallelOptions.MaxDegreeOfParallelism</c>; unlike it, there is no "unbounded" value.</remarks>
    public int? MaxDegreeOfParallelism
    {
        get => maxDegreeOfParallelism;
        set => maxDegreeOfParallelism = value is null or > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), value, "The degree must be at least 1.");
    }

    /// <summary>The cores each item uses (its own inner threads); also the budget <see cref="Cores.Available"/> reports inside it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below.</exception>
    public int CoresPerItem
    {
        get => coresPerItem;
        set => coresPerItem = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(CoresPerItem), value, "Each item needs at least one core.");
    }

    /// <summary>Stops the run: items not started are skipped and the run ends with <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>What a failing item does to the rest of the run.</summary>
    public FailurePolicy FailurePolicy { get; set; }

    /// <summary>Told after every item: how many started, completed and failed so far.</summary>
    public IProgress<ExecutorProgress>? Progress { get; set; }
}

/// <summary>Counts of one run so far.</summary>
public readonly struct ExecutorProgress
{
    internal ExecutorProgress(long started, long completed, long failed)
    {
        Started = started;
        Completed = completed;
        Failed = failed;
    }

    /// <summary>Items taken from the source and started.</summary>
    public long Started { get; }

    /// <summary>Items that finished without an exception.</summary>
    public long Completed { get; }

    /// <summary>Items that threw.</summary>
    public long Failed { get; }

    /// <summary>Items running now.</summary>
    public long Running => Started - Completed - Failed;

    /// <summary>The counts, for a progress line: <c>started 10 (2 running), 7 completed, 1 failed</c>.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"started {Started} ({Running} running), {Completed} completed, {Failed} failed");
}
