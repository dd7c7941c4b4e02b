using System.Globalization;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Jobs;

/// <summary>
/// Runs kept in a run directory: resumed after failures, and attached to by a new process after the real parent
/// program (samples/ParallelLint.JobRun) was SIGKILLed at several points of a 20-job run. Every job writes its number
/// to a log as it starts, so a job run twice shows there twice.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DurableRunTests : IDisposable
{
    private const int Count = 20;

    private readonly string scratch = Directory.CreateTempSubdirectory("parallellint-durable-").FullName;

    private string RunDirectory => Path.Combine(scratch, "run");

    private string Log => Path.Combine(scratch, "log");

    public static TheoryData<string, string> KillPoints
    {
        get
        {
            var points = new TheoryData<string, string>();
            foreach (var backend in new[] { "local", "sge", "slurm" })
            {
                foreach (var point in new[] { "submitting", "running", "finishing" })
                {
                    points.Add(backend, point);
                }
            }

            return points;
        }
    }

    public void Dispose() => Backends.Delete(scratch);

    [SkippableTheory]
    [MemberData(nameof(KillPoints))]
    public async Task A_run_whose_parent_was_killed_is_attached_to_and_every_job_runs_once(string backend, string point)
    {
        Backends.Require(backend);
        var name = JobFitTests.UniqueName();
        var work = Path.Combine(scratch, "work");
        var journal = Path.Combine(RunDirectory, "journal");
        try
        {
            using (var parent = JobRunProgram.Start(
                "--backend", backend, "--jobs", Count.ToString(CultureInfo.InvariantCulture), "--name", name, "--work-dir", work, "--run-dir", RunDirectory,
                "--", "sh", "-c", "echo \"$1\" >> \"$2\"; sleep 1; echo \"done $1\"", "sh", "{#}", Log))
            {
                // submitting: the journal holds the first submission (a grid's array) or launch (local) and maybe no more.
                Func<bool> reached = point switch
                {
                    "submitting" => () => Records(journal).Any(record => record is "submit" or "start"),
                    "running" => () => Started().Count > 0,
                    _ => () => Records(journal).Count(record => record == "end") >= 3,
                };
                await JobRunProgram.WaitFor(reached, TimeSpan.FromSeconds(120), () => $"the run did not get to {point}: {parent.Output}");
                Assert.Equal(0, JobRunProgram.Kill(parent.Process.Id, JobRunProgram.SigKill));
                Assert.True(parent.Process.WaitForExit(TimeSpan.FromSeconds(30)), "SIGKILL did not end the parent");
                Assert.Equal(128 + JobRunProgram.SigKill, parent.Process.ExitCode);
            }

            Assert.True(Records(journal).Count(record => record == "end") < Count, "the run had ended before the kill");

            using var attached = JobRunProgram.Run(TimeSpan.FromMinutes(5), "--backend", backend, "--work-dir", work, "--attach", RunDirectory);

            Assert.True(attached.Process.ExitCode == 0, $"attaching ended with {attached.Process.ExitCode}: {attached.Output}");
            Assert.Equal(Enumerable.Range(1, Count), Started().Order());
            Assert.Equal(Count, attached.Lines.Count(line => line.EndsWith(": Succeeded (exit 0)", StringComparison.Ordinal)));
            using (var registry = RunRegistry.Open(RunDirectory, backend, null))
            {
                Assert.All(Enumerable.Range(0, Count), job => Assert.Equal(JobState.Succeeded, registry.EndOf(job)?.State));
                var outputs = Enumerable.Range(0, Count).Select(job => File.ReadAllText(registry.EndOf(job)!.Output).Trim());
                Assert.Equal(Enumerable.Range(1, Count).Select(n => "done " + n), outputs);
            }

            // A grid lists an array for a moment after its last task wrote its markers.
            await JobRunProgram.WaitFor(() => !JobFitTests.QueuedNames(backend).Contains(name), TimeSpan.FromSeconds(30), () => $"{name} is still queued: {Backends.Queue(backend)}");
        }
        finally
        {
            JobRunProgram.Cancel(backend, name);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Resuming_a_run_after_some_jobs_failed_runs_only_those_again(string backend)
    {
        var work = Path.Combine(scratch, "work");
        File.WriteAllText(FailFlag(2), "");
        File.WriteAllText(FailFlag(5), "");
        IReadOnlyList<JobResult> first;
        await using (var executor = Backends.Create(backend, work))
        {
            first = await executor.ResumeAsync(RunDirectory, FailingJobs());
        }

        Assert.Equal(
            new[] { JobState.Succeeded, JobState.Failed, JobState.Succeeded, JobState.Succeeded, JobState.Failed, JobState.Succeeded },
            first.Select(result => result.State));
        File.Delete(FailFlag(2));
        File.Delete(FailFlag(5));

        IReadOnlyList<JobResult> second;
        await using (var executor = Backends.Create(backend, work))
        {
            second = await executor.ResumeAsync(RunDirectory, FailingJobs());
        }

        Assert.All(second, result => Assert.Equal(JobState.Succeeded, result.State));
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, Started().Take(6).Order());
        Assert.Equal(new[] { 2, 5 }, Started().Skip(6).Order());
        foreach (var kept in new[] { 0, 2, 3, 5 })
        {
            // The journal keeps times to the millisecond.
            Assert.Equal(
                (first[kept].Id, first[kept].Started?.ToUnixTimeMilliseconds(), first[kept].Ended?.ToUnixTimeMilliseconds(), 1),
                (second[kept].Id, second[kept].Started?.ToUnixTimeMilliseconds(), second[kept].Ended?.ToUnixTimeMilliseconds(), second[kept].Attempts));
        }

        Assert.Equal((2, 2), (second[1].Attempts, second[4].Attempts));
        Assert.Equal("ran 5", File.ReadAllText(second[4].StandardOutputPath).Trim());

        // A run that succeeded whole is only read back.
        await using (var executor = Backends.Create(backend, work))
        {
            var third = await executor.ResumeAsync(RunDirectory, FailingJobs());
            Assert.All(third, result => Assert.Equal(JobState.Succeeded, result.State));
        }

        Assert.Equal(8, Started().Count);
    }

    [Fact]
    public async Task Attaching_to_a_finished_run_returns_its_results_without_running_anything()
    {
        await using var executor = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = scratch });
        File.WriteAllText(FailFlag(3), "");
        var ran = await executor.ResumeAsync(RunDirectory, FailingJobs());

        var attached = await executor.AttachAsync(RunDirectory);

        Assert.Equal(ran.Select(result => (result.State, result.ExitCode, result.Id)), attached.Select(result => (result.State, result.ExitCode, result.Id)));
        Assert.Equal(JobState.Failed, attached[2].State); // attaching keeps a failure; resuming would run it again
        Assert.Equal(6, Started().Count);
    }

    [Fact]
    public async Task A_run_directory_is_checked_before_anything_runs()
    {
        await using var executor = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = scratch });

        Assert.Equal("runDirectory", (await Assert.ThrowsAsync<ArgumentException>(() => executor.ResumeAsync(" ", FailingJobs()))).ParamName);
        Assert.Equal("jobs", (await Assert.ThrowsAsync<ArgumentNullException>(() => executor.ResumeAsync(RunDirectory, null!))).ParamName);
        var none = await Assert.ThrowsAsync<ArgumentException>(() => executor.AttachAsync(RunDirectory));
        Assert.Contains("holds no run to attach to", none.Message);

        await executor.ResumeAsync(RunDirectory, FailingJobs());
        var other = await Assert.ThrowsAsync<ArgumentException>(() => executor.ResumeAsync(RunDirectory, FailingJobs().Take(5)));
        Assert.Contains("holds a run of other jobs (6 held, 5 given; job 6 differs)", other.Message);
        await using var grid = JobExecutor.Create("slurm", new JobExecutorOptions { WorkDirectory = scratch });
        var backend = await Assert.ThrowsAsync<ArgumentException>(() => grid.AttachAsync(RunDirectory));
        Assert.Contains("holds a local run", backend.Message);
        Assert.Equal(6, Started().Count);
    }

    [Fact]
    public async Task A_run_being_watched_cannot_be_resumed_by_a_second_caller()
    {
        await using var executor = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = scratch });
        var jobs = new[] { new Job("sh", "-c", "echo 1 >> \"$1\"; sleep 3", "sh", Log) };
        var run = executor.ResumeAsync(RunDirectory, jobs);
        await JobExecutorTests.WaitFor(() => Started().Count == 1);

        var busy = await Assert.ThrowsAsync<IOException>(() => executor.ResumeAsync(RunDirectory, jobs));

        Assert.Contains("is being watched by another process", busy.Message);
        Assert.Equal(JobState.Succeeded, (await run)[0].State);
        Assert.Single(Started());
    }

    /// <summary>Six jobs; job n fails while its flag file exists.</summary>
    private IEnumerable<Job> FailingJobs() => Enumerable.Range(1, 6).Select(n =>
        new Job("sh", "-c", "echo \"$1\" >> \"$2\"; echo \"ran $1\"; test ! -e \"$3\"", "sh", n.ToString(CultureInfo.InvariantCulture), Log, FailFlag(n)) { Name = "resume" });

    private string FailFlag(int job) => Path.Combine(scratch, "fail-" + job.ToString(CultureInfo.InvariantCulture));

    /// <summary>The job numbers in the log, in the order the jobs started.</summary>
    private List<int> Started() =>
        File.Exists(Log) ? File.ReadAllLines(Log).Where(line => line.Length > 0).Select(line => int.Parse(line, CultureInfo.InvariantCulture)).ToList() : new List<int>();

    /// <summary>The kind of each whole line of the journal.</summary>
    private static List<string> Records(string journal)
    {
        try
        {
            var text = File.ReadAllText(journal);
            return text.Substring(0, text.LastIndexOf('\n') + 1).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')[0]).ToList();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new List<string>();
        }
    }
}
