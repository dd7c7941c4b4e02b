using System.Diagnostics;

namespace ParallelLint.Package.Tests;

/// <summary>
/// The commit convention (eng/hooks/commit-msg): a subject of at most 72 characters, the detail in the body after a
/// blank line. Checked on every commit since the convention was adopted, so that a forgotten hook cannot slip one by.
/// </summary>
public sealed class CommitMessageTests
{
    /// <summary>The last commit before the convention: older subjects are history, not checked.</summary>
    private const string Adopted = "7bfcbae";

    private const int MaxSubject = 72;

    [SkippableFact]
    public void Every_commit_since_the_convention_has_a_short_subject_and_a_separate_body()
    {
        var root = DotNet.RepositoryRoot();
        Skip.IfNot(Git(root, "rev-parse", "--verify", "--quiet", Adopted + "^{commit}").ExitCode == 0,
            $"not a git clone, or a shallow one without {Adopted}: the history cannot be read");

        // One record per commit: subject, then the raw message's second line (must be empty).
        var log = Git(root, "log", "--no-merges", "--format=%h%x1f%s%x1f%B%x1e", $"{Adopted}..HEAD");
        Assert.True(log.ExitCode == 0, log.Output);

        var offenders = new List<string>();
        foreach (var record in log.Output.Split('\x1e', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = record.Split('\x1f');
            var (hash, subject, message) = (fields[0], fields[1], fields[2]);
            var lines = message.Split('\n');
            if (subject.Length > MaxSubject)
            {
                offenders.Add($"{hash}: subject of {subject.Length} characters: {subject}");
            }
            else if (lines.Length > 1 && lines[1].Trim().Length > 0)
            {
                offenders.Add($"{hash}: no blank line after the subject: {subject}");
            }
        }

        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    private static (int ExitCode, string Output) Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return (-1, "git is not installed: " + exception.Message);
        }
    }
}
