using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Tool;

/// <summary>Reading a durable run from its directory, from any process, with errors that say what is wrong.</summary>
internal static class RunDirectories
{
    /// <summary>Why <paramref name="directory"/> holds no run to read, or null when it holds one.</summary>
    public static string? Problem(string directory)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            return "Give the run's directory (the one passed to JobExecutor.ResumeAsync).";
        }

        var path = Path.GetFullPath(directory);
        if (!Directory.Exists(path))
        {
            return $"{path} does not exist: give the directory passed to JobExecutor.ResumeAsync.";
        }

        return File.Exists(Path.Combine(path, "jobs"))
            ? null
            : $"{path} holds no ParallelLint run (no 'jobs' file): give the directory passed to JobExecutor.ResumeAsync, not its work directory or a job's folder.";
    }

    /// <summary>A snapshot of the run in <paramref name="directory"/>; throws <see cref="RunDirectoryException"/> with the reason when it cannot be read.</summary>
    public static JobStatus Read(string directory)
    {
        if (Problem(directory) is { } problem)
        {
            throw new RunDirectoryException(problem);
        }

        try
        {
            return JobStatus.Read(directory);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or FormatException)
        {
            throw new RunDirectoryException($"The run in {Path.GetFullPath(directory)} cannot be read: {e.Message}");
        }
    }
}

/// <summary>A run directory that holds no readable run; its message is for the user as it is.</summary>
internal sealed class RunDirectoryException(string message) : Exception(message);
