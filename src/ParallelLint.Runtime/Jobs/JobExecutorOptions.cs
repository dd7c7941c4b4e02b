namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// How a <see cref="JobExecutor"/> runs jobs: the settings of every backend, then one group per backend
/// (<see cref="Local"/>, <see cref="Grid"/>, <see cref="Sge"/>), each read only by its backend, so that one options
/// object serves a program whose backend is chosen on its command line:
/// <c>new JobExecutorOptions { MaxAttempts = 2, Local = { Slots = 4 }, Grid = { Queue = "short" } }</c>.
/// </summary>
public sealed class JobExecutorOptions
{
    private int maxAttempts = 1;
    private int? maxActive;
    private double memoryGrowthPerAttempt = 1;

    /// <summary>
    /// How many times a job that failed, timed out or was lost is started in all (1: no retries); also one that ran
    /// out of memory when <see cref="MemoryGrowthPerAttempt"/> gives its next attempt more.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below.</exception>
    public int MaxAttempts
    {
        get => maxAttempts;
        set => maxAttempts = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxAttempts), value, "At least one attempt.");
    }

    /// <summary>
    /// How much more memory each attempt of a job asks for than the one before: attempt <em>n</em> asks for
    /// <see cref="Job.MemoryMegabytes"/> × factor<sup>n−1</sup> (rounded up to a MiB). At 1 (the default) every attempt
    /// asks for the same and a job that ran out of memory (<see cref="JobState.OutOfMemory"/>) is not retried, since it
    /// would end the same way; above 1 it is, within <see cref="MaxAttempts"/>
    /// (<c>new JobExecutorOptions { MaxAttempts = 3, MemoryGrowthPerAttempt = 2 }</c>: 1×, 2×, then 4× the memory).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1, infinite or not a number.</exception>
    public double MemoryGrowthPerAttempt
    {
        get => memoryGrowthPerAttempt;
        set => memoryGrowthPerAttempt = value >= 1 && !double.IsInfinity(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MemoryGrowthPerAttempt), value, "A factor of at least 1 (1: every attempt asks for the same memory).");
    }

    /// <summary>
    /// A cap on this executor's jobs queued or running at once: locally on top of the cores, on a grid the
    /// array's task limit (<c>qsub -tc</c>, <c>sbatch --array=..%n</c>). No cap when null.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below.</exception>
    public int? MaxActive
    {
        get => maxActive;
        set => maxActive = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxActive), value, "At least one job at once.");
    }

    /// <summary>
    /// Where each run keeps its files (standard output and error, staged data, grid task files). Locally a new
    /// directory under the temporary folder when null, removed when the executor is disposed. A grid needs one, on a
    /// filesystem its execution hosts share.
    /// </summary>
    public string? WorkDirectory { get; set; }

    /// <summary>
    /// Keeps the temporary work directory (made when <see cref="WorkDirectory"/> is null) when the executor is
    /// disposed, to look at the jobs' output files afterwards; removed by default.
    /// </summary>
    public bool KeepWorkDirectory { get; set; }

    /// <summary>Told of every change of a job's state, with a snapshot like <c>qstat -f</c>.</summary>
    public IProgress<JobStatus>? Progress { get; set; }

    /// <summary>What only the local backend reads.</summary>
    public LocalJobOptions Local { get; } = new();

    /// <summary>What only the grid backends (SGE and Slurm) read.</summary>
    public GridJobOptions Grid { get; } = new();

    /// <summary>What only the SGE backend reads.</summary>
    public SgeJobOptions Sge { get; } = new();
}

/// <summary>The local backend's settings (<see cref="JobExecutorOptions.Local"/>).</summary>
public sealed class LocalJobOptions
{
    private int? slots;

    /// <summary>
    /// The slots: how many cores its jobs share, <see cref="Cores.Available"/> when null. Above the
    /// cores only for jobs that mostly wait (on a licence, a remote service, a device), never for compute. On a grid
    /// the scheduler's queue decides.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or below.</exception>
    public int? Slots
    {
        get => slots;
        set => slots = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Slots), value, "At least one slot.");
    }
}

/// <summary>The grid backends' settings (<see cref="JobExecutorOptions.Grid"/>), for SGE and Slurm alike.</summary>
public sealed class GridJobOptions
{
    private TimeSpan pollInterval = TimeSpan.FromMilliseconds(250);
    private TimeSpan maxPollInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The first wait between two status polls of a grid. The jobs' marker files are read that often, the wait
    /// doubling while nothing changes; the scheduler (<c>qstat</c>, <c>squeue</c>) is asked on a back-off of its own
    /// from this to <see cref="MaxPollInterval"/>, restarted only by a submission, so a long run costs two scheduler
    /// calls per <see cref="MaxPollInterval"/> however many jobs it has and however often they end.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan PollInterval
    {
        get => pollInterval;
        set => pollInterval = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(PollInterval), value, "Must be positive.");
    }

    /// <summary>The longest wait between two status polls of a grid.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan MaxPollInterval
    {
        get => maxPollInterval;
        set => maxPollInterval = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(MaxPollInterval), value, "Must be positive.");
    }

    /// <summary>Where the scheduler's commands (<c>qsub</c>, <c>sbatch</c>...) are, when they are not on PATH.</summary>
    public string? SchedulerDirectory { get; set; }

    /// <summary>The SGE queue or Slurm partition; the scheduler's default when null.</summary>
    public string? Queue { get; set; }

    /// <summary>
    /// More options for the submit command (<c>qsub</c>, <c>sbatch</c>), each passed as one argument, never through a
    /// shell: <c>{ "--gres=gpu:1" }</c>, <c>{ "-P", "project" }</c>. They come after the executor's own options.
    /// </summary>
    public IList<string> SchedulerArguments { get; } = new List<string>();

    /// <summary>
    /// How long submissions that fail for a temporary reason (scheduler busy or not reachable yet, no workers yet
    /// on an auto-scaling grid) are retried, with back-off, before the run fails.
    /// </summary>
    public TimeSpan SubmitRetryTime { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>The SGE backend's settings (<see cref="JobExecutorOptions.Sge"/>).</summary>
public sealed class SgeJobOptions
{
    /// <summary>The SGE parallel environment that grants a job several cores (<c>qsub -pe smp n</c>).</summary>
    public string ParallelEnvironment { get; set; } = "smp";

    /// <summary>
    /// The SGE complex that carries <see cref="Job.MemoryMegabytes"/>, per slot: <c>h_vmem</c> (a hard limit) by
    /// default, <c>mem_free</c> or a site's own where the cluster is set up that way.
    /// </summary>
    public string MemoryResource { get; set; } = "h_vmem";

    /// <summary>The SGE complex that carries <see cref="Job.Gpus"/> (<c>-l gpu=N</c>): <c>gpu</c> by default, a site's own name otherwise.</summary>
    public string GpuResource { get; set; } = "gpu";
}
