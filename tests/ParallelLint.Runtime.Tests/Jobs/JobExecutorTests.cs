using System.Diagnostics;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Jobs;

/// <summary>The same behaviour from every backend, with real processes and, for the grids, real daemons.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JobExecutorTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("parallellint-jobtests-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Many_jobs_go_through_few_slots_and_wait_in_the_queue(string backend)
    {
        // Locally a slot for every job, so that only MaxActive holds them back, on any number of cores.
        var executor = Backends.Create(backend, scratch, new JobExecutorOptions { MaxActive = 2, Local = { Slots = 5 } });
        var results = await executor.RunAllAsync(Enumerable.Range(0, 5).Select(i => new Job("sleep", "1") { Name = "nap" + i }));

        Assert.All(results, result => Assert.Equal(JobState.Succeeded, result.State));
        Assert.True(MostAtOnce(results) <= 2, Timeline(results));

        // Five one-second jobs two at a time: the last ones waited for the first ones.
        var first = results.Min(r => r.Ended!.Value);
        Assert.True(results.Max(r => r.Started!.Value) >= first - TimeSpan.FromMilliseconds(200), Timeline(results));
    }

    [Fact]
    public async Task Local_slots_above_the_cores_let_waiting_jobs_run_together()
    {
        // Where 2 cores are available (inside an item of 2, on any machine), 6 slots are above the cores.
        const int Slots = 6;
        var (byDefault, results, total) = await OnCores.RunAsync(2, async () =>
        {
            var byDefault = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = scratch }).Status().SlotsTotal;
            var executor = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = scratch, Local = { Slots = Slots } });
            var results = await executor.RunAllAsync(Enumerable.Range(0, Slots).Select(i => new Job("sleep", "1") { Name = "wait" + i }));
            return (byDefault, results, executor.Status().SlotsTotal);
        });

        Assert.Equal(2, byDefault);
        Assert.All(results, result => Assert.Equal(JobState.Succeeded, result.State));
        Assert.Equal(Slots, MostAtOnce(results));
        Assert.Equal(Slots, total);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task A_job_gets_its_cores_and_wide_jobs_do_not_overlap(string backend)
    {
        // Two jobs too wide to run together, on any machine: locally 2 cores each of 3 slots, on a grid more than half its slots.
        var executor = Backends.Create(backend, scratch, new JobExecutorOptions { Local = { Slots = 3 } });
        var cores = backend == "local" ? 2 : (await Backends.SlotsAsync(backend) / 2) + 1;

        // The scheduler's own allocation by name: Slurm passes on the submitter's variables, an NSLOTS among them.
        var allocation = backend switch { "sge" => "${NSLOTS:-}", "slurm" => "${SLURM_CPUS_PER_TASK:-}", _ => "" };
        var show = $"echo \"$OMP_NUM_THREADS $DOTNET_PROCESSOR_COUNT {allocation}\"; sleep 1";
        var results = await executor.RunAllAsync(Enumerable.Range(0, 2).Select(_ => new Job("sh", "-c", show) { Cores = cores }));

        Assert.All(results, result => Assert.Equal(JobState.Succeeded, result.State));
        var seen = File.ReadAllText(results[0].StandardOutputPath).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var expected = cores.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, seen[0]);
        Assert.Equal(expected, seen[1]);
        if (backend != "local")
        {
            Assert.Equal(expected, seen[2]);
        }

        Assert.Equal(1, MostAtOnce(results));
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Exit_codes_are_reported(string backend)
    {
        var executor = Backends.Create(backend, scratch);
        var results = await executor.RunAllAsync(new[] { new Job("sh", "-c", "exit 3"), new Job("true") });

        Assert.Equal(JobState.Failed, results[0].State);
        Assert.Equal(3, results[0].ExitCode);
        Assert.Equal(JobState.Succeeded, results[1].State);
        Assert.Equal(0, results[1].ExitCode);
        Assert.All(results, result => Assert.Equal(1, result.Attempts));
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task ForEach_hands_each_item_its_result_as_its_job_ends_and_gathers_what_the_handler_threw(string backend)
    {
        var executor = Backends.Create(backend, scratch);
        var seen = new List<(int Item, int? ExitCode, bool SlowStillGoing)>();

        // Item 3's job sleeps: the other two are handed over while it still runs, not after the run.
        var thrown = await Assert.ThrowsAsync<AggregateException>(() => executor.ForEachAsync(
            new[] { 3, 0, 5 },
            code => new Job("sh", "-c", "[ $1 = 3 ] && sleep 6; exit $1", "sh", code.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (code, result) =>
            {
                seen.Add((code, result.ExitCode, executor.Status().Jobs.Any(job => job.State is JobState.Queued or JobState.Running)));
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException("exit " + result.ExitCode);
                }
            }));

        Assert.Equal(new[] { (0, (int?)0), (3, (int?)3), (5, (int?)5) }, seen.Select(s => (s.Item, s.ExitCode)).Order());
        Assert.Equal((3, false), (seen[^1].Item, seen[^1].SlowStillGoing));
        Assert.All(seen.Take(2), s => Assert.True(s.SlowStillGoing, string.Join(", ", seen)));
        Assert.Equal(new[] { "exit 3", "exit 5" }, thrown.InnerExceptions.Select(e => e.Message).Order());
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task RunEach_streams_each_result_as_its_job_ends_and_leaving_early_stops_the_rest(string backend)
    {
        var executor = Backends.Create(backend, scratch);
        var jobs = new[] { new Job("sleep", "60") { Name = "slow" }, new Job("sh", "-c", "exit 2") { Name = "quick" } };

        var yielded = new List<JobResult>();
        await foreach (var result in executor.RunEachAsync(jobs))
        {
            yielded.Add(result);
            break;
        }

        // The quick job came first, while the slow one ran; leaving the loop stopped the slow one.
        Assert.Equal(("quick", JobState.Failed, 2), (yielded.Single().Job.Name, yielded.Single().State, yielded.Single().ExitCode));
        var slow = executor.Status().Jobs.Single(job => job.Job.Name == "slow");
        Assert.Equal(JobState.Cancelled, slow.State);
        Assert.NotNull(slow.Ended);
        Assert.DoesNotContain(executor.Status().Jobs, job => job.State is JobState.Queued or JobState.Running);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task RunEach_yields_every_job_once_and_then_throws_when_cancelled(string backend)
    {
        var executor = Backends.Create(backend, scratch);
        using var cancel = new CancellationTokenSource();
        var yielded = new List<JobResult>();

        var error = await Assert.ThrowsAsync<JobsCancelledException>(async () =>
        {
            await foreach (var result in executor.RunEachAsync(new[] { new Job("true"), new Job("sleep", "60"), new Job("sleep", "60") }, cancel.Token))
            {
                yielded.Add(result);
                cancel.Cancel();
            }
        });

        Assert.Equal(3, yielded.Count);
        Assert.Equal(3, yielded.Distinct().Count());
        Assert.Equal((JobState.Succeeded, 0), (yielded[0].State, yielded[0].ExitCode));
        Assert.All(yielded.Skip(1), result => Assert.Equal(JobState.Cancelled, result.State));
        Assert.Equal(yielded.OrderBy(r => r.Job.Name).Select(r => r.State), error.Results.OrderBy(r => r.Job.Name).Select(r => r.State));
    }

    [Theory]
    [InlineData("local", JobBackend.Local)]
    [InlineData("SGE", JobBackend.Sge)]
    [InlineData("Slurm", JobBackend.Slurm)]
    public async Task The_backend_named_on_a_command_line_is_an_enum_on_the_executor_and_its_status(string name, JobBackend backend)
    {
        await using var executor = JobExecutor.Create(name, new JobExecutorOptions { WorkDirectory = scratch });

        Assert.Equal(backend, executor.Backend);
        Assert.Equal(backend, executor.Status().Backend);
        Assert.StartsWith(name.ToLowerInvariant() + ": slots ", executor.Status().ToString());
    }

    [Fact]
    public void RunEach_refuses_bad_arguments_when_called()
    {
        var executor = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = scratch });
        Assert.Equal("jobs", Assert.Throws<ArgumentNullException>(() => executor.RunEachAsync(null!)).ParamName);
        Assert.Equal("jobs", Assert.Throws<ArgumentException>(() => executor.RunEachAsync(new Job[] { null! })).ParamName);
        Assert.Equal("ended", Assert.Throws<ArgumentNullException>(() => { _ = executor.ForEachAsync(new[] { 1 }, _ => new Job("true"), null!); }).ParamName);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task A_job_killed_mid_run_is_reported_and_retried_when_asked(string backend)
    {
        var executor = Backends.Create(backend, scratch, new JobExecutorOptions { MaxAttempts = 2 });
        var pidFile = Path.Combine(scratch, "pid");

        // The first attempt waits to be killed; the second finds it was and succeeds.
        var script = "if [ -e \"$1.killed\" ]; then exit 0; fi; touch \"$1.killed\"; echo $$ > \"$1\"; exec sleep 60";
        var run = executor.RunAsync(new Job("sh", "-c", script, "sh", pidFile) { Name = "victim" });
        var pid = await WaitForPid(pidFile);
        Process.GetProcessById(pid).Kill(); // SIGKILL
        var result = await run;

        Assert.Equal(JobState.Succeeded, result.State);
        Assert.Equal(2, result.Attempts);
        Assert.Contains("killed by signal 9", result.Detail);

        // Without retries the kill is the job's end.
        File.Delete(pidFile + ".killed");
        File.Delete(pidFile);
        var once = Backends.Create(backend, scratch);
        run = once.RunAsync(new Job("sh", "-c", script, "sh", pidFile));
        Process.GetProcessById(await WaitForPid(pidFile)).Kill();
        result = await run;
        Assert.Equal(JobState.Failed, result.State);
        Assert.Equal(137, result.ExitCode);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Cancelling_stops_every_job_and_leaves_nothing_running_or_queued(string backend)
    {
        var executor = Backends.Create(backend, scratch, new JobExecutorOptions { MaxActive = 1 });
        var marker = Path.Combine(scratch, "started");
        using var cancel = new CancellationTokenSource();
        var run = executor.RunAllAsync(Enumerable.Range(0, 3).Select(i => new Job("sh", "-c", "touch \"$1\"; exec sleep 60", "sh", marker + i) { Name = "long" + i }), cancel.Token);
        await WaitFor(() => File.Exists(marker + "0"));
        cancel.Cancel();

        var cancelled = await Assert.ThrowsAsync<JobsCancelledException>(() => run);
        Assert.All(cancelled.Results, result => Assert.Equal(JobState.Cancelled, result.State));
        Assert.DoesNotContain(Ps(), line => line.Contains("sleep 60"));
        var ids = cancelled.Results.Where(r => r.Id is not null).Select(r => r.Id!.Split('.', '_')[0]).Distinct();
        var queue = Backends.Queue(backend);
        Assert.All(ids, id => Assert.DoesNotContain(" " + id + " ", " " + queue.Replace('\n', ' ') + " "));
        Assert.False(File.Exists(marker + "2"), "a queued job started after the cancellation");
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.Grids), MemberType = typeof(Backends))]
    public async Task A_run_whose_directory_is_removed_stops_clearly_and_leaves_nothing_queued(string backend)
    {
        var work = Path.Combine(scratch, "work");
        var executor = Backends.Create(backend, work, new JobExecutorOptions { MaxActive = 1 });
        var marker = Path.Combine(scratch, "started");
        var name = JobFitTests.UniqueName();
        var run = executor.RunAllAsync(Enumerable.Range(0, 3).Select(i => new Job("sh", "-c", "touch \"$1\"; exec sleep 60", "sh", marker + i) { Name = name }));
        await WaitFor(() => File.Exists(marker + "0"));
        Directory.Delete(work, recursive: true);

        var removed = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => run);
        Assert.Contains("was removed while its jobs ran", removed.Message);
        Assert.DoesNotContain(name, JobFitTests.QueuedNames(backend));
        Assert.False(File.Exists(marker + "2"), "a queued job started after the run stopped");
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task A_job_over_its_time_limit_is_stopped(string backend)
    {
        var executor = Backends.Create(backend, scratch);
        var clock = Stopwatch.StartNew();
        var result = await executor.RunAsync(new Job("sleep", "60") { TimeLimit = TimeSpan.FromSeconds(2) });

        Assert.Equal(JobState.TimedOut, result.State);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"took {clock.Elapsed}");
        Assert.DoesNotContain(Ps(), line => line.Contains("sleep 60"));
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Arguments_pass_through_unchanged_and_no_shell_sees_them(string backend)
    {
        var executor = Backends.Create(backend, scratch);
        var injected = Path.Combine(scratch, "injected");
        var arguments = new[]
        {
            "two words", "quote\" and 'single'", "semi;colon && true", $"$(touch {injected})", $"`touch {injected}`",
            "new\nline", "tab\there", "ünïcødé ✓ 日本", "back\\slash\\", "", "*", "$HOME", "-c",
        };
        var result = await executor.RunAsync(new Job("sh", new[] { "-c", "printf '%s\\0' \"$@\"", "sh" }.Concat(arguments)));

        Assert.Equal(JobState.Succeeded, result.State);
        var echoed = File.ReadAllText(result.StandardOutputPath).Split('\0')[..^1];
        Assert.Equal(arguments, echoed);
        Assert.False(File.Exists(injected));
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task A_job_sees_the_parents_environment_and_its_own_variables(string backend)
    {
        // The parent's variable must reach the task as it is, whatever the grid's default environment.
        var inherited = "PARALLELLINT_TEST_PARENT_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(inherited, "from the parent");
        try
        {
            var executor = Backends.Create(backend, scratch);
            var job = new Job("sh", "-c", $"printf '%s|%s|%s' \"${inherited}\" \"$OWN\" \"$PATH\"") { Environment = { ["OWN"] = "the job's" } };
            var result = await executor.RunAsync(job);

            Assert.Equal(JobState.Succeeded, result.State);
            var seen = File.ReadAllText(result.StandardOutputPath).Split('|');
            Assert.Equal(new[] { "from the parent", "the job's" }, seen[..2]);
            // SGE puts the task's own temporary folder first.
            Assert.EndsWith(Environment.GetEnvironmentVariable("PATH")!, seen[2], StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(inherited, null);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Staged_data_is_written_once_readable_by_every_job_and_private(string backend)
    {
        var executor = Backends.Create(backend, scratch);
        var path = executor.Stage("design.csv", "id,dose\n1,10\n");
        var results = await executor.RunAllAsync(Enumerable.Range(0, 3).Select(_ => new Job("cat", path)));

        Assert.All(results, result => Assert.Equal("id,dose\n1,10\n", File.ReadAllText(result.StandardOutputPath)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        if (Environment.UserName == "root" && File.Exists("/usr/sbin/runuser"))
        {
            // Another user cannot read it.
            using var other = Process.Start(new ProcessStartInfo("/usr/sbin/runuser", $"-u nobody -- cat {path}") { RedirectStandardError = true })!;
            other.WaitForExit();
            Assert.NotEqual(0, other.ExitCode);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task Executors_sharing_a_work_directory_never_see_each_others_files(string backend)
    {
        var shared = Path.Combine(scratch, "work");
        var first = await Backends.Create(backend, scratch, new JobExecutorOptions { WorkDirectory = shared }).RunAsync(new Job("sh", "-c", "echo one"));
        var second = await Backends.Create(backend, scratch, new JobExecutorOptions { WorkDirectory = shared }).RunAsync(new Job("sh", "-c", "echo two; exit 4"));

        Assert.Equal((JobState.Succeeded, "one\n"), (first.State, File.ReadAllText(first.StandardOutputPath)));
        Assert.Equal((JobState.Failed, 4, "two\n"), (second.State, second.ExitCode, File.ReadAllText(second.StandardOutputPath)));
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.Grids), MemberType = typeof(Backends))]
    public async Task Similar_jobs_go_out_as_one_array_job(string backend)
    {
        var executor = Backends.Create(backend, scratch);
        var results = await executor.RunAllAsync(Enumerable.Range(1, 4).Select(i => new Job("sh", "-c", "exit $1", "sh", (i % 2 * 5).ToString())));

        var arrays = results.Select(r => r.Id!.Split('.', '_')[0]).Distinct().ToList();
        Assert.Single(arrays);
        Assert.Equal(new[] { "1", "2", "3", "4" }, results.Select(r => r.Id!.Split('.', '_')[1]));
        Assert.Equal(new int?[] { 5, 0, 5, 0 }, results.Select(r => r.ExitCode));
        Assert.All(results, result => Assert.False(string.IsNullOrEmpty(result.Host)));
    }

    private static int MostAtOnce(IReadOnlyList<JobResult> results)
    {
        // Sweep over starts (+1) and ends (-1); an end at the same instant as a start comes first.
        var events = results.SelectMany(r => new[] { (Time: r.Started!.Value, Delta: 1), (Time: r.Ended!.Value, Delta: -1) })
            .OrderBy(e => e.Time).ThenBy(e => e.Delta);
        int current = 0, most = 0;
        foreach (var (_, delta) in events)
        {
            current += delta;
            most = Math.Max(most, current);
        }

        return most;
    }

    private static string Timeline(IEnumerable<JobResult> results) =>
        string.Join("; ", results.Select(r => $"{r.Job.Name} {r.Started:HH:mm:ss.fff}-{r.Ended:HH:mm:ss.fff}"));

    private static async Task<int> WaitForPid(string path)
    {
        await WaitFor(() => File.Exists(path) && File.ReadAllText(path).Trim().Length > 0);
        return int.Parse(File.ReadAllText(path).Trim());
    }

    internal static async Task WaitFor(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "timed out waiting for the job to start");
            await Task.Delay(100);
        }
    }

    private static string[] Ps()
    {
        using var ps = Process.Start(new ProcessStartInfo("ps", "-eo args") { RedirectStandardOutput = true })!;
        var lines = ps.StandardOutput.ReadToEnd().Split('\n');
        ps.WaitForExit();
        return lines;
    }
}
