using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Jobs;

/// <summary>Memory per job and the user's own scheduler options, as the real daemons receive them.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JobResourceTests : IDisposable
{
    // tail keeps a line without a newline whole: 300 MiB of zeros needs 300 MiB, 10 MiB fits in a 100 MiB limit.
    private const string HoldInMemory = "head -c \"$1\" /dev/zero | tail > /dev/null; exit ${PIPESTATUS[1]}";

    // The same, holding the memory for 5 s before tail sees the end of its line.
    private const string HoldInMemoryAWhile = "{ head -c \"$1\" /dev/zero; sleep 5; } | tail > /dev/null; exit ${PIPESTATUS[1]}";

    private readonly string scratch = Directory.CreateTempSubdirectory("parallellint-resources-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [SkippableFact]
    public async Task Sge_enforces_the_memory_a_job_asks_for()
    {
        await using var executor = Backends.Create("sge", scratch);

        var results = await executor.RunAllAsync(new[] { "10m", "300m" }.Select(size => new Job("bash", "-c", HoldInMemory, "bash", size) { MemoryMegabytes = 100, Name = "mem" + size }));

        Assert.Equal(JobState.Succeeded, results[0].State);
        Assert.Equal((JobState.Failed, 1), (results[1].State, results[1].ExitCode));
        Assert.Contains("memory exhausted", File.ReadAllText(results[1].StandardErrorPath));
    }

    [SkippableFact]
    public async Task Sge_asks_for_memory_per_slot()
    {
        await using var executor = Backends.Create("sge", scratch);

        var result = await executor.RunAsync(new Job("bash", "-c", "ulimit -v") { MemoryMegabytes = 301, Cores = 2 });

        // 301 MiB over 2 slots: 151 MiB each, and the job's limit is the sum, in KiB.
        Assert.Equal(JobState.Succeeded, result.State);
        Assert.Equal((2 * 151 * 1024).ToString(), File.ReadAllText(result.StandardOutputPath).Trim());
    }

    [SkippableFact]
    public async Task Slurm_is_given_the_memory_a_job_asks_for()
    {
        await using var executor = Backends.Create("slurm", scratch);

        var name = JobFitTests.UniqueName();
        var result = await executor.RunAsync(new Job("true") { MemoryMegabytes = 100, Name = name });

        Assert.Equal(JobState.Succeeded, result.State);

        // The executor knew from the job's marker; slurmdbd records the job a moment later.
        var requested = "";
        for (var wait = 0; wait < 60 && requested.Length == 0; wait++)
        {
            await Task.Delay(wait == 0 ? 0 : 500);
            requested = JobFitTests.Run("sacct", "-n", "-X", "-P", "-S", "now-1hour", "--name", name, "-o", "ReqMem").Trim();
        }

        Assert.Equal("100M", requested);
    }

    [SkippableFact]
    public async Task Slurm_kills_a_job_over_its_memory_and_it_ends_out_of_memory_not_retried_by_default()
    {
        await using var executor = Backends.Create("slurm", scratch, new JobExecutorOptions { MaxAttempts = 3 });

        // Held for 5 s: the accounting plugin that enforces --mem samples once a second.
        var results = await executor.RunAllAsync(new[] { "10m", "300m" }.Select(size => new Job("bash", "-c", HoldInMemoryAWhile, "bash", size) { MemoryMegabytes = 100 }));

        Assert.Equal(JobState.Succeeded, results[0].State);
        Assert.Equal((JobState.OutOfMemory, 137, 1), (results[1].State, results[1].ExitCode, results[1].Attempts));
        Assert.Contains("killed it for its memory (100 MiB asked)", results[1].Detail);
        Assert.Contains("exceeded memory limit", results[1].Detail);
        Assert.Equal(1, executor.Status().OutOfMemory);
        Assert.Contains("1 out of memory", executor.Status().ToString());
    }

    [SkippableFact]
    public async Task A_job_out_of_memory_is_retried_with_more_when_asked()
    {
        await using var executor = Backends.Create("slurm", scratch, new JobExecutorOptions { MaxAttempts = 3, MemoryGrowthPerAttempt = 4 });

        var name = JobFitTests.UniqueName();
        var result = await executor.RunAsync(new Job("bash", "-c", HoldInMemoryAWhile, "bash", "300m") { MemoryMegabytes = 100, Name = name });

        Assert.Equal((JobState.Succeeded, 2), (result.State, result.Attempts));
        var requested = "";
        for (var wait = 0; wait < 60 && requested.Split('\n').Length < 2; wait++)
        {
            await Task.Delay(wait == 0 ? 0 : 500);
            requested = JobFitTests.Run("sacct", "-n", "-X", "-P", "-S", "now-1hour", "--name", name, "-o", "ReqMem,State").Trim();
        }

        Assert.Equal(new[] { "100M|FAILED", "400M|COMPLETED" }, requested.Split('\n').Select(line => line.Trim()));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_memory_growth_below_one_or_not_finite_is_refused(double factor)
    {
        Assert.Equal("MemoryGrowthPerAttempt", Assert.Throws<ArgumentOutOfRangeException>(() => new JobExecutorOptions { MemoryGrowthPerAttempt = factor }).ParamName);
        Assert.Equal(1, new JobExecutorOptions().MemoryGrowthPerAttempt);
    }

    [SkippableTheory]
    [InlineData("sge", "-v")]
    [InlineData("slurm", "--export=ALL,")]
    public async Task Scheduler_arguments_reach_the_scheduler_unchanged(string backend, string option)
    {
        const string Value = "a b;$(echo injected)'\"";
        var options = new JobExecutorOptions();
        if (option.EndsWith(','))
        {
            options.Grid.SchedulerArguments.Add(option + "PL_EXTRA=" + Value);
        }
        else
        {
            options.Grid.SchedulerArguments.Add(option);
            options.Grid.SchedulerArguments.Add("PL_EXTRA=" + Value);
        }

        await using var executor = Backends.Create(backend, scratch, options);

        var result = await executor.RunAsync(new Job("sh", "-c", "printf %s \"$PL_EXTRA\""));

        Assert.Equal(JobState.Succeeded, result.State);
        Assert.Equal(Value, File.ReadAllText(result.StandardOutputPath));
    }

    [SkippableTheory]
    [InlineData("sge", "gpu", "unknown resource \"gpu\"")]
    [InlineData("sge", "site_gpus", "unknown resource \"site_gpus\"")]
    [InlineData("slurm", "gpu", "Invalid generic resource (gres) specification")]
    public async Task The_gpus_a_job_needs_reach_the_scheduler_which_refuses_them_on_a_grid_without_any(string backend, string sgeResource, string refusal)
    {
        // The single-node grids have no GPUs: the scheduler's own refusal shows what it was asked for.
        await using var executor = Backends.Create(backend, scratch, new JobExecutorOptions { Sge = { GpuResource = sgeResource } });

        var error = await Assert.ThrowsAsync<JobSchedulerException>(() => executor.RunAsync(new Job("true") { Gpus = 1 }));

        Assert.Contains(refusal, error.Message);
        Assert.Contains(backend == "sge" ? sgeResource + "=1" : "--gres=gpu:1", error.Message);
        Assert.DoesNotContain(executor.Status().Jobs, job => job.State is JobState.Queued or JobState.Running);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Jobs_that_need_no_gpus_ask_for_none(string backend)
    {
        await using var executor = Backends.Create(backend, scratch);

        var result = await executor.RunAsync(new Job("true") { Gpus = 0 });

        Assert.Equal(JobState.Succeeded, result.State);
    }

    [Fact]
    public void A_negative_number_of_gpus_is_refused()
    {
        Assert.Equal("Gpus", Assert.Throws<ArgumentOutOfRangeException>(() => new Job("true") { Gpus = -1 }).ParamName);
        Assert.Equal(0, new Job("true").Gpus);
    }

    [Fact]
    public void A_memory_limit_of_nothing_is_refused()
    {
        Assert.Equal("MemoryMegabytes", Assert.Throws<ArgumentOutOfRangeException>(() => new Job("true") { MemoryMegabytes = 0 }).ParamName);
        Assert.Null(new Job("true") { MemoryMegabytes = null }.MemoryMegabytes);
    }
}
