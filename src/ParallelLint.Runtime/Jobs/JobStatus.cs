using System.Globalization;
using System.Text;

namespace ParallelLint.Runtime.Jobs;

/// <summary>A snapshot of an executor's jobs and slots, like <c>qstat -f</c>.</summary>
public sealed class JobStatus
{
    private readonly (string? Id, string Name, JobState State, string? Host)[] rows;

    internal JobStatus(JobBackend backend, int? slotsTotal, int? slotsUsed, IReadOnlyList<JobResult> jobs)
    {
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

    private static string Format(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
