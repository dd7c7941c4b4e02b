using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// Runs command jobs with bounded slots: on this machine (<see cref="Local"/>, the default, nothing to install),
/// or through a real grid scheduler (<see cref="Sge"/>, <see cref="Slurm"/>). The same calls work on every backend.
/// </summary>
/// <remarks>
/// Every submitted job ends in exactly one final state (<see cref="JobState"/>). A job that failed, timed out or was
/// lost is started again up to <see cref="JobExecutorOptions.MaxAttempts"/> times. Standard output and error go to
/// files of the run's directory; data every job needs is staged once with <see cref="Stage(string, byte[])"/>.
/// If this process ends while runs are going (Ctrl+C, SIGTERM, SIGHUP, or Main returning or Environment.Exit with a
/// run not awaited), their grid jobs are deleted (<c>qdel</c>, <c>scancel</c>) and their local processes killed on
/// the way out; a program that handles Ctrl+C itself (cancelling the signal) cancels its runs' tokens instead.
/// SIGKILL cannot be caught: its jobs stay queued until they end or are deleted.
/// Dispose an executor (<c>await using</c>) when its runs are done: that stops what is still outstanding and removes
/// the temporary work directory it created. <see cref="Shared"/> needs no disposing.
/// </remarks>
public abstract class JobExecutor : IAsyncDisposable
{
    private static readonly Lazy<JobExecutor> SharedLocal = new(() => new LocalJobExecutor(null, isShared: true));

    private readonly List<JobResult> jobs = new();
    private readonly object gate = new();
    private readonly CancellationTokenSource disposal = new();
    private readonly bool isShared;
    private string? workDirectory;
    private int runs;
    private int active;
    private bool isDisposed;
    private TaskCompletionSource<bool>? drained;

    private protected JobExecutor(string backend, JobExecutorOptions? options, bool isShared = false)
    {
        BackendName = backend;
        Backend = backend switch
        {
            "local" => JobBackend.Local,
            "sge" => JobBackend.Sge,
            _ => JobBackend.Slurm,
        };
        Options = options ?? new JobExecutorOptions();
        this.isShared = isShared;
        if (isShared)
        {
            // Nothing disposes the shared executor: its temporary directory goes when the process ends.
            ExitCleanup.Register(_ => DeleteOwnWorkDirectory());
        }
    }

    /// <summary>Where the jobs run: this machine, SGE or Slurm.</summary>
    public JobBackend Backend { get; }

    /// <summary><c>local</c>, <c>sge</c> or <c>slurm</c>: the name users give <see cref="Create"/>, in messages, metrics and run directories.</summary>
    private protected string BackendName { get; }

    /// <summary>The options the executor was created with.</summary>
    public JobExecutorOptions Options { get; }

    /// <summary>
    /// The process's local executor, for call sites that run jobs on this machine without options of their own: they
    /// share its slots (the cores this process may use), so two of them never each take every core. It is never
    /// disposed (<see cref="DisposeAsync"/> does nothing); its temporary work directory is removed when the process ends.
    /// </summary>
    public static JobExecutor Shared => SharedLocal.Value;

    /// <summary>Child processes on this machine, as many at once as <see cref="Cores.Available"/> allows for their cores.</summary>
    public static JobExecutor Local(JobExecutorOptions? options = null) => new LocalJobExecutor(options);

    /// <summary>Jobs submitted to Sun/Son of Grid Engine with <c>qsub</c> (array jobs, <c>-pe</c> for cores).</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> gives no <see cref="JobExecutorOptions.WorkDirectory"/>.</exception>
    public static JobExecutor Sge(JobExecutorOptions options) => new GridJobExecutor(new SgeScheduler(SharedWorkDirectory(options, "SGE")), options);

    /// <summary>Jobs submitted to Slurm with <c>sbatch</c> (array jobs, <c>--cpus-per-task</c> for cores).</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> gives no <see cref="JobExecutorOptions.WorkDirectory"/>.</exception>
    public static JobExecutor Slurm(JobExecutorOptions options) => new GridJobExecutor(new SlurmScheduler(SharedWorkDirectory(options, "Slurm")), options);

    /// <summary>The executor for a backend named <c>local</c>, <c>sge</c> or <c>slurm</c> (for a <c>--backend</c> switch).</summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="backend"/> names no backend, or names a grid and <paramref name="options"/> gives no
    /// <see cref="JobExecutorOptions.WorkDirectory"/>.
    /// </exception>
    public static JobExecutor Create(string backend, JobExecutorOptions? options = null) => backend?.ToLowerInvariant() switch
    {
        "local" => Local(options),
        "sge" => Sge(options!),
        "slurm" => Slurm(options!),
        _ => throw new ArgumentException($"Unknown backend '{backend}': use local, sge or slurm.", nameof(backend)),
    };

    /// <summary>Runs one job and returns how it ended.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="job"/> is null.</exception>
    /// <exception cref="JobDoesNotFitException">The job needs more cores than the backend gives a job; it was not started.</exception>
    /// <exception cref="JobsCancelledException"><paramref name="cancellationToken"/> was cancelled; nothing is left running.</exception>
    /// <exception cref="JobSchedulerException">The scheduler is missing, down or refused the job.</exception>
    public async Task<JobResult> RunAsync(Job job, CancellationToken cancellationToken = default)
    {
        if (job is null)
        {
            throw new ArgumentNullException(nameof(job));
        }

        return (await RunAllAsync(new[] { job }, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Runs every job, at most as many at once as the slots allow, and returns their results in the jobs' order.</summary>
    /// <remarks>The run keeps its files and its registry in a new folder of the work directory; to attach to it or resume it later, name one with <see cref="ResumeAsync"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="jobs"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="jobs"/> holds a null job.</exception>
    /// <exception cref="JobDoesNotFitException">
    /// A job needs more cores than the backend gives one job (locally the executor's slots, on SGE its parallel
    /// environment and queue, on Slurm the partition's largest node): nothing of the run was started or submitted.
    /// When the scheduler cannot be asked, the run goes ahead and the submission reports what is wrong.
    /// </exception>
    /// <exception cref="JobsCancelledException">
    /// <paramref name="cancellationToken"/> was cancelled: every job still queued or running was stopped and ended
    /// <see cref="JobState.Cancelled"/>; the exception carries every result.
    /// </exception>
    /// <exception cref="JobSchedulerException">The scheduler is missing, down or refused the jobs; none is left submitted.</exception>
    public Task<IReadOnlyList<JobResult>> RunAllAsync(IEnumerable<Job> jobs, CancellationToken cancellationToken = default) =>
        Track(() => RunTrackedAsync(Validate(jobs), runDirectory: null, isResume: true, ended: null, cancellationToken));

    /// <summary>
    /// Runs every job (as <see cref="RunAllAsync"/> does) and streams each job's result as the job ends, in the order
    /// they end: the <c>Task.WhenEach</c> of jobs. Every job is yielded once; when the run then fails (the scheduler
    /// refused it, it was cancelled) the enumeration throws what <see cref="RunAllAsync"/> would have, after the jobs
    /// it stopped were yielded as <see cref="JobState.Cancelled"/>.
    /// </summary>
    /// <remarks>
    /// Nothing starts until the enumeration does. Leaving <c>await foreach</c> early stops the jobs still queued or
    /// running, as a cancellation would; a token given to <c>WithCancellation</c> or <paramref name="cancellationToken"/> cancels the run.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="jobs"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="jobs"/> holds a null job.</exception>
    public IAsyncEnumerable<JobResult> RunEachAsync(IEnumerable<Job> jobs, CancellationToken cancellationToken = default) =>
        RunEachAsync(Validate(jobs), cancellationToken);

    private async IAsyncEnumerable<JobResult> RunEachAsync(List<Job> jobs, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ended = new Queue<JobResult>();
        // Not disposed: a job's end may still release it while the loop is left (a SemaphoreSlim without a wait handle holds nothing).
        var signal = new SemaphoreSlim(0);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = Track(() => RunTrackedAsync(
            jobs,
            runDirectory: null,
            isResume: true,
            result =>
            {
                lock (ended)
                {
                    ended.Enqueue(result);
                }

                signal.Release();
            },
            stop.Token));
        try
        {
            for (var yielded = 0; yielded < jobs.Count; yielded++)
            {
                var next = signal.WaitAsync(CancellationToken.None);
                if (await Task.WhenAny(next, run).ConfigureAwait(false) != next && !next.IsCompleted)
                {
                    // The run ended with jobs not yet final: it failed before it started them (a job does not fit).
                    await run.ConfigureAwait(false);
                    await next.ConfigureAwait(false);
                }

                JobResult result;
                lock (ended)
                {
                    result = ended.Dequeue();
                }

                yield return result;
            }

            await run.ConfigureAwait(false);
        }
        finally
        {
            stop.Cancel();
            await run.Ended().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs every job as a durable run kept in <paramref name="runDirectory"/>, or resumes the run of the same jobs
    /// that directory already holds: jobs that succeeded there are not run again, jobs still queued or running
    /// (their submitting process died) are waited for rather than started twice, and the others run again. Calling
    /// it again after a crash, a kill or a failure goes on where the run stopped.
    /// </summary>
    /// <remarks>
    /// The directory holds the run's registry (<c>jobs</c>, <c>journal</c>), its jobs' output files and, on a grid,
    /// its task files: on a grid it must be on a filesystem the execution hosts share. While a process watches the run
    /// it holds <c>run.lock</c>, so two processes never run the same jobs. <see cref="AttachAsync"/> collects a run
    /// without starting again what ended badly. Local jobs of a durable run are started through <c>/bin/sh</c>,
    /// which writes their exit code beside their output, so that they go on and report when their parent dies
    /// (on Windows they end with it).
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// <paramref name="jobs"/> is null or holds a null job, <paramref name="runDirectory"/> is empty, or it holds a
    /// run of other jobs or of another backend.
    /// </exception>
    /// <exception cref="IOException">Another process is watching the run in <paramref name="runDirectory"/>.</exception>
    /// <exception cref="JobDoesNotFitException">A job needs more cores than the backend gives a job; nothing was started.</exception>
    /// <exception cref="JobsCancelledException"><paramref name="cancellationToken"/> was cancelled; nothing is left running.</exception>
    /// <exception cref="JobSchedulerException">The scheduler is missing, down or refused the jobs.</exception>
    public Task<IReadOnlyList<JobResult>> ResumeAsync(string runDirectory, IEnumerable<Job> jobs, CancellationToken cancellationToken = default) =>
        Track(() => RunTrackedAsync(Validate(jobs), RunDirectory(runDirectory), isResume: true, ended: null, cancellationToken));

    /// <summary>
    /// Attaches to the durable run in <paramref name="runDirectory"/> (see <see cref="ResumeAsync"/>),
    /// typically one whose submitting process died: collects every job that ended while nobody watched, waits for
    /// the ones still queued or running, submits the ones the dead process had not yet, and returns every job's
    /// result in the run's order. A job that had ended keeps its end, whatever it was; nothing runs twice.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="runDirectory"/> is empty, holds no run, or holds another backend's run (attach with that backend's executor).
    /// </exception>
    /// <exception cref="IOException">Another process is watching the run.</exception>
    /// <exception cref="JobsCancelledException"><paramref name="cancellationToken"/> was cancelled; nothing is left running.</exception>
    /// <exception cref="JobSchedulerException">The scheduler is missing, down or refused the jobs.</exception>
    public Task<IReadOnlyList<JobResult>> AttachAsync(string runDirectory, CancellationToken cancellationToken = default) =>
        Track(() => RunTrackedAsync(jobs: null, RunDirectory(runDirectory), isResume: false, ended: null, cancellationToken));

    private Task<IReadOnlyList<JobResult>> Track(Func<Task<IReadOnlyList<JobResult>>> start)
    {
        Enter();
        Task<IReadOnlyList<JobResult>> run;
        try
        {
            run = start();
        }
        catch (Exception e)
        {
            run = Task.FromException<IReadOnlyList<JobResult>>(e);
        }

        // Left once the returned task has ended: DisposeAsync then returns only after every run's call did.
        run.ContinueWith(_ => Leave(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return run;
    }

    private static List<Job> Validate(IEnumerable<Job> jobs)
    {
        var list = jobs?.ToList() ?? throw new ArgumentNullException(nameof(jobs), "Pass the jobs to run.");
        return list.Any(job => job is null) ? throw new ArgumentException("A job is null.", nameof(jobs)) : list;
    }

    private static string RunDirectory(string runDirectory) =>
        string.IsNullOrWhiteSpace(runDirectory) ? throw new ArgumentException("Name the run's directory.", nameof(runDirectory)) : Path.GetFullPath(runDirectory);

    private async Task<IReadOnlyList<JobResult>> RunTrackedAsync(
        List<Job>? jobs,
        string? runDirectory,
        bool isResume,
        Action<JobResult>? ended,
        CancellationToken cancellationToken)
    {
        if (jobs is not null)
        {
            await RefuseWhatCannotFitAsync(jobs, cancellationToken).ConfigureAwait(false);
        }

        // Unique even when several executors (or processes) share a work directory: stale markers must never be read.
        var directory = runDirectory ?? Path.Combine(
            WorkDirectory(),
            FormattableString.Invariant($"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Interlocked.Increment(ref runs)}-{Guid.NewGuid().ToString("N").Substring(0, 8)}"));
        using var registry = RunRegistry.Open(directory, BackendName, jobs, isNamed: runDirectory is not null);
        registry.Watching(Slots().Total);
        if (jobs is null)
        {
            await RefuseWhatCannotFitAsync(registry.Jobs.ToList(), cancellationToken).ConfigureAwait(false);
        }

        var results = registry.Jobs.Select((job, i) =>
        {
            var stem = Path.Combine(registry.Directory, FileStem(i, job));
            var result = new JobResult(job, stem + ".out", stem + ".err") { Index = i, Attempts = registry.AttemptsOf(i) };

            // What ended before stays ended, but for a resume of what did not succeed.
            if (registry.EndOf(i) is { } end && (!isResume || end.State == JobState.Succeeded))
            {
                end.Restore(result);
            }

            return result;
        }).ToList();
        lock (gate)
        {
            this.jobs.AddRange(results);
        }

        var open = results.Where(result => !IsFinal(result.State)).ToList();
        foreach (var result in open)
        {
            JobMetrics.Move(BackendName, null, JobState.Queued);
            result.Registry = registry;
            result.OnEnded = ended;
        }

        Report();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposal.Token);
        try
        {
            await RunCoreAsync(open, registry, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            FinishUnfinished(open, JobState.Cancelled, CancelledBecause);
            throw new JobsCancelledException(results, cancellationToken);
        }
        catch
        {
            FinishUnfinished(open, JobState.Cancelled, "the run failed before the job ended");
            throw;
        }

        return results;
    }

    /// <summary>
    /// Runs a job per item (as <see cref="RunAllAsync"/> does) and hands each item and its result to
    /// <paramref name="ended"/> as soon as the job ends: the loop that started a process per item, waited for it and
    /// looked at its exit code, with bounded slots. <paramref name="ended"/> is called once per item, one call at a
    /// time, in the order the jobs end, and the call returns when every item was handed over. When
    /// <paramref name="ended"/> throws for some items, the others still run and are handed over; the exceptions then
    /// come together, as from <c>Parallel.ForEach</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="job"/> returned null for an item.</exception>
    /// <exception cref="JobDoesNotFitException">An item's job needs more cores than the backend gives a job; nothing was started.</exception>
    /// <exception cref="AggregateException">What <paramref name="ended"/> threw, for every item where it threw.</exception>
    /// <exception cref="JobsCancelledException"><paramref name="cancellationToken"/> was cancelled; nothing is left running.</exception>
    /// <exception cref="JobSchedulerException">The scheduler is missing, down or refused the jobs.</exception>
    public Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Job> job, Action<T, JobResult> ended, CancellationToken cancellationToken = default)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        if (job is null)
        {
            throw new ArgumentNullException(nameof(job));
        }

        if (ended is null)
        {
            throw new ArgumentNullException(nameof(ended));
        }

        return HandEachAsync(items.ToList(), job, ended, cancellationToken);
    }

    private async Task HandEachAsync<T>(List<T> list, Func<T, Job> job, Action<T, JobResult> ended, CancellationToken cancellationToken)
    {
        var jobs = list.Select(item => job(item) ?? throw new ArgumentException("The job of an item is null.", nameof(job))).ToList();
        var errors = new List<Exception>();
        await foreach (var result in RunEachAsync(jobs, cancellationToken).ConfigureAwait(false))
        {
            if (result.State == JobState.Cancelled && cancellationToken.IsCancellationRequested)
            {
                // Stopped by the caller: the enumeration ends with JobsCancelledException, as RunAllAsync does.
                continue;
            }

            try
            {
                ended(list[result.Index], result);
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }

        if (errors.Count > 0)
        {
            throw new AggregateException(errors);
        }
    }

    /// <summary>A snapshot of every job of this executor and of the slots, like <c>qstat -f</c>.</summary>
    public JobStatus Status()
    {
        lock (gate)
        {
            var (total, used) = Slots();
            return new JobStatus(Backend, total, used, jobs.ToList());
        }
    }

    /// <summary>
    /// Writes data that every job needs once, into a directory only the current user may read, and returns the
    /// file's path to hand to each job (instead of sending the data to every job).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a plain file name, or <paramref name="data"/> is null.</exception>
    public string Stage(string name, byte[] data)
    {
        if (string.IsNullOrEmpty(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a plain file name.", nameof(name));
        }

        if (data is null)
        {
            throw new ArgumentException("Pass the data to stage.", nameof(data));
        }

        // A directory per call: two call sites staging the same name (on the shared executor) never overwrite each other.
        ThrowIfDisposed();
        var staged = PrivateFiles.CreateDirectory(Path.Combine(WorkDirectory(), "staged"));
        var path = Path.Combine(PrivateFiles.CreateDirectory(Path.Combine(staged, Interlocked.Increment(ref runs).ToString(CultureInfo.InvariantCulture))), name);
        PrivateFiles.WriteAllBytes(path, data);
        return path;
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) once for every job; see <see cref="Stage(string, byte[])"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a plain file name, or <paramref name="text"/> is null.</exception>
    public string Stage(string name, string text) =>
        Stage(name, text is null ? throw new ArgumentException("Pass the text to stage.", nameof(text)) : new UTF8Encoding(false).GetBytes(text));

    /// <summary>
    /// Stops every run still going (their jobs end <see cref="JobState.Cancelled"/> and their calls throw
    /// <see cref="JobsCancelledException"/>), waits until nothing of them is queued or running, and removes the work
    /// directory the executor created under the temporary folder, unless <see cref="JobExecutorOptions.KeepWorkDirectory"/>
    /// is set. A <see cref="JobExecutorOptions.WorkDirectory"/> given in the options is the caller's and stays. Does
    /// nothing for <see cref="Shared"/>, and nothing the second time.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Task ended;
        lock (gate)
        {
            if (isShared || isDisposed)
            {
                return;
            }

            isDisposed = true;
            ended = active == 0 ? Task.CompletedTask : (drained = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        disposal.Cancel();
        await ended.ConfigureAwait(false);
        DeleteOwnWorkDirectory();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Runs <paramref name="results"/>' jobs until each is final, going on from where <paramref name="registry"/> says
    /// an earlier process left them; throws <see cref="OperationCanceledException"/> on cancellation.
    /// </summary>
    private protected abstract Task RunCoreAsync(IReadOnlyList<JobResult> results, RunRegistry registry, CancellationToken cancellationToken);

    /// <summary>The most cores one job can get, or null when that cannot be known now (the scheduler does not answer).</summary>
    private protected abstract Task<SlotLimit?> LargestJobAsync(CancellationToken cancellationToken);

    /// <summary>Slots (cores) in total and in use, as far as known now.</summary>
    private protected abstract (int? Total, int? Used) Slots();

    /// <summary>Moves a job to <paramref name="state"/>, keeping the metrics and the progress callback in step.</summary>
    private protected void Transition(JobResult result, JobState state, string? detail = null)
    {
        JobState from;
        lock (gate)
        {
            from = result.State;
            if (from == state || IsFinal(from))
            {
                return;
            }

            result.State = state;
            if (detail is not null)
            {
                result.Detail = detail;
            }
        }

        if (IsFinal(state))
        {
            result.Registry?.Ended(result.Index, result);
        }

        JobMetrics.Move(BackendName, from, state);
        Report();
        if (IsFinal(state))
        {
            result.OnEnded?.Invoke(result);
        }
    }

    private protected static bool IsFinal(JobState state) => state > JobState.Running;

    /// <summary>A cancelled job's detail: its run's token, or the executor's disposal.</summary>
    private protected string CancelledBecause => disposal.IsCancellationRequested ? "the executor was disposed" : "the run was cancelled";

    internal static string FileStem(int index, Job job)
    {
        var name = new string(job.DisplayName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return index.ToString("D4", CultureInfo.InvariantCulture) + "-" + (name.Length > 40 ? name.Substring(0, 40) : name);
    }

    /// <summary>
    /// Refuses the whole run when a job can never get its cores: submitted, it would wait forever (SGE <c>qw</c>,
    /// Slurm <c>PD (PartitionConfig)</c>) and hold up the run. A one-core job fits any slot, so only wider runs ask.
    /// </summary>
    private async Task RefuseWhatCannotFitAsync(List<Job> list, CancellationToken cancellationToken)
    {
        if (list.Count == 0 || list.Max(job => job.Cores) <= 1 || await LargestJobAsync(cancellationToken).ConfigureAwait(false) is not { } limit)
        {
            return;
        }

        var wide = list.Where(job => job.Cores > limit.Cores).ToList();
        if (wide.Count == 0)
        {
            return;
        }

        var widest = wide.OrderByDescending(job => job.Cores).First();
        var others = wide.Count > 1 ? FormattableString.Invariant($" (and {wide.Count - 1} more)") : "";
        throw new JobDoesNotFitException(
            FormattableString.Invariant(
                $"Job '{widest.DisplayName}'{others} needs {widest.Cores} cores, but {BackendName} gives one job at most {limit.Cores}: {limit.Source}. ") +
            FormattableString.Invariant(
                $"Nothing was {(Backend == JobBackend.Local ? "started" : "submitted")}: lower Job.Cores to {limit.Cores} or less, {limit.Remedy}."),
            widest,
            limit.Cores);
    }

    private void FinishUnfinished(IEnumerable<JobResult> results, JobState state, string detail)
    {
        foreach (var result in results.Where(r => !IsFinal(r.State)))
        {
            result.Ended ??= DateTimeOffset.Now;
            Transition(result, state, detail);
        }
    }

    private void Report() => Options.Progress?.Report(Status());

    private void Enter()
    {
        lock (gate)
        {
            ThrowIfDisposed();
            active++;
        }
    }

    private void Leave()
    {
        lock (gate)
        {
            if (--active == 0)
            {
                drained?.TrySetResult(true);
            }
        }
    }

    private void ThrowIfDisposed()
    {
        if (isDisposed)
        {
            throw new ObjectDisposedException(nameof(JobExecutor), "The job executor was disposed: create a new one for more runs.");
        }
    }

    /// <summary>Removes the temporary work directory this executor made; a directory the caller named is left.</summary>
    private void DeleteOwnWorkDirectory()
    {
        string? own;
        lock (gate)
        {
            own = Options.WorkDirectory is null && !Options.KeepWorkDirectory ? workDirectory : null;
            workDirectory = null;
        }

        if (own is not null && Directory.Exists(own))
        {
            try
            {
                Directory.Delete(own, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file held open elsewhere (Windows) or made read-only by a job: the folder is temporary, leave it.
            }
        }
    }

    /// <summary>
    /// A grid runs its jobs on execution hosts that must see the run's files: a folder this executor made under the
    /// local temporary folder would be seen by this host only, so a grid needs the caller to name one.
    /// </summary>
    private static JobExecutorOptions SharedWorkDirectory(JobExecutorOptions? options, string grid) =>
        options?.WorkDirectory is { Length: > 0 }
            ? options
            : throw new ArgumentException(
                $"{grid} runs each job on an execution host, which must see the run's files: set JobExecutorOptions.WorkDirectory " +
                "to a directory the hosts share (for example under your home directory). The default, a folder under this " +
                $"machine's temporary folder ({Path.GetTempPath()}), is seen by this host only.",
                nameof(options));

    private string WorkDirectory()
    {
        lock (gate)
        {
            return workDirectory ??= PrivateFiles.CreateDirectory(
                Options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "parallellint-jobs-" + Guid.NewGuid().ToString("N").Substring(0, 12)));
        }
    }
}

/// <summary>Where a <see cref="JobExecutor"/> runs its jobs.</summary>
public enum JobBackend
{
    /// <summary>Child processes on this machine (<see cref="JobExecutor.Local"/>).</summary>
    Local,

    /// <summary>Sun/Son of Grid Engine (<see cref="JobExecutor.Sge"/>).</summary>
    Sge,

    /// <summary>Slurm (<see cref="JobExecutor.Slurm"/>).</summary>
    Slurm,
}

/// <summary>A run was cancelled: every job still queued or running was stopped; <see cref="Results"/> has every job's end.</summary>
public sealed class JobsCancelledException : OperationCanceledException
{
    internal JobsCancelledException(IReadOnlyList<JobResult> results, CancellationToken token)
        : base("The job run was cancelled; jobs still queued or running were stopped.", token) => Results = results;

    /// <summary>Every job of the run, in the order given, each in its final state.</summary>
    public IReadOnlyList<JobResult> Results { get; }
}

/// <summary>The scheduler could not be used: its command is missing, its daemon is down, or it refused a job.</summary>
public sealed class JobSchedulerException : Exception
{
    internal JobSchedulerException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
