using System.Diagnostics;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Jobs;

/// <summary>What disposing an executor stops and removes, the shared local executor, and where a grid keeps its files.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JobExecutorLifetimeTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("parallellint-lifetime-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task Disposing_removes_the_temporary_work_directory_it_made()
    {
        var executor = JobExecutor.Local();
        var result = await executor.RunAsync(new Job("sh", "-c", "echo kept until disposed"));
        var work = WorkDirectoryOf(result);
        Assert.StartsWith(Path.GetTempPath(), work);
        Assert.Equal("kept until disposed", File.ReadAllText(result.StandardOutputPath).Trim());

        await executor.DisposeAsync();

        Assert.False(Directory.Exists(work), $"{work} is left behind");
        await executor.DisposeAsync(); // a second time does nothing
    }

    [Fact]
    public async Task A_work_directory_kept_or_named_by_the_caller_stays()
    {
        var kept = JobExecutor.Local(new JobExecutorOptions { KeepWorkDirectory = true });
        var keptWork = WorkDirectoryOf(await kept.RunAsync(new Job("true")));
        var named = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = Path.Combine(scratch, "mine") });
        var namedResult = await named.RunAsync(new Job("true"));

        await kept.DisposeAsync();
        await named.DisposeAsync();

        try
        {
            Assert.True(Directory.Exists(keptWork));
            Assert.True(File.Exists(namedResult.StandardOutputPath));
        }
        finally
        {
            Directory.Delete(keptWork, recursive: true);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Disposing_cancels_what_is_outstanding_and_waits_until_nothing_runs(string backend)
    {
        var executor = Backends.Create(backend, Path.Combine(scratch, "work"), new JobExecutorOptions { MaxActive = 1 });
        var marker = Path.Combine(scratch, "started");
        var name = JobFitTests.UniqueName();

        // sleep 61, not 60: test classes run side by side, and others look for their own "sleep 60" in ps.
        var run = executor.RunAllAsync(Enumerable.Range(0, 2).Select(i => new Job("sh", "-c", "touch \"$1\"; exec sleep 61", "sh", marker + i) { Name = name }));
        await JobExecutorTests.WaitFor(() => File.Exists(marker + "0"));

        var clock = Stopwatch.StartNew();
        await executor.DisposeAsync();

        Assert.True(run.IsCompleted, "DisposeAsync returned before the run ended");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), $"disposing took {clock.Elapsed}: it waited for the jobs instead of stopping them");
        var cancelled = await Assert.ThrowsAsync<JobsCancelledException>(() => run);
        Assert.All(cancelled.Results, result => Assert.Equal((JobState.Cancelled, "the executor was disposed"), (result.State, result.Detail)));
        Assert.DoesNotContain(name, JobFitTests.QueuedNames(backend));
        Assert.False(File.Exists(marker + "1"), "a queued job started after the executor was disposed");
        Assert.Equal(nameof(JobExecutor), (await Assert.ThrowsAsync<ObjectDisposedException>(() => executor.RunAsync(new Job("true")))).ObjectName);
        Assert.Throws<ObjectDisposedException>(() => executor.Stage("late.txt", "x"));
    }

    [Theory]
    [InlineData("sge")]
    [InlineData("slurm")]
    public void A_grid_executor_without_a_shared_work_directory_is_refused(string backend)
    {
        var refused = Assert.Throws<ArgumentException>(() => JobExecutor.Create(backend, new JobExecutorOptions()));
        Assert.Equal("options", refused.ParamName);
        Assert.Contains("set JobExecutorOptions.WorkDirectory to a directory the hosts share", refused.Message);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => JobExecutor.Create(backend)).ParamName);
    }

    [Fact]
    public async Task The_shared_executor_is_one_for_the_process_and_outlives_a_dispose()
    {
        Assert.Same(JobExecutor.Shared, JobExecutor.Shared);
        Assert.Equal(Cores.Detect().Available, JobExecutor.Shared.Status().SlotsTotal);

        await JobExecutor.Shared.DisposeAsync();

        var result = await JobExecutor.Shared.RunAsync(new Job("sh", "-c", "echo still here"));
        Assert.Equal("still here", File.ReadAllText(result.StandardOutputPath).Trim());
    }

    [Fact]
    public async Task Two_call_sites_staging_the_same_name_keep_their_own_data()
    {
        await using var executor = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = scratch });

        var first = executor.Stage("data.json", "[1]");
        var second = executor.Stage("data.json", "[2]");

        Assert.NotEqual(first, second);
        Assert.Equal(("[1]", "[2]"), (File.ReadAllText(first), File.ReadAllText(second)));
    }

    /// <summary>The executor's work directory: the parent of the run directory that holds a job's output.</summary>
    private static string WorkDirectoryOf(JobResult result) => Path.GetDirectoryName(Path.GetDirectoryName(result.StandardOutputPath))!;
}
