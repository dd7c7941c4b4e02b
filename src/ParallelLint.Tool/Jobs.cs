using System.Globalization;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Tool;

/// <summary>What the views show of a job, the same in the terminal and in the report.</summary>
internal static class Jobs
{
    /// <summary>The job's name, or its program's when it has none (as the runtime names it).</summary>
    public static string Name(JobResult result) => result.Job.Name ?? Path.GetFileNameWithoutExtension(result.Job.Executable);

    public static bool IsFinal(JobState state) => state is not (JobState.Queued or JobState.Running);

    /// <summary>How long the job ran: to its end, or to <paramref name="now"/> while it runs; null before it started.</summary>
    public static TimeSpan? Elapsed(JobResult result, DateTimeOffset now) => result.Started is { } started
        ? (result.Ended ?? (IsFinal(result.State) ? started : now)) - started
        : null;

    /// <summary>A state as qstat users read it: succeeded is "done".</summary>
    public static string Describe(JobState state) => state switch
    {
        JobState.Succeeded => "done",
        JobState.TimedOut => "timed out",
        JobState.OutOfMemory => "out of memory",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>1:02:03, 2:03 or 4.5 s: short enough for a table column.</summary>
    public static string Format(TimeSpan? span) => span switch
    {
        null => "-",
        { TotalHours: >= 1 } s => s.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture),
        { TotalMinutes: >= 1 } s => s.ToString(@"m\:ss", CultureInfo.InvariantCulture),
        { } s => s.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
    };

    public static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
