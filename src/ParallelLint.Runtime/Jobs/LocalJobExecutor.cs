using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// Jobs as child processes of this one: each holds its cores out of <see cref="Cores.Available"/> (or the
/// configured slots), the rest wait in a queue; a time limit or cancellation kills the job's whole process tree.
/// </summary>
internal sealed class LocalJobExecutor : JobExecutor
{
    private readonly CoreSlots slots;
    private readonly SlotLimit limit;

    // The shared executor's slots are the process's cores, not the budget of the executor item that touched it first.
    public LocalJobExecutor(JobExecutorOptions? options, bool isShared = false)
        : base("local", options, isShared)
    {
        slots = new CoreSlots(Options.Slots ?? (isShared ? CoreCache.Current.Limits.Available : Cores.Available), Options.MaxActive);
        limit = Options.Slots is { } configured
            ? new SlotLimit(slots.Total, FormattableString.Invariant($"the executor's slots, JobExecutorOptions.Slots = {configured}"), "or raise JobExecutorOptions.Slots")
            : new SlotLimit(
                slots.Total,
                FormattableString.Invariant($"the executor's slots, the cores this process may use (Cores.Available = {slots.Total}, decided by {(ItemBudget.Cores is null ? Cores.Detect().DecidedBy : "the enclosing Executor item's budget")})"),
                "or set JobExecutorOptions.Slots for jobs that mostly wait");
    }

    private protected override (int? Total, int? Used) Slots() => (slots.Total, slots.Used);

    private protected override Task<SlotLimit?> LargestJobAsync(CancellationToken cancellationToken) => Task.FromResult<SlotLimit?>(limit);

    private protected override async Task RunCoreAsync(IReadOnlyList<JobResult> results, string directory, CancellationToken cancellationToken)
    {
        // Children outlive a parent that dies: if this process ends mid-run, the exit handler kills them.
        var children = new Children();
        using (ExitCleanup.Register(children.KillAll))
        {
            await Task.WhenAll(results.Select(result => RunJobAsync(result, children, cancellationToken))).ConfigureAwait(false);
        }
    }

    private async Task RunJobAsync(JobResult result, Children children, CancellationToken cancellationToken)
    {
        var stem = result.StandardOutputPath.Substring(0, result.StandardOutputPath.Length - ".out".Length);
        for (var attempt = 1; ; attempt++)
        {
            var cores = await slots.AcquireAsync(result.Job.Cores, cancellationToken).ConfigureAwait(false);
            (JobState State, string? Detail) outcome;
            try
            {
                var suffix = attempt == 1 ? "" : "." + attempt.ToString(CultureInfo.InvariantCulture);
                result.StandardOutputPath = stem + suffix + ".out";
                result.StandardErrorPath = stem + suffix + ".err";
                outcome = await RunAttemptAsync(result, attempt, children, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release(cores);
            }

            if (outcome.State is JobState.Succeeded or JobState.Cancelled || attempt >= Options.MaxAttempts || children.KilledBecause is not null)
            {
                Transition(result, outcome.State, outcome.Detail);
                cancellationToken.ThrowIfCancellationRequested();
                return;
            }

            Transition(result, JobState.Queued, outcome.Detail + "; retrying");
        }
    }

    private async Task<(JobState State, string? Detail)> RunAttemptAsync(JobResult result, int attempt, Children children, CancellationToken cancellationToken)
    {
        var job = result.Job;
        using var process = new Process { StartInfo = StartInfo(job), EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(true);
        result.Attempts = attempt;
        result.Host = Environment.MachineName;
        result.ExitCode = null;
        try
        {
            if (!children.Start(process))
            {
                result.Started = result.Ended = DateTimeOffset.Now;
                return (JobState.Cancelled, $"not started: this process got {children.KilledBecause}");
            }
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            result.Started = result.Ended = DateTimeOffset.Now;
            return (JobState.Failed, $"could not start '{job.Executable}': {e.Message}");
        }

        result.Started = DateTimeOffset.Now;
        result.Id = process.Id.ToString(CultureInfo.InvariantCulture);
        Transition(result, JobState.Running);

        // The job reads an empty standard input rather than this process's.
        process.StandardInput.Close();
        var copies = Task.WhenAll(
            CopyAsync(process.StandardOutput.BaseStream, result.StandardOutputPath),
            CopyAsync(process.StandardError.BaseStream, result.StandardErrorPath));

        using var limit = new CancellationTokenSource();
        if (job.TimeLimit is { } timeLimit)
        {
            limit.CancelAfter(timeLimit);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (stop.Token.Register(() => stopped.TrySetResult(true)))
        {
            if (await Task.WhenAny(exited.Task, stopped.Task).ConfigureAwait(false) != exited.Task)
            {
                ChildProcesses.KillTree(process);
                await exited.Task.ConfigureAwait(false);
            }
        }

        // A grandchild that outlives the job may hold its output open: don't wait for it forever.
        if (!copies.IsCompleted)
        {
            await Task.WhenAny(copies, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }

        process.WaitForExit();
        children.Remove(process);
        result.Ended = DateTimeOffset.Now;
        result.ExitCode = process.ExitCode;
        if (cancellationToken.IsCancellationRequested)
        {
            return (JobState.Cancelled, CancelledBecause);
        }

        if (children.KilledBecause is { } why)
        {
            return (JobState.Cancelled, $"stopped because this process got {why}");
        }

        if (limit.IsCancellationRequested)
        {
            return (JobState.TimedOut, $"stopped at its time limit of {job.TimeLimit}");
        }

        return process.ExitCode == 0 ? (JobState.Succeeded, null) : (JobState.Failed, JobResult.DescribeExit(process.ExitCode));
    }

    /// <summary>The run's live child processes, for the exit handler; none starts after it ran.</summary>
    private sealed class Children
    {
        private readonly HashSet<Process> live = new();

        public string? KilledBecause { get; private set; }

        /// <summary>
        /// Starts the process unless the exit handler ran; under the lock, so that the handler waits for a start under
        /// way and kills it too rather than let it escape while the process ends.
        /// </summary>
        public bool Start(Process process)
        {
            lock (live)
            {
                if (KilledBecause is not null)
                {
                    return false;
                }

                process.Start();
                live.Add(process);
                return true;
            }
        }

        public void Remove(Process process)
        {
            lock (live)
            {
                live.Remove(process);
            }
        }

        public void KillAll(string why)
        {
            Process[] processes;
            lock (live)
            {
                KilledBecause = why;
                processes = live.ToArray();
            }

            foreach (var process in processes)
            {
                try
                {
                    ChildProcesses.KillTree(process);
                }
                catch (Win32Exception)
                {
                    // Not this user's to kill (it changed identity): the others still are.
                }
            }
        }
    }

    private static ProcessStartInfo StartInfo(Job job)
    {
        var startInfo = new ProcessStartInfo(job.Executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = job.WorkingDirectory ?? "",
        };
        ChildProcesses.AddArguments(startInfo, job.Arguments);
        foreach (var variable in job.ChildEnvironment())
        {
            startInfo.Environment[variable.Key] = variable.Value;
        }

        return startInfo;
    }

    // Reads from the pipe asynchronously; writes the file synchronously, which for a local file is cheaper than
    // an asynchronous write (a thread-pool hop per write on Unix).
    private static async Task CopyAsync(Stream from, string path)
    {
        using var to = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 4096, useAsync: false);
        await from.CopyToAsync(to).ConfigureAwait(false);
    }
}
