using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Tool.Tests;

/// <summary><c>parallellint status</c> on real runs, from another process than the one running them, and on directories that hold none.</summary>
public sealed class StatusTests() : ScratchTests("status")
{

    [SkippableTheory]
    [MemberData(nameof(Runs.Backends), MemberType = typeof(Runs))]
    public async Task Status_shows_the_running_run_and_then_every_job_done(string backend)
    {
        await using var run = Runs.Start(backend, Scratch, count: 4, seconds: 3);
        await Runs.WaitFor(() => run.Status().Running > 0, TimeSpan.FromMinutes(2), () => $"no job started: {run.Status()}");

        var (code, output) = ToolProgram.Run("status", run.Directory);

        Assert.True(code == 0, output);
        Assert.Contains($"{backend}: ", output, StringComparison.Ordinal);
        Assert.Contains("running", output, StringComparison.Ordinal);
        Assert.Contains("watched by pid " + Environment.ProcessId, output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", output, StringComparison.Ordinal); // plain text when not on a terminal
        Assert.Equal(4, Enumerable.Range(1, 4).Count(n => output.Contains($"{n} sleep{n}", StringComparison.Ordinal)));

        var results = await run.Run;
        Assert.All(results, result => Assert.Equal(JobState.Succeeded, result.State));
        var (finalCode, final) = ToolProgram.Run("status", run.Directory);
        Assert.True(finalCode == 0, final);
        Assert.Contains("4/4 ended; 0 queued, 0 running, 4 done, 0 failed", final, StringComparison.Ordinal);
        Assert.All(results, result => Assert.Contains(result.Id!, final, StringComparison.Ordinal));
    }

    [Fact]
    public void A_directory_without_a_run_is_refused_with_the_reason()
    {
        var (code, output) = ToolProgram.Run("status", Scratch);
        Assert.NotEqual(0, code);
        Assert.Contains("holds no ParallelLint run (no 'jobs' file)", output, StringComparison.Ordinal);

        var (missingCode, missing) = ToolProgram.Run("report", Path.Combine(Scratch, "nothing-here"));
        Assert.NotEqual(0, missingCode);
        Assert.Contains("does not exist", missing, StringComparison.Ordinal);
    }

    [Fact]
    public void Watch_without_a_terminal_says_to_use_status()
    {
        Directory.CreateDirectory(Path.Combine(Scratch, "run"));
        File.WriteAllText(Path.Combine(Scratch, "run", "jobs"), "");
        var (code, output) = ToolProgram.Run("watch", Path.Combine(Scratch, "run"));
        Assert.Equal(2, code);
        Assert.Contains("needs a terminal", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Cores_prints_the_runtime_core_report()
    {
        var (code, output) = ToolProgram.Run("cores");
        Assert.Equal(0, code);
        Assert.Contains(FormattableString.Invariant($"available {ParallelLint.Runtime.Cores.Detect().Available} (decided by"), output, StringComparison.Ordinal);
        Assert.Contains("PARALLELLINT_CORES", output, StringComparison.Ordinal);
    }
}
