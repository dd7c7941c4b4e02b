using System.Globalization;
using System.Text;

namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// Jobs on a grid scheduler. Jobs with the same cores and time limit go out as one array job; each task runs the
/// launcher script, which reads its command from NUL-separated files (no shell ever parses an argument) and
/// leaves marker files saying when and where it started and how it ended. Status is polled in one scheduler call
/// per round for every job, with back-off; a job gone from the queue without a marker is asked of accounting and
/// is <see cref="JobState.Lost"/> only when neither says how it ended.
/// </summary>
internal sealed class GridJobExecutor : JobExecutor
{
    private static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(30);

    private readonly Scheduler scheduler;
    private (int Total, int Used)? slots;
    private SlotLimit? limit;

    public GridJobExecutor(Scheduler scheduler, JobExecutorOptions? options)
        : base(scheduler.Name, options) => this.scheduler = scheduler;

    private protected override (int? Total, int? Used) Slots() => (slots?.Total, slots?.Used);

    // Asked once per executor; not remembered while the scheduler does not answer.
    private protected override async Task<SlotLimit?> LargestJobAsync(CancellationToken cancellationToken) =>
        limit ??= await scheduler.LargestJobAsync(cancellationToken).ConfigureAwait(false);

    private protected override async Task RunCoreAsync(IReadOnlyList<JobResult> results, RunRegistry registry, CancellationToken cancellationToken)
    {
        var launcher = WriteLauncher(registry.Directory);
        var tasks = new List<GridTask>();
        var submitted = new Submitted();
        using var exit = ExitCleanup.Register(why => CancelAtExit(submitted, tasks, why));
        try
        {
            var fresh = new List<(JobResult Result, int Attempt)>();
            var unanswered = new Dictionary<SubmissionRecord, List<JobResult>>();
            var doubled = new Dictionary<string, string>(StringComparer.Ordinal); // folder -> the array submitted again
            foreach (var result in results)
            {
                if (registry.SubmissionOf(result.Index) is not { } record)
                {
                    fresh.Add((result, result.Attempts + 1));
                }
                else if (record.Id is { } id)
                {
                    // Submitted by a process that died: watched again from where it is (its markers tell).
                    Track(result, Submission(registry, record, launcher), id, record.TaskOf(result.Index), record.Attempt, record.LaunchShare, tasks, submitted);
                    lock (submitted)
                    {
                        submitted.Ids.Add(id);
                    }
                }
                else if (unanswered.TryGetValue(record, out var members))
                {
                    members.Add(result);
                }
                else
                {
                    unanswered[record] = new List<JobResult> { result };
                }
            }

            foreach (var pair in unanswered)
            {
                // The process died while the scheduler took the array: it may have been queued. Submitted again from the
                // same folder, each task runs once all the same, because the launcher claims its task before it runs it.
                var submission = Submission(registry, pair.Key, launcher);
                var submitting = System.Diagnostics.Stopwatch.StartNew();
                var id = await SubmitWithRetriesAsync(submission, submitted, cancellationToken).ConfigureAwait(false);
                var share = TimeSpan.FromTicks(submitting.Elapsed.Ticks / pair.Key.Jobs.Count);
                registry.Submitted(pair.Key.Number, id, share);
                doubled[submission.Directory] = id;
                foreach (var result in pair.Value)
                {
                    Track(result, submission, id, pair.Key.TaskOf(result.Index), pair.Key.Attempt, share, tasks, submitted);
                }
            }

            await SubmitAsync(fresh, registry, launcher, tasks, submitted, cancellationToken).ConfigureAwait(false);
            await PollAsync(tasks, registry, launcher, submitted, cancellationToken).ConfigureAwait(false);
            await DeleteLeftoverArraysAsync(tasks, doubled, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or JobSchedulerException or IOException)
        {
            // Nothing stays queued or running behind a cancelled or failed run.
            await CancelAsync(tasks).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Deletes what is left of a folder submitted twice (see above) once all its tasks ended: the tasks of the array
    /// that lost each claim would only start to find the work done. The other array is known by the tasks it ran.
    /// </summary>
    private async Task DeleteLeftoverArraysAsync(List<GridTask> tasks, Dictionary<string, string> doubled, CancellationToken cancellationToken)
    {
        var ids = doubled.Values.Concat(tasks.Where(task => doubled.ContainsKey(task.Submission.Directory)).Select(task => task.JobId)).Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var active = await scheduler.ActiveAsync(cancellationToken).ConfigureAwait(false);
        var leftovers = ids.Where(active.Contains).ToList();
        if (leftovers.Count > 0)
        {
            await scheduler.CancelAsync(leftovers).ConfigureAwait(false);
        }
    }

    /// <summary>The launcher in the run's directory: replaced by renaming, never rewritten under a task that runs it.</summary>
    private static string WriteLauncher(string directory)
    {
        var path = Path.Combine(directory, "launch.sh");
        var content = new UTF8Encoding(false).GetBytes(Launcher.Replace("\r", ""));
        if (File.Exists(path) && File.ReadAllBytes(path).SequenceEqual(content))
        {
            return path;
        }

        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        PrivateFiles.WriteAllBytes(temporary, content);
        if (File.Exists(path))
        {
            File.Replace(temporary, path, null);
        }
        else
        {
            File.Move(temporary, path);
        }

        return path;
    }

    /// <summary>A submission of the journal, as it was made: its folder, and what its jobs ask for.</summary>
    private GridSubmission Submission(RunRegistry registry, SubmissionRecord record, string launcher)
    {
        var job = registry.Jobs[record.Jobs[0]];
        return new GridSubmission(Path.Combine(registry.Directory, record.Folder), launcher, record.Jobs.Count, job, record.Attempt, Options);
    }

    private void Track(JobResult result, GridSubmission submission, string id, int number, int attempt, TimeSpan? launch, List<GridTask> tasks, Submitted submitted)
    {
        var task = new GridTask(result, submission, id, number, attempt);
        result.Attempts = attempt;
        result.LaunchDuration = launch;
        result.CpuTime = null;
        result.PeakMemoryBytes = null;
        result.Id = scheduler.TaskId(id, number);
        result.StandardOutputPath = task.File("out");
        result.StandardErrorPath = task.File("err");
        result.Started = result.Ended = null;
        result.Host = null;
        result.ExitCode = null;
        lock (submitted)
        {
            tasks.Add(task);
        }
    }

    /// <summary>
    /// The process is ending with the run going: deletes its jobs that are not known to have ended, after waiting
    /// (briefly) for a submission under way, whose job would otherwise escape.
    /// </summary>
    private void CancelAtExit(Submitted submitted, List<GridTask> tasks, string why)
    {
        List<string> ids;
        lock (submitted)
        {
            submitted.Exiting = why;
            var deadline = DateTimeOffset.Now + TimeSpan.FromSeconds(10);
            while (submitted.InFlight > 0 && DateTimeOffset.Now < deadline)
            {
                Monitor.Wait(submitted, TimeSpan.FromMilliseconds(100));
            }

            var ended = new HashSet<string>(
                tasks.GroupBy(task => task.JobId).Where(job => job.All(task => task.Done && !task.AwaitsRetry)).Select(job => job.Key),
                StringComparer.Ordinal);
            ids = submitted.Ids.Where(id => !ended.Contains(id)).ToList();
        }

        // Bounded: a scheduler that does not answer must not keep the process from ending.
        if (ids.Count > 0)
        {
            scheduler.CancelAsync(ids).Wait(TimeSpan.FromSeconds(15));
        }
    }

    private async Task SubmitAsync(List<(JobResult Result, int Attempt)> jobs, RunRegistry registry, string launcher, List<GridTask> tasks, Submitted submitted, CancellationToken cancellationToken)
    {
        foreach (var group in jobs.GroupBy(job => (GridSubmission.Resources(job.Result.Job), job.Attempt)))
        {
            var members = group.ToList();
            var attempt = group.Key.Attempt;
            var number = registry.NextSubmission();

            // The parent's work for these jobs: their task files and the submission call, shared out evenly.
            var submitting = System.Diagnostics.Stopwatch.StartNew();
            var folder = PrivateFiles.CreateDirectory(Path.Combine(registry.Directory, "submission-" + number.ToString(CultureInfo.InvariantCulture)));
            for (var i = 0; i < members.Count; i++)
            {
                WriteTask(folder, i + 1, members[i].Result.Job);
            }

            // Journalled once its task files are complete and before the scheduler has it: a kill now is resumed from the folder.
            registry.Submitting(number, attempt, members.Select(member => member.Result.Index).ToList());
            var submission = new GridSubmission(folder, launcher, members.Count, members[0].Result.Job, attempt, Options);
            var id = await SubmitWithRetriesAsync(submission, submitted, cancellationToken).ConfigureAwait(false);
            var share = TimeSpan.FromTicks(submitting.Elapsed.Ticks / members.Count);
            registry.Submitted(number, id, share);
            for (var i = 0; i < members.Count; i++)
            {
                Track(members[i].Result, submission, id, i + 1, attempt, share, tasks, submitted);
            }
        }
    }

    private async Task<string> SubmitWithRetriesAsync(GridSubmission submission, Submitted submitted, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.Now + Options.Grid.SubmitRetryTime;
        var wait = TimeSpan.FromSeconds(1);
        while (true)
        {
            lock (submitted)
            {
                if (submitted.Exiting is { } why)
                {
                    throw new OperationCanceledException($"The process got {why}: its jobs were deleted and no more are submitted.");
                }

                submitted.InFlight++;
            }

            string? id = null;
            SchedulerCommand.Output output;
            try
            {
                (id, output) = await scheduler.SubmitAsync(submission, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // The id is known to the exit handler before it stops waiting for this submission.
                lock (submitted)
                {
                    submitted.InFlight--;
                    if (id is not null)
                    {
                        submitted.Ids.Add(id);
                    }

                    Monitor.PulseAll(submitted);
                }
            }

            if (id is not null)
            {
                return id;
            }

            if (!SchedulerCommand.IsTemporary(output) || DateTimeOffset.Now + wait > deadline)
            {
                throw new JobSchedulerException(
                    $"{scheduler.Name} refused the jobs{(SchedulerCommand.IsTemporary(output) ? $" for {Options.Grid.SubmitRetryTime.TotalSeconds:0} s" : "")}: " +
                    $"{output.Command.Split(' ')[0]} exited with {output.ExitCode}: {output.Error} (the command, to try by hand: {output.Command})");
            }

            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    private async Task PollAsync(List<GridTask> tasks, RunRegistry registry, string launcher, Submitted submitted, CancellationToken cancellationToken)
    {
        // Markers are files, cheap to read: they are read every round, sooner again after a change. The scheduler is
        // asked on a back-off of its own, restarted only by a submission: jobs ending all the time must not turn into
        // a qstat per round (about one end every half second kept the shared back-off at its shortest).
        var interval = Options.Grid.PollInterval;
        var queueInterval = Options.Grid.PollInterval;
        var nextQueueCall = DateTimeOffset.MinValue;
        DateTimeOffset? unreachableSince = null;
        while (tasks.Any(task => !task.Done))
        {
            var changed = ReadMarkers(tasks);
            var open = tasks.Where(task => !task.Done).ToList();
            if (open.Count > 0 && DateTimeOffset.Now >= nextQueueCall)
            {
                nextQueueCall = DateTimeOffset.Now + queueInterval;
                queueInterval = TimeSpan.FromTicks(Math.Min(queueInterval.Ticks * 2, Options.Grid.MaxPollInterval.Ticks));
                HashSet<string> active;
                try
                {
                    active = await scheduler.ActiveAsync(cancellationToken).ConfigureAwait(false);
                    var known = slots;
                    slots = await scheduler.SlotsAsync(cancellationToken).ConfigureAwait(false) ?? slots;
                    if (slots?.Total != known?.Total)
                    {
                        registry.Watching(slots?.Total);
                    }
                    unreachableSince = null;
                }
                catch (JobSchedulerException) when ((unreachableSince ??= DateTimeOffset.Now) + Options.Grid.SubmitRetryTime > DateTimeOffset.Now)
                {
                    // The scheduler may be restarting: the jobs go on meanwhile, and their markers still count.
                    active = new HashSet<string>(open.Select(task => task.JobId));
                }

                changed |= await SettleGoneAsync(open.Where(task => !active.Contains(task.JobId)).ToList(), active, cancellationToken).ConfigureAwait(false);
            }

            var retries = tasks.Where(task => task.AwaitsRetry).ToList();
            foreach (var task in retries)
            {
                task.AwaitsRetry = false;
                if (task.Result.State == JobState.Running)
                {
                    Transition(task.Result, JobState.Queued);
                }
            }

            if (retries.Count > 0)
            {
                (queueInterval, nextQueueCall) = (Options.Grid.PollInterval, DateTimeOffset.MinValue);
                await SubmitAsync(retries.Select(task => (task.Result, task.Attempt + 1)).ToList(), registry, launcher, tasks, submitted, cancellationToken).ConfigureAwait(false);
            }

            if (tasks.All(task => task.Done))
            {
                break;
            }

            interval = changed || retries.Count > 0 ? Options.Grid.PollInterval : TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, Options.Grid.MaxPollInterval.Ticks));
            var untilQueueCall = nextQueueCall - DateTimeOffset.Now;
            await Task.Delay(untilQueueCall > TimeSpan.Zero && untilQueueCall < interval ? untilQueueCall : interval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the launcher's markers: started (host, time) and ended (exit code, time). Each submission directory is
    /// listed once, and only markers that exist are read.
    /// </summary>
    private bool ReadMarkers(IEnumerable<GridTask> tasks)
    {
        var changed = false;
        foreach (var submission in tasks.Where(task => !task.Done).GroupBy(task => task.Submission))
        {
            var present = new HashSet<string>(ListFiles(submission.Key.Directory), StringComparer.Ordinal);
            foreach (var task in submission)
            {
                var result = task.Result;
                if (result.State == JobState.Queued && present.Contains(task.FileName("start")) && RunMarkers.Read(task.File("start")) is { } start)
                {
                    if (start.Third is { Length: > 0 } runner && runner != task.JobId)
                    {
                        // Another array of the same folder claimed the task first: that one's state is the task's.
                        task.JobId = runner;
                        result.Id = scheduler.TaskId(runner, task.Number);
                    }

                    result.Host = start.First;
                    result.Started = start.Time;
                    Transition(result, JobState.Running);
                    changed = true;
                }

                if (present.Contains(task.FileName("exit")) && RunMarkers.Read(task.File("exit")) is { } exit && RunMarkers.ParseCode(exit.First) is { } code)
                {
                    result.Ended = exit.Time;
                    result.CpuTime = RunMarkers.MarkerCpu(exit.Third);
                    result.PeakMemoryBytes = RunMarkers.MarkerPeak(exit.Fourth);
                    Finish(task, RunMarkers.GridOutcome(result, code), code);
                    changed = true;
                }
            }
        }

        return changed;
    }

    /// <summary>The file names in a submission directory; a directory removed under a running run ends it clearly.</summary>
    private static IEnumerable<string> ListFiles(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory).Select(path => Path.GetFileName(path)).ToList();
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DirectoryNotFoundException($"the run's directory {directory} was removed while its jobs ran: they cannot report how they end, so the run stops and cancels them", e);
        }
    }

    /// <summary>Tasks whose job left the queue: a late marker, else accounting, else lost once that has lasted a while.</summary>
    private async Task<bool> SettleGoneAsync(List<GridTask> gone, HashSet<string> active, CancellationToken cancellationToken)
    {
        // A marker may name the array that really runs the task (see RunCoreAsync): that one may still be queued.
        var changed = ReadMarkers(gone);
        foreach (var job in gone.Where(task => !task.Done && !active.Contains(task.JobId)).GroupBy(task => task.JobId))
        {
            var records = await scheduler.AccountingAsync(job.Key, cancellationToken).ConfigureAwait(false);
            foreach (var task in job)
            {
                if (records.TryGetValue(task.Number, out var record))
                {
                    task.Result.Host ??= record.Host;
                    task.Result.Ended ??= DateTimeOffset.Now;
                    Finish(task, (record.State, record.Detail), record.ExitCode);
                    changed = true;
                }
                else if ((task.GoneSince ??= DateTimeOffset.Now) + LostAfter < DateTimeOffset.Now)
                {
                    Finish(task, (JobState.Lost, $"gone from the {scheduler.Name} queue with neither an accounting record nor an exit marker"), null);
                    changed = true;
                }
            }
        }

        return changed;
    }

    private void Finish(GridTask task, (JobState State, string? Detail) outcome, int? exitCode)
    {
        // A SIGKILL may be the scheduler enforcing memory: its log tells.
        if (outcome.State == JobState.Failed && exitCode == 137 && scheduler.OutOfMemoryKill(task.Submission, task.Number) is { } kill)
        {
            outcome = (JobState.OutOfMemory, $"{scheduler.Name} killed it for its memory" +
                (task.Submission.MemoryMegabytes is { } megabytes ? FormattableString.Invariant($" ({megabytes} MiB asked)") : "") + ": " + kill);
        }

        task.Done = true;
        task.Outcome = outcome;
        task.Result.ExitCode = exitCode;
        if (IsRetriable(outcome.State) && task.Attempt < Options.MaxAttempts)
        {
            // The job stays open: the next round resubmits it.
            task.AwaitsRetry = true;
            task.Result.Detail = outcome.Detail + "; retrying" +
                (outcome.State == JobState.OutOfMemory && GridSubmission.Memory(task.Result.Job, task.Attempt + 1, Options) is { } more
                    ? FormattableString.Invariant($" with {more} MiB")
                    : "");
            return;
        }

        Transition(task.Result, outcome.State, outcome.Detail);
    }

    // Out of memory again with the same memory is certain; with more it is worth an attempt.
    private bool IsRetriable(JobState state) =>
        state is JobState.Failed or JobState.TimedOut or JobState.Lost || (state == JobState.OutOfMemory && Options.MemoryGrowthPerAttempt > 1);

    private async Task CancelAsync(List<GridTask> tasks)
    {
        var open = tasks.Where(task => !task.Done).ToList();
        var ids = open.Select(task => task.JobId).Distinct().ToList();
        if (ids.Count > 0)
        {
            await scheduler.CancelAsync(ids).ConfigureAwait(false);
            await WaitUntilGoneAsync(ids).ConfigureAwait(false);

            // Jobs that ended just before the cancellation keep their real end (none can, if their directory is gone).
            try
            {
                ReadMarkers(open);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }

        foreach (var task in tasks)
        {
            if (!task.Done)
            {
                task.Done = true;
                task.Result.Ended ??= DateTimeOffset.Now;
                Transition(task.Result, JobState.Cancelled, CancelledBecause);
            }
            else if (task.AwaitsRetry)
            {
                // A failure waiting for its retry ends as it failed: the retry will not come.
                task.AwaitsRetry = false;
                Transition(task.Result, task.Outcome.State, task.Outcome.Detail);
            }
        }
    }

    /// <summary>Waits (bounded) until the scheduler has really let go of <paramref name="ids"/>, so that nothing runs after a run returns.</summary>
    private async Task WaitUntilGoneAsync(List<string> ids)
    {
        var deadline = DateTimeOffset.Now + TimeSpan.FromSeconds(60);
        DateTimeOffset? unanswered = null;
        while (DateTimeOffset.Now < deadline)
        {
            try
            {
                if (!(await scheduler.ActiveAsync(CancellationToken.None).ConfigureAwait(false)).Overlaps(ids))
                {
                    return;
                }

                unanswered = null;
            }
            catch (JobSchedulerException)
            {
                // A busy daemon misses a status call now and then (more so while it deletes): ask again, but not
                // for long when it is down for good, as nothing more can be known and the deletion was asked for.
                unanswered ??= DateTimeOffset.Now;
                if (DateTimeOffset.Now - unanswered > TimeSpan.FromSeconds(10))
                {
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
        }
    }

    private static void WriteTask(string folder, int number, Job job)
    {
        // NUL-separated: any byte but NUL, newlines included, passes through unchanged.
        var limit = job.TimeLimit is { } timeLimit ? ((int)Math.Ceiling(timeLimit.TotalSeconds)).ToString(CultureInfo.InvariantCulture) : "";
        var command = new[] { limit, job.WorkingDirectory ?? Directory.GetCurrentDirectory(), job.Executable }.Concat(job.Arguments);
        var utf8 = new UTF8Encoding(false);
        var stem = Path.Combine(folder, number.ToString(CultureInfo.InvariantCulture));
        PrivateFiles.WriteAllBytes(stem + ".args", utf8.GetBytes(string.Concat(command.Select(part => part + "\0"))));
        PrivateFiles.WriteAllBytes(stem + ".env", utf8.GetBytes(string.Concat(job.ChildEnvironment().Select(pair => pair.Key + "=" + pair.Value + "\0"))));
    }

    /// <summary>
    /// Runs task N (the array index the scheduler gives) of the submission directory passed as $1: the command
    /// from N.args, the variables of N.env, output to N.out and N.err, markers N.start and N.exit.
    /// </summary>
    private const string Launcher = """
        #!/bin/bash
        # ParallelLint job launcher: one array task from its NUL-separated files; no argument is parsed by a shell.
        dir=$1
        task=${SGE_TASK_ID:-${SLURM_ARRAY_TASK_ID:-1}}
        [[ $task =~ ^[0-9]+$ ]] || task=1
        mapfile -d '' -t spec < "$dir/$task.args" || exit 120
        while IFS= read -r -d '' pair; do export "$pair"; done < "$dir/$task.env"
        if [ -n "${SGE_TASK_ID:-}" ]; then array=${JOB_ID:-}; else array=${SLURM_ARRAY_JOB_ID:-}; fi
        # The start marker is the task's claim, linked in whole: a task submitted twice (its parent died while the
        # scheduler took it) runs once, and the marker names the array that runs it.
        mine="$dir/$task.start.$(hostname).$$"
        printf '%s %s %s\n' "$(hostname)" "$(date +%s.%N)" "$array" > "$mine" || exit 121
        ln "$mine" "$dir/$task.start" 2> /dev/null; claimed=$?
        rm -f "$mine"
        [ "$claimed" = 0 ] || exit 0
        # The peak of the sums of VmHWM (kB, a high-water mark that holds between samples) of $1's descendants.
        peak=
        sample() {
          local stack=("$1") kb=0 found= p t kids key value rest
          while ((${#stack[@]})); do
            p=${stack[-1]}; unset 'stack[-1]'
            for t in /proc/"$p"/task/*/children; do
              kids=(); read -r -a kids 2> /dev/null < "$t"; stack+=("${kids[@]}")
            done
            [ "$p" = "$1" ] && continue
            while read -r key value rest; do
              [ "$key" = VmHWM: ] && { kb=$((kb + value)); found=1; break; }
            done 2> /dev/null < "/proc/$p/status"
          done
          [ -n "$found" ] && ((kb > ${peak:-0})) && peak=$kb
          return 0
        }
        cpu=
        if cd -- "${spec[1]}"; then
          run=("${spec[@]:2}")
          [ -z "${spec[0]}" ] || run=(timeout --kill-after=5 "${spec[0]}" "${run[@]}")
          # bash's time keyword: the user and system CPU of the command and every process it waited for.
          TIMEFORMAT='%3U %3S'
          if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 403)) && [ -d /proc/self/task ]; then
            # In the background, sampled after pauses that grow to a second; wait -n returns at the command's end.
            # Its code goes through a file: which child a wait -n reports is not reliable when both ended.
            { { time "${run[@]}" < /dev/null > "$dir/$task.out" 2> "$dir/$task.err"; } 2> "$dir/$task.cpu"; echo "$?" > "$dir/$task.code"; } &
            job=$! pauses=(0.05 0.1 0.2 0.4 0.8) next=0
            while kill -0 "$job" 2> /dev/null; do
              sleep "${pauses[next++]:-1}" & pause=$!
              wait -n
              kill "$pause" 2> /dev/null; wait "$pause" 2> /dev/null
              sample "$job"
            done
            wait "$job"; code=$?
            read -r code < "$dir/$task.code" 2> /dev/null
          else
            { time "${run[@]}" < /dev/null > "$dir/$task.out" 2> "$dir/$task.err"; } 2> "$dir/$task.cpu"
            code=$?
          fi
          read -r user system < "$dir/$task.cpu"
          [[ $user$system =~ ^[0-9]+\.[0-9]{3}[0-9]+\.[0-9]{3}$ ]] && cpu=$(( 10#${user/./} + 10#${system/./} ))
        else
          code=126
        fi
        # Fields after the code and time: CPU milliseconds and peak memory kB, "-" when unknown.
        printf '%s %s %s %s\n' "$code" "$(date +%s.%N)" "${cpu:--}" "${peak:--}" > "$dir/$task.exit.tmp" && mv -f "$dir/$task.exit.tmp" "$dir/$task.exit"
        exit "$code"

        """;

    /// <summary>A run's job ids and submissions under way, shared with the exit handler under its lock.</summary>
    private sealed class Submitted
    {
        public List<string> Ids { get; } = new();
        public int InFlight { get; set; }
        public string? Exiting { get; set; }
    }

    private sealed class GridTask
    {
        public GridTask(JobResult result, GridSubmission submission, string jobId, int number, int attempt)
        {
            Result = result;
            Submission = submission;
            JobId = jobId;
            Number = number;
            Attempt = attempt;
        }

        public JobResult Result { get; }
        public GridSubmission Submission { get; }
        /// <summary>The array that runs the task: the one submitted for it, or one that claimed it first.</summary>
        public string JobId { get; set; }
        public int Number { get; }
        public int Attempt { get; }
        /// <summary>This attempt has ended (<see cref="Outcome"/>); the job itself may still await a retry.</summary>
        public bool Done { get; set; }

        public (JobState State, string? Detail) Outcome { get; set; }

        public bool AwaitsRetry { get; set; }
        public DateTimeOffset? GoneSince { get; set; }

        public string FileName(string kind) => Number.ToString(CultureInfo.InvariantCulture) + "." + kind;

        public string File(string kind) => Path.Combine(Submission.Directory, FileName(kind));
    }
}
