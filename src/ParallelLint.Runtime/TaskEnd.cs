namespace ParallelLint.Runtime;

internal static class TaskEnd
{
    /// <summary>A task that completes when <paramref name="task"/> ends, whatever its outcome: for cleanup that must wait, not rethrow.</summary>
    public static Task Ended(this Task task) =>
        task.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
