using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ParallelLint.Runtime.Jobs;

/// <summary>A snapshot of an executor's jobs and slots, like <c>qstat -f</c>.</summary>
public sealed class JobStatus
{
    private readonly (string? Id, string Name, JobState State, string? Host)[] rows;

    internal JobStatus(JobBackend backend, int? slotsTotal, int? slotsUsed, IReadOnlyList<JobResult> jobs, string? watcher = null)
    {
        Watcher = watcher;
        Backend = backend;
        SlotsTotal = slotsTotal;
        SlotsUsed = slotsUsed;
        Jobs = jobs;

        // Counted and copied now: the results go on changing after the snapshot.
        rows = jobs.Select(job => (job.Id, job.Job.DisplayName, job.State, job.Host)).ToArray();
        int Count(JobState state) => rows.Count(row => row.State == state);
        Queued = Count(JobState.Queued);
        Running = Count(JobState.Running);
        Succeeded = Count(JobState.Succeeded);
        Failed = Count(JobState.Failed);
        TimedOut = Count(JobState.TimedOut);
        Cancelled = Count(JobState.Cancelled);
        Lost = Count(JobState.Lost);
        OutOfMemory = Count(JobState.OutOfMemory);
    }

    /// <summary>
    /// A snapshot of the durable run in <paramref name="runDirectory"/> (see <see cref="JobExecutor.ResumeAsync"/>) as
    /// its files say now, from any process: while its watcher runs it (in another terminal), after the run ended, or
    /// after its watcher died. It takes no lock and writes nothing, so the run goes on undisturbed; a journal line the
    /// watcher is still writing is left out.
    /// </summary>
    /// <remarks>
    /// A job's end is the one its watcher journalled. Until then a local job is <see cref="JobState.Running"/> from
    /// its start, and ended by the exit code its <c>/bin/sh</c> wrapper wrote; a grid job is
    /// <see cref="JobState.Queued"/> once submitted, <see cref="JobState.Running"/> from its launcher's start marker
    /// (host and start time), and ended at its exit marker (a failure its watcher will retry shows as failed until the
    /// retry is submitted). Other jobs are queued. <see cref="SlotsUsed"/> is the cores of the running jobs,
    /// <see cref="SlotsTotal"/> the slots the watcher recorded (null for runs of older versions). The results are
    /// copies: they do not change after the call; read again for a new snapshot.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="runDirectory"/> is empty or holds no run (no <c>jobs</c> file), or its journal has a line this version cannot read.</exception>
    /// <exception cref="InvalidDataException">The run's <c>jobs</c> file cannot be read (changed by hand or by another version).</exception>
    public static JobStatus Read(string runDirectory)
    {
        if (string.IsNullOrWhiteSpace(runDirectory))
        {
            throw new ArgumentException("Name the run's directory.", nameof(runDirectory));
        }

        using var registry = RunRegistry.Read(runDirectory);
        var backend = registry.Backend switch
        {
            "local" => JobBackend.Local,
            "sge" => JobBackend.Sge,
            "slurm" => JobBackend.Slurm,
            var other => throw new ArgumentException($"{registry.Directory} holds a run of an unknown backend '{other}'.", nameof(runDirectory)),
        };
        var results = registry.Jobs.Select((job, i) => ReadJob(registry, backend, i)).ToList();
        var used = results.Where(result => result.State == JobState.Running).Sum(result => result.Job.Cores);
        return new JobStatus(backend, registry.SlotsTotal, used, results, LiveWatcher(registry.Directory));
    }

    /// <summary>
    /// The process watching the run, as <c>pid host</c>, when this snapshot was read from a run directory
    /// (<see cref="Read"/>) whose watcher is alive; null otherwise (from <see cref="JobExecutor.Status"/>, or no
    /// process watches the run). A watcher on this host is alive when its process still runs (the same pid, started
    /// before it wrote <c>run.watcher</c>) and holds <c>run.lock</c>; on another host only the lock tells. The lock is
    /// probed by opening it for reading, which never takes it from its holder: a watcher that opens the run in that
    /// same instant (microseconds) is refused as if another process watched it.
    /// </summary>
    public string? Watcher { get; }

    /// <summary>Where the jobs run.</summary>
    public JobBackend Backend { get; }

    /// <summary>Cores (slots) the jobs may use: locally the available cores, on a grid what the scheduler reports; null when unknown.</summary>
    public int? SlotsTotal { get; }

    /// <summary>Cores (slots) in use: by this executor's jobs locally, by every job on a grid; null when unknown.</summary>
    public int? SlotsUsed { get; }

    /// <summary>Every job of the executor (live: each result keeps changing until it is final).</summary>
    public IReadOnlyList<JobResult> Jobs { get; }

    /// <summary>Jobs waiting for a slot or in the queue.</summary>
    public int Queued { get; }

    /// <summary>Jobs running.</summary>
    public int Running { get; }

    /// <summary>Jobs that succeeded.</summary>
    public int Succeeded { get; }

    /// <summary>Jobs whose program failed: a non-zero exit, a signal, or a program that could not start (<see cref="JobState.Failed"/>).</summary>
    public int Failed { get; }

    /// <summary>Jobs stopped at their time limit (<see cref="JobState.TimedOut"/>).</summary>
    public int TimedOut { get; }

    /// <summary>Jobs stopped because their run was cancelled or the executor disposed (<see cref="JobState.Cancelled"/>).</summary>
    public int Cancelled { get; }

    /// <summary>Jobs gone from the scheduler with no record of how they ended (<see cref="JobState.Lost"/>).</summary>
    public int Lost { get; }

    /// <summary>Jobs the scheduler killed for using more memory than they were given (<see cref="JobState.OutOfMemory"/>).</summary>
    public int OutOfMemory { get; }

    /// <summary>Jobs in a final state, whichever: <see cref="Succeeded"/>, <see cref="Failed"/>, <see cref="TimedOut"/>, <see cref="Cancelled"/>, <see cref="Lost"/> and <see cref="OutOfMemory"/>.</summary>
    public int Ended => Succeeded + Failed + TimedOut + Cancelled + Lost + OutOfMemory;

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(FormattableString.Invariant($"{Backend.ToString().ToLowerInvariant()}: slots {Format(SlotsUsed)}/{Format(SlotsTotal)} used; "))
            .Append(FormattableString.Invariant($"jobs {Queued} queued, {Running} running, {Succeeded} done, {Failed} failed"));

        // The rarer ends only when they happened, so the usual line stays as short as qstat's summary.
        foreach (var (count, what) in new[] { (TimedOut, "timed out"), (OutOfMemory, "out of memory"), (Cancelled, "cancelled"), (Lost, "lost") })
        {
            if (count > 0)
            {
                text.Append(FormattableString.Invariant($", {count} {what}"));
            }
        }

        foreach (var (id, name, state, host) in rows)
        {
            text.AppendLine().Append(FormattableString.Invariant($"  {id ?? "-",-10} {name,-24} {state,-9} {host ?? ""}"));
        }

        return text.ToString();
    }

    private static JobResult ReadJob(RunRegistry registry, JobBackend backend, int index)
    {
        var job = registry.Jobs[index];
        var stem = Path.Combine(registry.Directory, JobExecutor.FileStem(index, job));
        var result = new JobResult(job, stem + ".out", stem + ".err") { Index = index, Attempts = registry.AttemptsOf(index) };
        if (registry.EndOf(index) is { } end)
        {
            end.Restore(result);
        }
        else if (registry.StartOf(index) is { } start)
        {
            ReadLocal(result, registry, stem, start);
        }
        else if (registry.SubmissionOf(index) is { } submission)
        {
            ReadGrid(result, registry, backend, submission);
        }

        return result;
    }

    private static void ReadLocal(JobResult result, RunRegistry registry, string stem, StartRecord start)
    {
        var attemptStem = LocalJobExecutor.AttemptStem(stem, start.Attempt);
        result.StandardOutputPath = attemptStem + ".out";
        result.StandardErrorPath = attemptStem + ".err";
        result.Host = start.Host ?? registry.WatcherHost;
        result.LaunchDuration = start.Launch;
        var pid = start.Pid;
        var startTicks = start.StartTicks;
        if (pid == 0)
        {
            // Being launched: started once its wrapper wrote its pid.
            var pidPath = attemptStem + ".pid";
            if (RunMarkers.ReadNumber(pidPath) is not { } written)
            {
                return;
            }

            pid = written;
            startTicks = File.GetLastWriteTimeUtc(pidPath).Ticks;
        }

        result.Id = pid.ToString(CultureInfo.InvariantCulture);
        result.Started = startTicks > 0 ? new DateTimeOffset(startTicks, TimeSpan.Zero).ToLocalTime() : null;
        result.State = JobState.Running;
        var exitPath = attemptStem + ".exit";
        if (start.IsWrapped && RunMarkers.ReadNumber(exitPath) is { } code)
        {
            result.ExitCode = code;
            result.Ended = File.GetLastWriteTime(exitPath);
            result.CpuTime = RunMarkers.TimesCpu(RunMarkers.CpuPath(exitPath));
            result.State = code == 0 ? JobState.Succeeded : JobState.Failed;
            result.Detail = code == 0 ? null : JobResult.DescribeExit(code);
        }
    }

    private static void ReadGrid(JobResult result, RunRegistry registry, JobBackend backend, SubmissionRecord submission)
    {
        var folder = Path.Combine(registry.Directory, submission.Folder);
        var task = submission.TaskOf(result.Index);
        var file = Path.Combine(folder, task.ToString(CultureInfo.InvariantCulture));
        string? TaskId(string? array) => array is null ? null : array + (backend == JobBackend.Sge ? "." : "_") + task.ToString(CultureInfo.InvariantCulture);
        result.StandardOutputPath = file + ".out";
        result.StandardErrorPath = file + ".err";
        result.Id = TaskId(submission.Id);
        result.LaunchDuration = submission.LaunchShare;
        if (RunMarkers.Read(file + ".start") is not { } start)
        {
            return;
        }

        // The marker names the array that claimed the task, which may be another submission of the same folder.
        result.Id = TaskId(start.Third is { Length: > 0 } array ? array : submission.Id);
        result.Host = start.First;
        result.Started = start.Time;
        result.State = JobState.Running;
        if (RunMarkers.Read(file + ".exit") is { } exit && RunMarkers.ParseCode(exit.First) is { } code)
        {
            result.ExitCode = code;
            result.Ended = exit.Time;
            result.CpuTime = RunMarkers.MarkerCpu(exit.Third);
            result.PeakMemoryBytes = RunMarkers.MarkerPeak(exit.Fourth);
            (result.State, result.Detail) = RunMarkers.GridOutcome(result, code);
        }
    }

    /// <summary>What <c>run.watcher</c> says when its process is alive and holds <c>run.lock</c> (see <see cref="Watcher"/>).</summary>
    private static string? LiveWatcher(string directory)
    {
        var watcherPath = Path.Combine(directory, "run.watcher");
        if (RunMarkers.ReadText(watcherPath) is not { } text)
        {
            return null;
        }

        var parts = text.Split(' ');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        // A dead watcher on this host is told without touching the lock.
        if (parts[1] == Environment.MachineName && !IsRunning(pid, File.GetLastWriteTimeUtc(watcherPath)))
        {
            return null;
        }

        return IsLocked(Path.Combine(directory, "run.lock")) ? text : null;
    }

    /// <summary>Whether process <paramref name="pid"/> runs and started by <paramref name="noted"/> (a later one reuses the id).</summary>
    private static bool IsRunning(int pid, DateTime noted)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime() <= noted + TimeSpan.FromSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether a process holds <paramref name="path"/> exclusively: opened for reading (a shared lock on Unix, which
    /// the holder's exclusive one refuses; a sharing violation on Windows) and let go at once.
    /// </summary>
    private static bool IsLocked(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return false;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static string Format(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
