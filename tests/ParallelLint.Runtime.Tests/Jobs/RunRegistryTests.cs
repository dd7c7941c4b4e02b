using System.Diagnostics;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Jobs;

/// <summary>The run directory's files: what another process reads back, after a clean end, a kill or a mistake.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RunRegistryTests : IDisposable
{
    private readonly string run = Path.Combine(Directory.CreateTempSubdirectory("parallellint-registry-").FullName, "run");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(run)!, recursive: true);

    private static Job[] Jobs() => new[]
    {
        new Job("/bin/echo", "tab\there", "line\nbreak", "back\\slash", "\\N", "\\t", "", "ünïcode")
        {
            Name = "a\tname", WorkingDirectory = "/tmp", Cores = 2, MemoryMegabytes = 512, Gpus = 3, TimeLimit = TimeSpan.FromSeconds(90.5),
            Environment = { ["B"] = "2\n", ["A"] = "\\N" },
        },
        new Job("true"),
    };

    [Fact]
    public void A_process_that_reopens_the_run_reads_back_every_job_field_by_field()
    {
        using (RunRegistry.Open(run, "local", Jobs()))
        {
        }

        using var reopened = RunRegistry.Open(run, "local", jobs: null);

        Assert.Equal(2, reopened.Jobs.Count);
        var expected = Jobs();
        for (var i = 0; i < expected.Length; i++)
        {
            var (want, got) = (expected[i], reopened.Jobs[i]);
            Assert.Equal(
                (want.Executable, want.Name, want.WorkingDirectory, want.Cores, want.MemoryMegabytes, want.Gpus, want.TimeLimit),
                (got.Executable, got.Name, got.WorkingDirectory, got.Cores, got.MemoryMegabytes, got.Gpus, got.TimeLimit));
            Assert.Equal(want.Arguments, got.Arguments);
            Assert.Equal(want.Environment.OrderBy(pair => pair.Key), got.Environment.OrderBy(pair => pair.Key));
        }

        Assert.Null(reopened.Jobs[1].MemoryMegabytes);
        Assert.Null(reopened.Jobs[1].Name);
        Assert.Null(reopened.Jobs[1].TimeLimit);
    }

    [Fact]
    public void The_journal_read_back_says_where_each_job_was()
    {
        using (var registry = RunRegistry.Open(run, "sge", Jobs()))
        {
            var number = registry.NextSubmission();
            registry.Submitting(number, attempt: 1, new[] { 0, 1 });
            registry.Submitted(number, "42");
            registry.Ended(0, new JobResult(registry.Jobs[0], "/o\tut", "/err")
            {
                State = JobState.Failed, Attempts = 1, ExitCode = 3, Host = "node1", Id = "42.1", Detail = "exit code 3\nsecond line",
                Started = DateTimeOffset.FromUnixTimeMilliseconds(1_000), Ended = DateTimeOffset.FromUnixTimeMilliseconds(2_500),
            });
        }

        using var reopened = RunRegistry.Open(run, "sge", Jobs());

        Assert.Equal(1, reopened.LastSubmission);
        Assert.Equal(2, reopened.NextSubmission());
        Assert.Null(reopened.SubmissionOf(0)); // it ended since
        var submission = reopened.SubmissionOf(1);
        Assert.NotNull(submission);
        Assert.Equal(("42", 1, "submission-1"), (submission!.Id, submission.Attempt, submission.Folder));
        Assert.Equal(new[] { 0, 1 }, submission.Jobs);
        var end = reopened.EndOf(0);
        Assert.NotNull(end);
        Assert.Equal(
            (JobState.Failed, 1, (int?)3, "node1", "42.1", "/o\tut", "/err", "exit code 3\nsecond line"),
            (end!.State, end.Attempts, end.ExitCode, end.Host, end.Id, end.Output, end.Error, end.Detail));
        Assert.Equal(2_500, end.Ended!.Value.ToUnixTimeMilliseconds());
        Assert.Null(reopened.EndOf(1));
        Assert.Equal((1, 1), (reopened.AttemptsOf(0), reopened.AttemptsOf(1)));
    }

    [Fact]
    public void A_local_start_is_read_back_until_the_job_ends_and_a_launch_has_no_pid()
    {
        using (var registry = RunRegistry.Open(run, "local", Jobs()))
        {
            registry.Launching(0, attempt: 2);
            registry.Started(1, attempt: 1, pid: 4242, startTicks: 99, isWrapped: true);
        }

        using var reopened = RunRegistry.Open(run, "local", null);

        Assert.Equal((2, 0, true), (reopened.StartOf(0)!.Attempt, reopened.StartOf(0)!.Pid, reopened.StartOf(0)!.IsWrapped));
        Assert.Equal((1, 4242, 99L), (reopened.StartOf(1)!.Attempt, reopened.StartOf(1)!.Pid, reopened.StartOf(1)!.StartTicks));
        Assert.Equal(2, reopened.AttemptsOf(0));
    }

    [Fact]
    public void A_last_line_cut_short_by_a_kill_is_dropped_and_the_next_record_starts_a_line_of_its_own()
    {
        using (var registry = RunRegistry.Open(run, "local", Jobs()))
        {
            registry.Started(0, 1, 100, 0, isWrapped: true);
        }

        File.AppendAllText(Path.Combine(run, "journal"), "end\t0\t2\t1"); // no newline: the writer died mid-line
        using (var registry = RunRegistry.Open(run, "local", null))
        {
            Assert.NotNull(registry.StartOf(0));
            Assert.Null(registry.EndOf(0));
            registry.Started(1, 1, 101, 0, isWrapped: true);
        }

        using var reopened = RunRegistry.Open(run, "local", null);
        Assert.Equal((100, 101), (reopened.StartOf(0)!.Pid, reopened.StartOf(1)!.Pid));
        Assert.DoesNotContain("end", File.ReadAllText(Path.Combine(run, "journal")));
    }

    [Fact]
    public void A_journal_line_this_version_cannot_read_is_named_in_the_error()
    {
        using (RunRegistry.Open(run, "local", Jobs()))
        {
        }

        File.AppendAllText(Path.Combine(run, "journal"), "submit\tnot-a-number\t1\t0\n");

        var error = Assert.Throws<ArgumentException>(() => RunRegistry.Open(run, "local", null));
        Assert.Equal("runDirectory", error.ParamName);
        Assert.Contains("has a line this version cannot read: 'submit\tnot-a-number", error.Message);
    }

    [Fact]
    public void A_run_is_resumed_only_with_its_own_jobs_and_backend()
    {
        using (RunRegistry.Open(run, "slurm", Jobs()))
        {
        }

        var other = Jobs();
        other[1] = new Job("false");
        var otherJobs = Assert.Throws<ArgumentException>(() => RunRegistry.Open(run, "slurm", other));
        Assert.Equal("runDirectory", otherJobs.ParamName);
        Assert.Contains("holds a run of other jobs (2 held, 2 given; job 2 differs)", otherJobs.Message);
        var fewer = Assert.Throws<ArgumentException>(() => RunRegistry.Open(run, "slurm", Jobs().Take(1).ToList()));
        Assert.Contains("(2 held, 1 given; job 2 differs)", fewer.Message);
        var otherBackend = Assert.Throws<ArgumentException>(() => RunRegistry.Open(run, "sge", null));
        Assert.Contains("holds a slurm run: attach to it with JobExecutor.Create(\"slurm\", ...), not sge", otherBackend.Message);
    }

    [Fact]
    public void A_folder_without_a_run_is_refused_for_attaching_and_left_as_it_was()
    {
        var error = Assert.Throws<ArgumentException>(() => RunRegistry.Open(run, "local", null));
        Assert.Equal("runDirectory", error.ParamName);
        Assert.Contains("holds no run to attach to", error.Message);
        Assert.False(Directory.Exists(run));

        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "jobs"), "some other file\n");
        Assert.Contains("holds no ParallelLint run, or one of another version", Assert.Throws<ArgumentException>(() => RunRegistry.Open(run, "local", null)).Message);
    }

    [Fact]
    public void A_run_watched_by_one_registry_cannot_be_opened_by_another_which_is_told_who_holds_it()
    {
        using var first = RunRegistry.Open(run, "local", Jobs());

        var error = Assert.Throws<IOException>(() => RunRegistry.Open(run, "local", null));
        Assert.Contains($"is being watched by another process (pid and host: {Environment.ProcessId} {Environment.MachineName})", error.Message);
    }

    [Fact]
    public async Task A_run_locked_by_another_process_cannot_be_opened_until_that_process_dies()
    {
        using (RunRegistry.Open(run, "local", Jobs()))
        {
        }

        // flock(1) takes the same kind of lock the registry takes, in a process of its own.
        using var holder = Process.Start("flock", new[] { "--exclusive", "--no-fork", Path.Combine(run, "run.lock"), "sleep", "60" });
        await JobRunProgram.WaitFor(() => IsLocked(), TimeSpan.FromSeconds(20), () => "flock did not take the lock");

        Assert.Throws<IOException>(() => RunRegistry.Open(run, "local", null));
        holder.Kill();
        await holder.WaitForExitAsync();
        using var reopened = RunRegistry.Open(run, "local", null);
        Assert.Equal(2, reopened.Jobs.Count);
    }

    private bool IsLocked()
    {
        try
        {
            RunRegistry.Open(run, "local", null).Dispose();
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
