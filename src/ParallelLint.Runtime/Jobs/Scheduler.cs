using System.Globalization;

namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// One array job: tasks 1..<see cref="Count"/> of a directory of task files, run by the launcher, all asking for the
/// resources of the job they are like (see <see cref="Resources"/>) at one attempt, which sets their memory.
/// </summary>
internal sealed class GridSubmission
{
    public GridSubmission(string directory, string launcher, int count, Job like, int attempt, JobExecutorOptions options)
    {
        (Cores, TimeLimit, _, Gpus) = Resources(like);
        MemoryMegabytes = Memory(like, attempt, options);
        Name = like.DisplayName;
        Directory = directory;
        Launcher = launcher;
        Count = count;
        MaxActive = options.MaxActive;
    }

    public string Directory { get; }
    public string Launcher { get; }
    public int Count { get; }
    public int Cores { get; }
    public TimeSpan? TimeLimit { get; }
    public int? MemoryMegabytes { get; }
    public int Gpus { get; }
    public string Name { get; }
    public int? MaxActive { get; }

    /// <summary>What the jobs of one array must share, with the attempt: everything the scheduler is asked for per task.</summary>
    public static (int Cores, TimeSpan? TimeLimit, int? MemoryMegabytes, int Gpus) Resources(Job job) =>
        (job.Cores, job.TimeLimit, job.MemoryMegabytes, job.Gpus);

    /// <summary>The memory attempt <paramref name="attempt"/> of <paramref name="job"/> asks for (see <see cref="JobExecutorOptions.MemoryGrowthPerAttempt"/>).</summary>
    public static int? Memory(Job job, int attempt, JobExecutorOptions options) =>
        job.MemoryMegabytes is { } megabytes
            ? (int)Math.Min(int.MaxValue, Math.Ceiling(megabytes * Math.Pow(options.MemoryGrowthPerAttempt, attempt - 1)))
            : null;

    /// <summary>The scheduler's own limit: the launcher stops the job at its limit, the scheduler a minute later as a backstop.</summary>
    public int? TimeLimitSeconds => TimeLimit is { } limit ? (int)Math.Ceiling(limit.TotalSeconds) + 60 : null;
}

/// <summary>How accounting says a task ended.</summary>
internal sealed class TaskAccounting
{
    public TaskAccounting(JobState state, int? exitCode, string? host, string? detail)
    {
        State = state;
        ExitCode = exitCode;
        Host = host;
        Detail = detail;
    }

    public JobState State { get; }
    public int? ExitCode { get; }
    public string? Host { get; }
    public string? Detail { get; }
}

/// <summary>What the grid executor needs of a scheduler: submit an array, see what is queued, read accounting, cancel.</summary>
internal abstract class Scheduler
{
    protected Scheduler(string name, JobExecutorOptions options)
    {
        Name = name;
        Options = options;
        Command = new SchedulerCommand(name, options.Grid.SchedulerDirectory);
    }

    public string Name { get; }

    protected JobExecutorOptions Options { get; }

    protected SchedulerCommand Command { get; }

    /// <summary>Submits the array; the job id, or null with the command's output when it was refused.</summary>
    public async Task<(string? Id, SchedulerCommand.Output Output)> SubmitAsync(GridSubmission submission, CancellationToken cancellationToken)
    {
        // The user's options after the executor's, so theirs win where the scheduler takes the last; the program ends the line.
        var arguments = SubmitArguments(submission).Concat(Options.Grid.SchedulerArguments).Concat(LauncherProgram)
            .Concat(new[] { submission.Launcher, submission.Directory });
        var output = await Command.RunAsync(SubmitCommand, arguments, cancellationToken).ConfigureAwait(false);
        var id = SubmittedId(output.StandardOutput.Trim());
        return (output.ExitCode == 0 && ParseInt(id) is not null ? id : null, output);
    }

    /// <summary><c>qsub</c>, <c>sbatch</c>.</summary>
    protected abstract string SubmitCommand { get; }

    /// <summary>The submit command's options for the array; the user's options, <see cref="LauncherProgram"/>, the launcher and its directory follow them.</summary>
    protected abstract List<string> SubmitArguments(GridSubmission submission);

    /// <summary>The program that runs the launcher script, when the scheduler does not run it itself (SGE's <c>/bin/bash</c>).</summary>
    protected virtual IEnumerable<string> LauncherProgram => Enumerable.Empty<string>();

    /// <summary>The job id in what the submit command printed.</summary>
    protected abstract string SubmittedId(string printed);

    /// <summary>The ids of every job the scheduler still has queued or running.</summary>
    /// <exception cref="JobSchedulerException">The scheduler did not answer.</exception>
    public abstract Task<HashSet<string>> ActiveAsync(CancellationToken cancellationToken);

    /// <summary>How the tasks of job <paramref name="id"/> ended, by task number, as far as accounting knows yet.</summary>
    public abstract Task<Dictionary<int, TaskAccounting>> AccountingAsync(string id, CancellationToken cancellationToken);

    public abstract Task CancelAsync(IReadOnlyCollection<string> ids);

    /// <summary>Slots of the grid in total and in use, or null when the scheduler does not say.</summary>
    public abstract Task<(int Total, int Used)?> SlotsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The most cores one job can ever get, from the scheduler's configuration; null when the scheduler does not
    /// answer, so that the submission reports what is wrong as it would without the check.
    /// </summary>
    public abstract Task<SlotLimit?> LargestJobAsync(CancellationToken cancellationToken);

    /// <summary>How users name task <paramref name="task"/> of job <paramref name="id"/> (<c>12.3</c>, <c>12_3</c>).</summary>
    public abstract string TaskId(string id, int task);

    /// <summary>
    /// The scheduler's own words that it killed task <paramref name="task"/> of <paramref name="submission"/> for its
    /// memory, or null: accounting may record such a kill as a mere signal 9.
    /// </summary>
    public virtual string? OutOfMemoryKill(GridSubmission submission, int task) => null;

    /// <summary>A name the scheduler accepts: letters, digits, <c>-_.</c>, not starting with a digit.</summary>
    protected static string SafeName(string name)
    {
        var safe = new string(name.Select(c => c < 128 && (char.IsLetterOrDigit(c) || c is '-' or '_' or '.') ? c : '_').Take(60).ToArray());
        return safe.Length == 0 || char.IsDigit(safe[0]) ? "pl-" + safe : safe;
    }

    protected static string Seconds(int seconds) => string.Format(
        CultureInfo.InvariantCulture, "{0}:{1:D2}:{2:D2}", seconds / 3600, seconds / 60 % 60, seconds % 60);

    protected static int? ParseInt(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Runs a query; null when it cannot be run or fails (missing command, daemon down).</summary>
    protected async Task<string?> QueryAsync(string command, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            var output = await Command.RunAsync(command, arguments, cancellationToken).ConfigureAwait(false);
            return output.ExitCode == 0 ? output.StandardOutput : null;
        }
        catch (JobSchedulerException)
        {
            return null;
        }
    }

    protected static JobSchedulerException Unavailable(SchedulerCommand.Output output) =>
        new($"{output.Command} failed with exit code {output.ExitCode}: {output.Error}");
}
