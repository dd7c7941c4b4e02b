using System.Diagnostics;
using System.Diagnostics.Metrics;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Jobs;

/// <summary>Bad arguments, missing or failing schedulers, and what a run reports while it goes.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JobExecutorErrorTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("parallellint-joberrors-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task Bad_arguments_name_the_parameter()
    {
        Assert.Equal("executable", Assert.Throws<ArgumentException>(() => new Job("")).ParamName);
        Assert.Equal("arguments", Assert.Throws<ArgumentException>(() => new Job("echo", "a", null!)).ParamName);
        Assert.Equal("Cores", Assert.Throws<ArgumentOutOfRangeException>(() => new Job("echo") { Cores = 0 }).ParamName);
        Assert.Equal("MaxAttempts", Assert.Throws<ArgumentOutOfRangeException>(() => new JobExecutorOptions { MaxAttempts = 0 }).ParamName);
        Assert.Equal("MaxActive", Assert.Throws<ArgumentOutOfRangeException>(() => new JobExecutorOptions { MaxActive = -1 }).ParamName);
        Assert.Equal("Slots", Assert.Throws<ArgumentOutOfRangeException>(() => new JobExecutorOptions { Local = { Slots = 0 } }).ParamName);
        Assert.Equal("backend", Assert.Throws<ArgumentException>(() => JobExecutor.Create("pbs")).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => JobExecutor.Local().Stage("../escape", "x")).ParamName);
        Assert.Equal("jobs", (await Assert.ThrowsAsync<ArgumentException>(() => JobExecutor.Local().RunAllAsync(new Job[] { null! }))).ParamName);
    }

    [Fact]
    public async Task A_program_that_cannot_start_is_a_failed_job_not_a_crash()
    {
        var result = await JobExecutor.Local(new JobExecutorOptions { WorkDirectory = scratch }).RunAsync(new Job(Path.Combine(scratch, "no-such-program")));

        Assert.Equal(JobState.Failed, result.State);
        Assert.Null(result.ExitCode);
        Assert.Contains("could not start", result.Detail);
    }

    [Theory]
    [InlineData("sge", "qsub")]
    [InlineData("slurm", "sbatch")]
    public async Task A_missing_scheduler_says_which_command_and_what_to_do(string backend, string command)
    {
        var executor = JobExecutor.Create(backend, new JobExecutorOptions { WorkDirectory = scratch, Grid = { SchedulerDirectory = Path.Combine(scratch, "nowhere") } });

        var error = await Assert.ThrowsAsync<JobSchedulerException>(() => executor.RunAsync(new Job("true")));
        Assert.Contains($"'{command}' could not be run", error.Message);
        Assert.Contains("SchedulerDirectory", error.Message);
    }

    [Theory]
    [InlineData("sge", "qsub", "error: commlib error: got select error (Connection refused)\nUnable to run job: unable to contact qmaster using port 6444 on host \"vm\"")]
    [InlineData("slurm", "sbatch", "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)")]
    public async Task A_daemon_that_is_down_is_retried_with_back_off_then_reported(string backend, string command, string message)
    {
        var calls = FakeScheduler(command, message);
        var executor = JobExecutor.Create(backend, new JobExecutorOptions { WorkDirectory = scratch, Grid = { SchedulerDirectory = scratch, SubmitRetryTime = TimeSpan.FromSeconds(4) } });

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<JobSchedulerException>(() => executor.RunAsync(new Job("true")));
        Assert.Contains("refused the jobs for 4 s", error.Message);
        Assert.Contains(message.Split('\n')[0], error.Message);

        // Waits of 1, 2 s: three tries, not a tight loop.
        Assert.InRange(File.ReadAllLines(calls).Length, 2, 4);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15));
        Assert.All(executor.Status().Jobs, job => Assert.Equal(JobState.Cancelled, job.State));
    }

    [Fact]
    public async Task A_refused_job_is_reported_at_once()
    {
        var calls = FakeScheduler("sbatch", "sbatch: error: invalid partition specified: gpu");
        var executor = JobExecutor.Slurm(new JobExecutorOptions { WorkDirectory = scratch, Grid = { SchedulerDirectory = scratch, Queue = "gpu" } });

        var error = await Assert.ThrowsAsync<JobSchedulerException>(() => executor.RunAsync(new Job("true")));
        Assert.Contains("invalid partition specified: gpu", error.Message);
        Assert.Single(File.ReadAllLines(calls));
    }

    [Fact]
    public async Task Progress_status_and_metrics_follow_every_job()
    {
        var snapshots = new List<JobStatus>();
        var ended = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ParallelLint.Runtime" && instrument.Name == "parallellint.job.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            // Other tests run jobs at the same time on the same meter: the assertions below are lower bounds.
            var state = (string)tags.ToArray().Single(tag => tag.Key == "parallellint.job.state").Value!;
            lock (ended)
            {
                ended[state] = ended.GetValueOrDefault(state) + 1;
            }
        });
        listener.Start();

        var executor = JobExecutor.Local(new JobExecutorOptions { Progress = new Synchronous<JobStatus>(snapshots.Add), MaxActive = 1, WorkDirectory = scratch });
        var results = await executor.RunAllAsync(new[] { new Job("true") { Name = "ok" }, new Job("false") { Name = "bad" } });

        var status = executor.Status();
        Assert.Equal((1, 1, 0, 0), (status.Succeeded, status.Failed, status.Queued, status.Running));
        Assert.Equal(0, status.SlotsUsed);
        Assert.Equal(Cores.Available, status.SlotsTotal);
        Assert.Matches(@"^local: slots 0/\d+ used; jobs 0 queued, 0 running, 1 done, 1 failed", status.ToString());
        Assert.Contains(snapshots, s => s.Running == 1 && s.Queued == 1);
        Assert.Equal(2, snapshots.First().Queued);
        lock (ended)
        {
            Assert.True(ended.GetValueOrDefault("succeeded") >= 1);
            Assert.True(ended.GetValueOrDefault("failed") >= 1);
        }
    }

    [Fact]
    public async Task The_status_counts_each_end_by_its_own_name()
    {
        await using var executor = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = scratch, Local = { Slots = 4 } });
        await executor.RunAllAsync(new[] { new Job("true"), new Job("false"), new Job("sleep", "30") { TimeLimit = TimeSpan.FromMilliseconds(300) } });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAsync<JobsCancelledException>(() => executor.RunAllAsync(new[] { new Job("sleep", "30"), new Job("sleep", "30") }, cancel.Token));

        var status = executor.Status();

        Assert.Equal((1, 1, 1, 2, 0, 5), (status.Succeeded, status.Failed, status.TimedOut, status.Cancelled, status.Lost, status.Ended));
        Assert.StartsWith("local: slots 0/4 used; jobs 0 queued, 0 running, 1 done, 1 failed, 1 timed out, 2 cancelled\n", status.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>A stand-in for a scheduler command that always fails with <paramref name="message"/>; returns the file logging its calls.</summary>
    private string FakeScheduler(string command, string message)
    {
        var calls = Path.Combine(scratch, command + ".calls");
        var script = Path.Combine(scratch, command);
        File.WriteAllText(script, $"#!/bin/sh\necho \"$@\" >> '{calls}'\ncat >&2 <<'EOF'\n{message}\nEOF\nexit 1\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(calls, "");
        return calls;
    }

    private sealed class Synchronous<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
