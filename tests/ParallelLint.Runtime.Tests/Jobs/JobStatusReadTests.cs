using System.Diagnostics;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Jobs;

/// <summary>
/// <see cref="JobStatus.Read"/> on real runs, read from their directory as another process would (without the
/// executor's objects), and the CPU, memory and launch figures of <see cref="JobResult"/>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JobStatusReadTests : IDisposable
{
    // About 1.5 s of one core's shell arithmetic here (300000 rounds took 0.46 s of CPU).
    private static readonly string[] Busy = { "sh", "-c", "i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done" };

    // 200 MiB kept by tail (a line without an end is kept whole) for two seconds.
    private static readonly string[] Holds200MiB = { "bash", "-c", "{ head -c 200m /dev/zero; sleep 2; } | tail > /dev/null; exit ${PIPESTATUS[1]}" };

    private readonly string scratch = Directory.CreateTempSubdirectory("parallellint-status-").FullName;

    private string RunDirectory => Path.Combine(scratch, "run");

    public void Dispose() => Backends.Delete(scratch);

    [Fact]
    public async Task A_local_run_is_read_from_its_directory_while_it_runs_and_after_it_ended()
    {
        await using var executor = Backends.Create("local", Path.Combine(scratch, "work"), new JobExecutorOptions { Local = { Slots = 2 } });
        var jobs = Enumerable.Range(1, 3).Select(i => new Job("sleep", "3") { Name = "sleep" + i }).ToList();
        var run = executor.ResumeAsync(RunDirectory, jobs);

        var during = await ReadUntilAsync(status => status.Running == 2);
        Assert.Equal((2, 1, 0), (during.Running, during.Queued, during.Ended));
        Assert.Equal((int?)2, during.SlotsUsed);
        Assert.Equal((int?)2, during.SlotsTotal);
        Assert.NotNull(during.Watcher);
        Assert.Equal(Environment.ProcessId + " " + Environment.MachineName, during.Watcher);
        foreach (var running in during.Jobs.Where(job => job.State == JobState.Running))
        {
            Assert.Equal(Environment.MachineName, running.Host);
            Assert.True(DateTimeOffset.Now - running.Started!.Value is { TotalSeconds: >= 0 and < 10 }, $"elapsed from {running.Started}");
            Assert.NotNull(running.Id);
        }

        var results = await run;
        var after = JobStatus.Read(RunDirectory);
        Assert.Equal(3, after.Succeeded);
        Assert.Equal((int?)0, after.SlotsUsed);
        Assert.Null(after.Watcher);
        Assert.Equal(results.Select(result => (result.Id, result.Host, Milliseconds(result.Ended))), after.Jobs.Select(result => (result.Id, result.Host, Milliseconds(result.Ended))));
        Assert.Equal(jobs.Select(job => job.Name), after.Jobs.Select(result => result.Job.Name));
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task A_busy_job_has_CPU_time_near_its_wall_time_and_a_sleeping_job_almost_none(string backend)
    {
        await using var executor = Backends.Create(backend, Path.Combine(scratch, "work"));
        var clock = Stopwatch.StartNew();
        var run = executor.ResumeAsync(RunDirectory, new[] { new Job(Busy[0], Busy.Skip(1)) { Name = "busy" }, new Job("sleep", "1") { Name = "sleep" } });
        if (backend != "local")
        {
            // Mid-run, a grid job is queued until its start marker, then running with the host the marker names.
            var during = await ReadUntilAsync(status => status.Running > 0 || status.Ended > 0);
            Assert.Equal(2, during.Jobs.Count);
            Assert.All(during.Jobs.Where(job => job.State == JobState.Running), job => Assert.False(string.IsNullOrEmpty(job.Host)));
            Assert.All(during.Jobs, job => Assert.NotNull(job.Id));
        }

        var results = await run;
        var wall = clock.Elapsed;
        Assert.All(results, result => Assert.Equal(JobState.Succeeded, result.State));
        var (busy, sleep) = (results[0], results[1]);
        // The machine is shared: the loop gets its CPU over a wall time that other work may stretch, never shrink.
        var busyWall = busy.Ended!.Value - busy.Started!.Value;
        Assert.True(busy.CpuTime >= TimeSpan.FromSeconds(0.7) && busy.CpuTime <= busyWall + TimeSpan.FromSeconds(0.1), $"busy: CPU {busy.CpuTime} over {busyWall}");
        Assert.True(sleep.CpuTime < TimeSpan.FromSeconds(0.2), $"sleep: CPU {sleep.CpuTime}");
        Assert.All(results, result => Assert.True(result.LaunchDuration > TimeSpan.Zero && result.LaunchDuration < wall, $"launch {result.LaunchDuration} of {wall}"));

        // Another process sees the same figures in the journal.
        var read = JobStatus.Read(RunDirectory);
        Assert.Equal(results.Select(result => (result.State, result.CpuTime, result.LaunchDuration, result.PeakMemoryBytes)), read.Jobs.Select(result => (result.State, result.CpuTime, result.LaunchDuration, result.PeakMemoryBytes)));
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task A_job_holding_200_MiB_peaks_near_it_and_a_sleeping_job_far_below(string backend)
    {
        await using var executor = Backends.Create(backend, Path.Combine(scratch, "work"));
        var results = await executor.ResumeAsync(RunDirectory, new[] { new Job(Holds200MiB[0], Holds200MiB.Skip(1)) { Name = "holds" }, new Job("sleep", "1") { Name = "sleep" } });

        Assert.All(results, result => Assert.Equal(JobState.Succeeded, result.State));
        AssertPeaks(results[0], results[1]);
        Assert.Equal(results.Select(result => result.PeakMemoryBytes), JobStatus.Read(RunDirectory).Jobs.Select(result => result.PeakMemoryBytes));
    }

    [Fact]
    public async Task A_temporary_local_run_samples_peak_memory_too()
    {
        await using var executor = Backends.Create("local", Path.Combine(scratch, "work"));
        var results = await executor.RunAllAsync(new[] { new Job(Holds200MiB[0], Holds200MiB.Skip(1)), new Job("sleep", "1") });

        AssertPeaks(results[0], results[1]);
    }

    private static void AssertPeaks(JobResult holds, JobResult sleep)
    {
        // tail's buffers and the shells around it; a sleeping job is one small process.
        Assert.InRange(holds.PeakMemoryBytes ?? 0, 195L << 20, 1L << 30);
        Assert.InRange(sleep.PeakMemoryBytes ?? 0, 1, 20L << 20);
    }

    [Fact]
    public async Task A_journal_cut_mid_line_and_one_without_the_new_fields_still_read()
    {
        await using var executor = Backends.Create("local", Path.Combine(scratch, "work"));
        var results = await executor.ResumeAsync(RunDirectory, new[] { new Job(Busy[0], Busy.Skip(1)) });
        Assert.NotNull(results[0].CpuTime);
        var journal = Path.Combine(RunDirectory, "journal");
        var whole = File.ReadAllText(journal);

        File.AppendAllText(journal, "end\t0\t3\t1");
        var cut = JobStatus.Read(RunDirectory);
        Assert.Equal((JobState.Succeeded, results[0].CpuTime), (cut.Jobs[0].State, cut.Jobs[0].CpuTime));

        // As an older version wrote it: start records of six fields, end records of twelve, no watch record.
        var old = whole.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith("watch\t", StringComparison.Ordinal))
            .Select(line => line.Split('\t'))
            .Select(fields => string.Join("\t", fields.Take(fields[0] switch { "start" => 6, "end" => 12, "id" => 3, _ => fields.Length })) + "\n");
        File.WriteAllText(journal, string.Concat(old));
        var older = JobStatus.Read(RunDirectory);
        Assert.Equal(JobState.Succeeded, older.Jobs[0].State);
        Assert.Equal(Milliseconds(results[0].Ended), Milliseconds(older.Jobs[0].Ended));
        Assert.Equal((null, null, null, null), (older.Jobs[0].CpuTime, older.Jobs[0].PeakMemoryBytes, older.Jobs[0].LaunchDuration, older.SlotsTotal));

        // The executor attaches to it too, with the figures unknown.
        await using var again = Backends.Create("local", Path.Combine(scratch, "work"));
        var attached = await again.AttachAsync(RunDirectory);
        Assert.Equal((JobState.Succeeded, (TimeSpan?)null), (attached[0].State, attached[0].CpuTime));
    }

    [Fact]
    public void A_directory_without_a_run_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => JobStatus.Read(scratch));
        Assert.Contains("holds no ParallelLint run", error.Message);
        Assert.Contains(scratch, error.Message);
        Assert.Throws<ArgumentException>(() => JobStatus.Read(" "));
    }

    private static long? Milliseconds(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    private async Task<JobStatus> ReadUntilAsync(Func<JobStatus, bool> reached)
    {
        var deadline = DateTimeOffset.Now + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (File.Exists(Path.Combine(RunDirectory, "jobs")) && JobStatus.Read(RunDirectory) is var status && reached(status))
            {
                return status;
            }

            Assert.True(DateTimeOffset.Now < deadline, "the run never reached the state looked for");
            await Task.Delay(100);
        }
    }
}
