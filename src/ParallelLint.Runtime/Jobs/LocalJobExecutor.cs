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
        slots = new CoreSlots(Options.Local.Slots ?? (isShared ? CoreCache.Current.Limits.Available : Cores.Available), Options.MaxActive);
        limit = Options.Local.Slots is { } configured
            ? new SlotLimit(slots.Total, FormattableString.Invariant($"the executor's slots, JobExecutorOptions.Local.Slots = {configured}"), "or raise JobExecutorOptions.Local.Slots")
            : new SlotLimit(
                slots.Total,
                FormattableString.Invariant($"the executor's slots, the cores this process may use (Cores.Available = {slots.Total}, decided by {(ItemBudget.Cores is null ? Cores.Detect().DecidedBy : "the enclosing Executor item's budget")})"),
                "or set JobExecutorOptions.Local.Slots for jobs that mostly wait");
    }

    private protected override (int? Total, int? Used) Slots() => (slots.Total, slots.Used);

    private protected override Task<SlotLimit?> LargestJobAsync(CancellationToken cancellationToken) => Task.FromResult<SlotLimit?>(limit);

    private protected override async Task RunCoreAsync(IReadOnlyList<JobResult> results, RunRegistry registry, CancellationToken cancellationToken)
    {
        // Children outlive a parent that dies: if this process ends mid-run, the exit handler kills them.
        var children = new Children();
        using (ExitCleanup.Register(children.KillAll))
        {
            await Task.WhenAll(results.Select(result => RunJobAsync(result, registry, children, cancellationToken))).ConfigureAwait(false);
        }
    }

    private async Task RunJobAsync(JobResult result, RunRegistry registry, Children children, CancellationToken cancellationToken)
    {
        var stem = Path.Combine(registry.Directory, FileStem(result.Index, result.Job));
        var tries = 0;
        var attempt = result.Attempts;
        var launched = registry.StartOf(result.Index);
        var orphan = launched is null ? null : await OrphanAsync(launched, stem, cancellationToken).ConfigureAwait(false);
        if (launched is not null && orphan is null)
        {
            // The process that died was about to start it, and did not: this is its attempt.
            attempt = launched.Attempt - 1;
        }

        if (orphan is not null)
        {
            // Started by a process that died: watched to its end rather than started again.
            tries++;
            attempt = orphan.Attempt;
            var outcome = await WatchOrphanAsync(result, stem, orphan, children, cancellationToken).ConfigureAwait(false);
            if (IsDone(outcome.State, tries, children))
            {
                Transition(result, outcome.State, outcome.Detail);
                cancellationToken.ThrowIfCancellationRequested();
                return;
            }

            Transition(result, JobState.Queued, outcome.Detail + "; retrying");
        }

        while (true)
        {
            tries++;
            attempt++;
            var cores = await slots.AcquireAsync(result.Job.Cores, cancellationToken).ConfigureAwait(false);
            var held = true;
            void Free()
            {
                if (held)
                {
                    held = false;
                    slots.Release(cores);
                }
            }

            (JobState State, string? Detail) outcome;
            try
            {
                SetPaths(result, stem, attempt);
                outcome = await RunAttemptAsync(result, attempt, registry, children, Free, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Free();
            }

            if (IsDone(outcome.State, tries, children))
            {
                Transition(result, outcome.State, outcome.Detail);
                cancellationToken.ThrowIfCancellationRequested();
                return;
            }

            Transition(result, JobState.Queued, outcome.Detail + "; retrying");
        }
    }

    private bool IsDone(JobState state, int tries, Children children) =>
        state is JobState.Succeeded or JobState.Cancelled || tries >= Options.MaxAttempts || children.KilledBecause is not null;

    /// <summary>What an attempt's files are named by: the job's stem for the first, with the attempt's number after.</summary>
    internal static string AttemptStem(string stem, int attempt) => attempt == 1 ? stem : stem + "." + attempt.ToString(CultureInfo.InvariantCulture);

    private static void SetPaths(JobResult result, string stem, int attempt)
    {
        var attemptStem = AttemptStem(stem, attempt);
        result.StandardOutputPath = attemptStem + ".out";
        result.StandardErrorPath = attemptStem + ".err";
    }

    /// <summary>The file the wrapper writes the attempt's exit code to, beside its output.</summary>
    private static string ExitPath(JobResult result) => Path.ChangeExtension(result.StandardOutputPath, ".exit");

    /// <summary>Runs one attempt; <paramref name="free"/> gives its slot back as soon as the process has ended.</summary>
    private async Task<(JobState State, string? Detail)> RunAttemptAsync(JobResult result, int attempt, RunRegistry registry, Children children, Action free, CancellationToken cancellationToken)
    {
        // The parent's own work for the job, from its files to its process running.
        var launch = Stopwatch.StartNew();
        var job = result.Job;
        var isWrapped = registry.IsNamed && File.Exists(Shell);
        using var process = new Process { StartInfo = isWrapped ? WrappedStartInfo(job, result) : StartInfo(job), EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(true);
        result.Attempts = attempt;
        result.Host = Environment.MachineName;
        result.ExitCode = null;
        result.CpuTime = null;
        result.PeakMemoryBytes = null;
        if (isWrapped)
        {
            // Before the start: a process that dies between the start and its record leaves a job the wrapper names by its pid file.
            registry.Launching(result.Index, attempt);
        }

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
        result.LaunchDuration = launch.Elapsed;
        if (registry.IsNamed)
        {
            registry.Started(result.Index, attempt, process.Id, StartTicks(process), isWrapped, result.LaunchDuration);
        }
        Transition(result, JobState.Running);

        // The job reads an empty standard input rather than this process's; a wrapped job's output goes to its files directly.
        var copies = Task.CompletedTask;
        if (!isWrapped)
        {
            process.StandardInput.Close();
            copies = Task.WhenAll(
                CopyAsync(process.StandardOutput.BaseStream, result.StandardOutputPath),
                CopyAsync(process.StandardError.BaseStream, result.StandardErrorPath));
        }

        using var limit = new CancellationTokenSource();
        if (job.TimeLimit is { } timeLimit)
        {
            limit.CancelAfter(timeLimit);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var memory = new PeakMemory(process.Id, countsRoot: !isWrapped);
        using (stop.Token.Register(() => stopped.TrySetResult(true)))
        {
            if (await SampleUntilAsync(memory, exited.Task, stopped.Task).ConfigureAwait(false) != exited.Task)
            {
                ChildProcesses.KillTree(process);
                await exited.Task.ConfigureAwait(false);
            }
        }

        result.PeakMemoryBytes = memory.Bytes;

        // Its cores are free once the process is gone: the next job starts while this one's pipes drain to their end.
        result.Ended = DateTimeOffset.Now;
        free();

        // A grandchild that outlives the job may hold its output open: don't wait for it forever.
        if (!copies.IsCompleted)
        {
            // Cancelled once the copies end, so that no timer per job lingers for the 5 seconds.
            using var grace = new CancellationTokenSource();
            await Task.WhenAny(copies, Task.Delay(TimeSpan.FromSeconds(5), grace.Token)).ConfigureAwait(false);
            grace.Cancel();
        }

        process.WaitForExit();
        children.Remove(process);
        result.ExitCode = process.ExitCode;
        if (isWrapped)
        {
            result.CpuTime = RunMarkers.TimesCpu(RunMarkers.CpuPath(ExitPath(result)));
        }
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

    /// <summary>Samples the job's memory until the process exits or is to be stopped; the task that came first.</summary>
    private static async Task<Task> SampleUntilAsync(PeakMemory memory, Task exited, Task stopped)
    {
        while (true)
        {
            // Cancelled as soon as the process ends, so that no timer per job outlives it.
            using var tick = new CancellationTokenSource();
            var next = Task.Delay(memory.Interval, tick.Token);
            var first = await Task.WhenAny(exited, stopped, next).ConfigureAwait(false);
            if (first != next)
            {
                tick.Cancel();
                return first;
            }

            memory.Sample();
        }
    }

    /// <summary>
    /// Follows an attempt that a process which died had started: its exit code once its wrapper writes it, or its end
    /// without one. A job whose output went to the dead process (not wrapped) cannot report: it is stopped and lost.
    /// </summary>
    private async Task<(JobState State, string? Detail)> WatchOrphanAsync(JobResult result, string stem, StartRecord orphan, Children children, CancellationToken cancellationToken)
    {
        SetPaths(result, stem, orphan.Attempt);
        result.Attempts = orphan.Attempt;
        result.Id = orphan.Pid.ToString(CultureInfo.InvariantCulture);
        result.Host = Environment.MachineName;
        result.LaunchDuration = orphan.Launch;
        result.PeakMemoryBytes = null;
        result.Started = orphan.StartTicks > 0 ? new DateTimeOffset(orphan.StartTicks, TimeSpan.Zero).ToLocalTime() : null;
        using var process = Alive(orphan);
        if (process is not null && !orphan.IsWrapped)
        {
            ChildProcesses.KillTree(process);
            result.Ended = DateTimeOffset.Now;
            return (JobState.Lost, "its output went to the process that started it, which died: stopped, as it could not report how it ends");
        }

        if (process is not null && !children.Adopt(process))
        {
            return (JobState.Cancelled, $"stopped because this process got {children.KilledBecause}");
        }

        // Its memory from here on: the high-water marks of its live processes hold what they used before.
        var memory = process is null ? null : new PeakMemory(process.Id, countsRoot: false);
        try
        {
            Transition(result, JobState.Running);
            while (process is not null && !process.HasExited && ReadExit(result) is null)
            {
                memory?.Sample();
                if (result.Job.TimeLimit is { } limit && result.Started is { } started && DateTimeOffset.Now - started > limit)
                {
                    ChildProcesses.KillTree(process);
                    result.Ended = DateTimeOffset.Now;
                    return (JobState.TimedOut, $"stopped at its time limit of {limit}");
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    ChildProcesses.KillTree(process);
                    result.Ended = DateTimeOffset.Now;
                    return (JobState.Cancelled, CancelledBecause);
                }
            }
        }
        finally
        {
            result.PeakMemoryBytes = memory?.Bytes;
            if (process is not null)
            {
                children.Remove(process);
            }
        }

        if (ReadExit(result) is not { } code)
        {
            result.Ended = DateTimeOffset.Now;
            return (JobState.Lost, "ended without an exit code while no process watched it (the one that started it died)");
        }

        result.ExitCode = code;
        result.Ended = File.GetLastWriteTime(ExitPath(result));
        result.CpuTime = RunMarkers.TimesCpu(RunMarkers.CpuPath(ExitPath(result)));
        return code == 0 ? (JobState.Succeeded, null) : (JobState.Failed, JobResult.DescribeExit(code));
    }

    /// <summary>The exit code the wrapper wrote, once written whole.</summary>
    private static int? ReadExit(JobResult result) => RunMarkers.ReadNumber(ExitPath(result));

    /// <summary>
    /// The attempt a dead process started, or null when it never started: a launch the dead process did not see
    /// through is found by the pid file its wrapper writes first thing (a shell that was forked gets there within
    /// moments, and before anything else).
    /// </summary>
    private static async Task<StartRecord?> OrphanAsync(StartRecord launched, string stem, CancellationToken cancellationToken)
    {
        if (launched.Pid != 0)
        {
            return launched;
        }

        var pidPath = AttemptStem(stem, launched.Attempt) + ".pid";
        for (var wait = 0; wait < 20; wait++)
        {
            if (RunMarkers.ReadNumber(pidPath) is { } pid)
            {
                return new StartRecord(launched.Attempt, pid, File.GetLastWriteTimeUtc(pidPath).Ticks, isWrapped: true);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>The recorded process if it still runs: the same id and start time (ids are reused).</summary>
    private static Process? Alive(StartRecord orphan)
    {
        try
        {
            var process = Process.GetProcessById(orphan.Pid);
            if (orphan.StartTicks == 0 || Math.Abs(StartTicks(process) - orphan.StartTicks) <= TimeSpan.TicksPerSecond)
            {
                return process;
            }

            process.Dispose();
        }
        catch (ArgumentException)
        {
            // No process has that id any more.
        }

        return null;
    }

    private static long StartTicks(Process process)
    {
        try
        {
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return 0;
        }
    }

    /// <summary>The run's live child processes, for the exit handler; none starts after it ran.</summary>
    private sealed class Children
    {
        private readonly HashSet<Process> live = new();

        // Starts under way, made outside the lock so that jobs start concurrently: serialised, 500 short jobs took 30% longer.
        private int starting;

        public string? KilledBecause { get; private set; }

        /// <summary>
        /// Starts the process unless the exit handler ran; the handler waits for a start under way and kills it too,
        /// rather than let it escape while the process ends.
        /// </summary>
        public bool Start(Process process)
        {
            lock (live)
            {
                if (KilledBecause is not null)
                {
                    return false;
                }

                starting++;
            }

            var started = false;
            try
            {
                process.Start();
                started = true;
            }
            finally
            {
                lock (live)
                {
                    starting--;
                    if (started)
                    {
                        live.Add(process);
                    }

                    Monitor.PulseAll(live);
                }
            }

            return true;
        }

        /// <summary>Adds a process this one did not start (a dead run's job it now watches), unless the exit handler ran.</summary>
        public bool Adopt(Process process)
        {
            lock (live)
            {
                if (KilledBecause is not null)
                {
                    return false;
                }

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
                while (starting > 0)
                {
                    Monitor.Wait(live);
                }

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

    private const string Shell = "/bin/sh";

    /// <summary>
    /// Notes its pid in the fourth argument, runs the job (the arguments after the first four) with its output in the
    /// first two files, then writes its exit code to the third: it needs nothing of this process, so it reports even
    /// when this process dies. The shell parses only this fixed script, never an argument; the job's exit code is the shell's.
    /// Before the exit code, <c>times</c> goes to the <c>.cpu</c> file beside it: its second line is the CPU time of the
    /// job and of every process it waited for (the shell's only child is the job).
    /// </summary>
    private const string Wrapper = "echo $$ > \"$4\"; exec < /dev/null > \"$1\" 2> \"$2\"; x=$3; shift 4; \"$@\"; c=$?; times > \"${x%.exit}.cpu\"; echo \"$c\" > \"$x\"; exit \"$c\"";

    private static ProcessStartInfo WrappedStartInfo(Job job, JobResult result)
    {
        var startInfo = new ProcessStartInfo(Shell) { UseShellExecute = false, WorkingDirectory = job.WorkingDirectory ?? "" };
        ChildProcesses.AddArguments(startInfo, new[] { "-c", Wrapper, "parallellint-job", result.StandardOutputPath, result.StandardErrorPath, ExitPath(result), Path.ChangeExtension(result.StandardOutputPath, ".pid"), job.Executable }.Concat(job.Arguments).ToList());
        foreach (var variable in job.ChildEnvironment())
        {
            startInfo.Environment[variable.Key] = variable.Value;
        }

        return startInfo;
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
    // an asynchronous write (a thread-pool hop per write on Unix). The pipe is closed here: Process.Dispose leaves a
    // stream it handed out to the finalizer thread, which then closes every job's pipe handles and sockets.
    private static async Task CopyAsync(Stream from, string path)
    {
        using var pipe = from;
        using var to = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 4096, useAsync: false);
        await from.CopyToAsync(to).ConfigureAwait(false);
    }
}
