using System.Globalization;
using System.Text.RegularExpressions;

namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// The files a job's launcher leaves in the run's directory, read by the watching executor and by any other process
/// (<see cref="JobStatus.Read"/>): a grid task's markers <c>N.start</c> (host, time, array) and <c>N.exit</c> (code,
/// time, CPU milliseconds, peak memory kB), a local wrapped job's <c>.exit</c> (its code) and <c>.cpu</c> (the shell's <c>times</c>).
/// </summary>
internal static class RunMarkers
{
    private static readonly Regex TimesField = new(@"^(\d+)m(\d+(?:\.\d+)?)s$", RegexOptions.CultureInvariant);

    /// <summary>A marker's fields once it is written whole: the first, the time, and the optional third and fourth.</summary>
    public static (string First, DateTimeOffset Time, string? Third, string? Fourth)? Read(string path)
    {
        if (ReadText(path) is not { } text)
        {
            return null;
        }

        var parts = text.Split(' ');
        return parts.Length is >= 2 and <= 4 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? (parts[0], DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)).ToLocalTime(), parts.Length >= 3 ? parts[2] : null, parts.Length == 4 ? parts[3] : null)
            : null;
    }

    /// <summary>A small file's text, trimmed; null when it is missing or cannot be read.</summary>
    public static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static int? ParseCode(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;

    /// <summary>The CPU time in an exit marker's third field (milliseconds); null for a launcher of an older version.</summary>
    public static TimeSpan? MarkerCpu(string? third) =>
        long.TryParse(third, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) ? TimeSpan.FromMilliseconds(milliseconds) : null;

    /// <summary>The peak memory in an exit marker's fourth field (kB) in bytes; null when not sampled or written by an older launcher.</summary>
    public static long? MarkerPeak(string? fourth) =>
        long.TryParse(fourth, NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes) ? kilobytes * 1024 : null;

    /// <summary>
    /// The children's user + system time from what a shell's <c>times</c> printed to <paramref name="path"/> (its second
    /// line, <c>0m1.230000s 0m0.010000s</c>); null when the file is missing or not whole.
    /// </summary>
    public static TimeSpan? TimesCpu(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var fields = lines.Length >= 2 ? lines[1].Trim().Split(' ') : Array.Empty<string>();
        if (fields.Length != 2)
        {
            return null;
        }

        var total = TimeSpan.Zero;
        foreach (var field in fields)
        {
            var match = TimesField.Match(field);
            if (!match.Success)
            {
                return null;
            }

            total += TimeSpan.FromMinutes(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)) +
                     TimeSpan.FromSeconds(double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        }

        return total;
    }

    /// <summary>A number a wrapper wrote to <paramref name="path"/>, once written whole (it ends with a newline).</summary>
    public static int? ReadNumber(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            return text.EndsWith("\n", StringComparison.Ordinal) && int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Where a local wrapped attempt's <c>times</c> go, beside its exit file (<c>stem.exit</c> → <c>stem.cpu</c>).</summary>
    public static string CpuPath(string exitPath) => Path.ChangeExtension(exitPath, ".cpu");

    /// <summary>How a grid task ended by its exit code: the launcher's <c>timeout</c> ends a job at its limit with 124 (or 137 when it had to kill).</summary>
    public static (JobState State, string? Detail) GridOutcome(JobResult result, int code)
    {
        if (result.Job.TimeLimit is { } limit && code is 124 or 137 &&
            result.Started is { } started && result.Ended is { } ended && ended - started >= limit - TimeSpan.FromSeconds(1))
        {
            return (JobState.TimedOut, $"stopped at its time limit of {limit}");
        }

        return code == 0 ? (JobState.Succeeded, null) : (JobState.Failed, JobResult.DescribeExit(code));
    }
}
