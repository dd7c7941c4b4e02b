namespace ParallelLint.Runtime;

/// <summary>
/// Where core detection reads from: a filesystem root (/ for real, a fake /proc and /sys tree in tests),
/// the environment variables and the runtime's processor count.
/// </summary>
internal sealed class CoreEnvironment
{
    public CoreEnvironment(string root, Func<string, string?> variable, int processorCount)
    {
        Root = root;
        Variable = variable;
        ProcessorCount = processorCount;
    }

    public static CoreEnvironment Current { get; } =
        new("/", Environment.GetEnvironmentVariable, Environment.ProcessorCount);

    public string Root { get; }

    public Func<string, string?> Variable { get; }

    public int ProcessorCount { get; }

    /// <summary>The text of a file under the root, or null when it is missing or unreadable.</summary>
    public string? Read(string path)
    {
        try
        {
            var full = Path.Combine(Root, path.TrimStart('/'));
            return File.Exists(full) ? File.ReadAllText(full) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
