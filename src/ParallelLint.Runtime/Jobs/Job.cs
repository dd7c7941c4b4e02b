namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// A command to run as a job: an executable and its arguments as a list (never one shell string, so nothing in
/// them is ever interpreted by a shell), where, with what environment, on how many cores, for how long at most.
/// </summary>
public sealed class Job
{
    private int cores = 1;
    private int? memoryMegabytes;
    private int gpus;

    /// <summary>A job that runs <paramref name="executable"/> with <paramref name="arguments"/>, passed through unchanged.</summary>
    /// <exception cref="ArgumentException"><paramref name="executable"/> is null or empty, or an argument is null.</exception>
    public Job(string executable, params string[] arguments)
        : this(executable, (IEnumerable<string>)arguments)
    {
    }

    /// <summary>A job that runs <paramref name="executable"/> with <paramref name="arguments"/>, passed through unchanged.</summary>
    /// <exception cref="ArgumentException"><paramref name="executable"/> is null or empty, or an argument is null.</exception>
    public Job(string executable, IEnumerable<string> arguments)
    {
        if (string.IsNullOrEmpty(executable))
        {
            throw new ArgumentException("A job needs an executable.", nameof(executable));
        }

        Executable = executable;
        Arguments = (arguments ?? throw new ArgumentException("Pass an empty list for no arguments.", nameof(arguments))).ToArray();
        if (Arguments.Any(argument => argument is null))
        {
            throw new ArgumentException("An argument is null.", nameof(arguments));
        }
    }

    /// <summary>The program to run: a path, or a name looked up on PATH.</summary>
    public string Executable { get; }

    /// <summary>The arguments, each passed to the program as it is (spaces, quotes, <c>;</c>, <c>$()</c>, newlines...).</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Where the job runs; the caller's current directory when null.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// Variables set for the job on top of the inherited environment. The thread variables of
    /// <see cref="ChildProcesses.ThreadVariables"/> are set to <see cref="Cores"/> unless given here.
    /// </summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How many cores the job uses (1 by default): its slots on a grid, its share of the cores locally.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below.</exception>
    public int Cores
    {
        get => cores;
        set => cores = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Cores), value, "A job needs at least one core.");
    }

    /// <summary>
    /// The most memory the job may use, in MiB; no limit asked for when null. SGE gets it per slot as the
    /// <see cref="SgeJobOptions.MemoryResource"/> complex (<c>-l h_vmem=</c>, enforced as a limit on the
    /// job's address space), Slurm as <c>--mem</c> (enforced where the cluster's cgroups or accounting do). The local
    /// backend does not enforce it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below.</exception>
    public int? MemoryMegabytes
    {
        get => memoryMegabytes;
        set => memoryMegabytes = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MemoryMegabytes), value, "At least 1 MiB, or null for no limit.");
    }

    /// <summary>
    /// How many GPUs the job needs (none by default). Slurm gets <c>--gres=gpu:N</c>; SGE gets
    /// <c>-l gpu=N</c>, the <see cref="SgeJobOptions.GpuResource"/> complex (sites that count GPUs per slot
    /// rather than per job set up their complex that way). Jobs that differ only in their GPUs go out as separate
    /// arrays. The local backend does not reserve GPUs: the job sees the machine's.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 0.</exception>
    public int Gpus
    {
        get => gpus;
        set => gpus = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Gpus), value, "A job needs 0 GPUs or more.");
    }

    /// <summary>A name for status and file names; the executable's name when null.</summary>
    public string? Name { get; set; }

    /// <summary>The longest the job may run; it is stopped and reported <see cref="JobState.TimedOut"/> after that.</summary>
    public TimeSpan? TimeLimit { get; set; }

    internal string DisplayName => Name ?? System.IO.Path.GetFileNameWithoutExtension(Executable);

    /// <summary>What the job's process gets on top of the inherited environment: the thread variables, then <see cref="Environment"/>.</summary>
    internal Dictionary<string, string> ChildEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        ChildProcesses.LimitThreads(environment, Cores);
        foreach (var variable in Environment)
        {
            environment[variable.Key] = variable.Value;
        }

        return environment!;
    }
}

/// <summary>Where a job is; all but the first two are final, and every submitted job ends in exactly one of them.</summary>
public enum JobState
{
    /// <summary>Waiting for a slot (locally) or in the scheduler's queue.</summary>
    Queued,

    /// <summary>Started and not finished.</summary>
    Running,

    /// <summary>Ended with exit code 0.</summary>
    Succeeded,

    /// <summary>Ended with another exit code, was killed by a signal, or could not start.</summary>
    Failed,

    /// <summary>Stopped because the run was cancelled.</summary>
    Cancelled,

    /// <summary>Stopped because it reached <see cref="Job.TimeLimit"/>.</summary>
    TimedOut,

    /// <summary>Gone from the scheduler with no record of how it ended (a node lost, accounting purged).</summary>
    Lost,

    /// <summary>
    /// Killed by the scheduler for using more memory than it was given (<see cref="Job.MemoryMegabytes"/>, or the
    /// cluster's default): Slurm's <c>OUT_OF_MEMORY</c>, or its accounting's "exceeded memory limit".
    /// </summary>
    OutOfMemory,
}

/// <summary>How a job ended.</summary>
public sealed class JobResult
{
    internal JobResult(Job job, string standardOutputPath, string standardErrorPath)
    {
        Job = job;
        StandardOutputPath = standardOutputPath;
        StandardErrorPath = standardErrorPath;
    }

    /// <summary>The job as submitted.</summary>
    public Job Job { get; }

    /// <summary>The final state.</summary>
    public JobState State { get; internal set; } = JobState.Queued;

    /// <summary>The exit code of the last attempt, when the job ran to an end (128 + n when killed by signal n).</summary>
    public int? ExitCode { get; internal set; }

    /// <summary>The file holding the last attempt's standard output.</summary>
    public string StandardOutputPath { get; internal set; }

    /// <summary>The file holding the last attempt's standard error.</summary>
    public string StandardErrorPath { get; internal set; }

    /// <summary>When the last attempt started, if it did.</summary>
    public DateTimeOffset? Started { get; internal set; }

    /// <summary>When the last attempt ended.</summary>
    public DateTimeOffset? Ended { get; internal set; }

    /// <summary>The machine the last attempt ran on.</summary>
    public string? Host { get; internal set; }

    /// <summary>How many times the job was started (more than one when retried).</summary>
    public int Attempts { get; internal set; }

    /// <summary>The scheduler's id of the last attempt (<c>12.3</c> for task 3 of SGE job 12, <c>12_3</c> on Slurm), or the process id locally.</summary>
    public string? Id { get; internal set; }

    /// <summary>
    /// The user and system CPU time of the job's processes in its last attempt (those it waited for), or null where
    /// it is not known: from the launcher's exit marker on SGE and Slurm, from the <c>/bin/sh</c> wrapper of a local
    /// durable run; a local temporary run's job (its output piped to this process) has none.
    /// </summary>
    public TimeSpan? CpuTime { get; internal set; }

    /// <summary>
    /// The peak resident memory of the job's processes in its last attempt, in bytes: the largest sum of their
    /// high-water marks (<c>VmHWM</c> in Linux's <c>/proc</c>) sampled after 50 ms, then at intervals doubling to a
    /// second, by this process locally and by the launcher on SGE and Slurm. Null where it was not sampled: a job that
    /// ended before the first sample, a system without <c>/proc</c>, a grid host whose bash is older than 4.3.
    /// </summary>
    public long? PeakMemoryBytes { get; internal set; }

    /// <summary>
    /// The time the parent process spent starting and feeding the job's last attempt: locally writing its files and
    /// starting its process; on a grid writing its task files and its share of the submission call (the call's wall
    /// time divided by the jobs it submitted). Null when not known (a run written by an older version).
    /// </summary>
    public TimeSpan? LaunchDuration { get; internal set; }

    /// <summary>Why the job failed, was lost or could not start, or why an earlier attempt of a retried job did, in words.</summary>
    public string? Detail { get; internal set; }

    /// <summary>The job's place in its run.</summary>
    internal int Index { get; set; }

    /// <summary>The run's registry, told of the job's end; null once the job was final when the run began.</summary>
    internal RunRegistry? Registry { get; set; }

    /// <summary>Told once, when the job reaches its final state (a per-item callback, a stream of results).</summary>
    internal Action<JobResult>? OnEnded { get; set; }

    /// <summary>An exit code in words: <c>exit code 137 (killed by signal 9)</c> on Unix.</summary>
    internal static string DescribeExit(int code) =>
        code > 128 && code < 160 && !System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows)
            ? $"exit code {code} (killed by signal {code - 128})"
            : $"exit code {code}";

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Job.DisplayName}: {State}" + (ExitCode is { } code ? $" (exit {code})" : "") + (Detail is null ? "" : $": {Detail}");
}
