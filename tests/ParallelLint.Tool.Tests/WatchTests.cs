using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ParallelLint.Tool.Tests;

/// <summary>
/// <c>parallellint watch</c> as a person sees it: the real tool in a detached tmux session of a fixed size, its screen
/// read with <c>tmux capture-pane</c> while a run goes on in this process.
/// </summary>
public sealed partial class WatchTests() : ScratchTests("watch")
{

    // A server of its own, so the test never touches anyone's tmux sessions.
    private readonly string socket = "parallellint-test-" + Guid.NewGuid().ToString("N")[..8];

    public override void Dispose()
    {
        Tmux("kill-server");
        base.Dispose();
    }

    [Fact]
    public async Task Watch_redraws_the_counts_in_place_until_every_job_is_done()
    {
        await using var run = Runs.Start("local", Scratch, count: 6, seconds: 2);
        await Runs.WaitFor(() => File.Exists(Path.Combine(run.Directory, "jobs")), TimeSpan.FromSeconds(30), () => "the run has no registry");
        Assert.Equal(0, Tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", "watch",
            $"dotnet '{ToolProgram.Path}' watch '{run.Directory}' --interval 0.2; echo \"watch exited $?\"; sleep 600").ExitCode);

        var done = new SortedSet<int>();
        var screen = "";
        var clock = Stopwatch.StartNew();
        while (!screen.Contains("watch exited", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"watch did not end:\n{screen}");
            screen = Tmux("capture-pane", "-p", "-t", "watch").Output;
            if (Counts().Match(screen) is { Success: true } counts)
            {
                done.Add(int.Parse(counts.Groups["done"].Value, CultureInfo.InvariantCulture));
            }

            await Task.Delay(200);
        }

        await run.Run;
        Assert.Contains("watch exited 0", screen, StringComparison.Ordinal);
        Assert.Contains("6/6 ended; 0 queued, 0 running, 6 done, 0 failed", screen, StringComparison.Ordinal);
        Assert.True(done.Count >= 3, $"the screen showed only these done counts: {string.Join(", ", done)}:\n{screen}");
        // Redrawn in place: one summary line on the final screen, not one per refresh.
        Assert.Single(Counts().Matches(screen));
    }

    [GeneratedRegex(@"(?<ended>\d+)/6 ended; (?<queued>\d+) queued, (?<running>\d+) running, (?<done>\d+) done")]
    private static partial Regex Counts();

    private (int ExitCode, string Output) Tmux(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(socket);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
