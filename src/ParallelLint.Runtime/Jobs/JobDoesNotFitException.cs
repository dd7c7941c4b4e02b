namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// A job asks for more cores than the backend can ever give one job: the whole run was refused before anything
/// was started or submitted (such a job would otherwise wait in the queue forever). The message names the limit
/// and where it comes from: the local slots, the SGE parallel environment and queue, or the Slurm partition.
/// </summary>
public sealed class JobDoesNotFitException : ArgumentException
{
    private readonly string message;

    internal JobDoesNotFitException(string message, Job job, int limit)
        : base(message, "jobs")
    {
        this.message = message;
        Job = job;
        Limit = limit;
    }

    /// <summary>What does not fit, the limit and where it comes from, and what to do; without ArgumentException's parameter suffix, as it is shown to users.</summary>
    public override string Message => message;

    /// <summary>The widest job of the run that does not fit.</summary>
    public Job Job { get; }

    /// <summary>The most cores the backend gives one job.</summary>
    public int Limit { get; }
}

/// <summary>The most cores one job can get on a backend, where that limit comes from, and what to change instead.</summary>
internal sealed class SlotLimit
{
    public SlotLimit(int cores, string source, string remedy)
    {
        Cores = cores;
        Source = source;
        Remedy = remedy;
    }

    public int Cores { get; }

    /// <summary>Where the limit comes from, with the command that shows it: <c>the CPUs of ... (sinfo ...)</c>.</summary>
    public string Source { get; }

    /// <summary>What else the user can do than lowering <see cref="Job.Cores"/>: <c>or choose a partition ...</c>.</summary>
    public string Remedy { get; }
}
