using System.Diagnostics;
using System.Xml.Linq;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Jobs;

/// <summary>
/// A job wider than any slot is refused at once, naming the limit and where it comes from, with nothing queued;
/// real daemons for the grids, fake scheduler commands for configurations the single-node grids don't have.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JobFitTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("parallellint-jobfit-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public async Task A_job_wider_than_every_slot_is_refused_before_anything_is_queued(string backend)
    {
        var work = Path.Combine(scratch, "work");
        var executor = Backends.Create(backend, work);

        // eng/grid/*-up.sh give both grids 2 slots: SGE's all.q (PE smp), Slurm's partition debug.
        var (limit, source) = backend switch
        {
            "local" => (Cores.Available, "Cores.Available = "),
            "sge" => (2, "parallel environment 'smp'"),
            _ => (2, "partition 'debug'"),
        };
        var name = UniqueName();
        var jobs = new[] { new Job("true") { Name = name }, new Job("sleep", "300") { Name = name, Cores = limit + 2 } };

        // Without the check the wide job waits (or, locally, runs) for good: the token ends the run, and the test fails.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<JobDoesNotFitException>(() => executor.RunAllAsync(jobs, stop.Token));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Same(jobs[1], error.Job);
        Assert.Equal(limit, error.Limit);
        Assert.Equal("jobs", error.ParamName);
        Assert.Contains($"needs {limit + 2} cores, but {backend} gives one job at most {limit}:", error.Message);
        Assert.Contains(source, error.Message);
        Assert.Contains($"Nothing was {(backend == "local" ? "started" : "submitted")}: lower Job.Cores to {limit} or less", error.Message);
        Assert.DoesNotContain("(Parameter", error.Message);
        if (backend == "sge")
        {
            Assert.Matches(@"largest queue instance, all\.q@\S+, has 2 slots", error.Message);
        }

        // Nothing of the run was prepared, started or queued.
        Assert.Empty(executor.Status().Jobs);
        Assert.False(Directory.Exists(work), "the refused run made its directory");
        Assert.DoesNotContain(name, QueuedNames(backend));
    }

    [Fact]
    public async Task Local_slots_set_in_the_options_are_the_limit_the_error_names()
    {
        var executor = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = Path.Combine(scratch, "work"), Local = { Slots = Cores.Available + 1 } });

        var error = await Assert.ThrowsAsync<JobDoesNotFitException>(() => executor.RunAsync(new Job("true") { Name = "wide", Cores = Cores.Available + 2 }));
        Assert.Contains($"Job 'wide' needs {Cores.Available + 2} cores, but local gives one job at most {Cores.Available + 1}: " +
                        $"the executor's slots, JobExecutorOptions.Local.Slots = {Cores.Available + 1}.", error.Message);

        // The slots, not the machine, are the limit: a job as wide as them runs.
        Assert.Equal(JobState.Succeeded, (await executor.RunAsync(new Job("true") { Cores = Cores.Available + 1 })).State);
    }

    [Fact]
    public async Task Sge_takes_the_largest_queue_instance_that_offers_the_parallel_environment()
    {
        // PE mpi: 16 slots, all on one host; a.q offers it on h1 (2 slots) and h2 (6); b.q on h3 (32) does not.
        var calls = Fake("qconf", "printf 'pe_name mpi\\nslots 16\\nallocation_rule $pe_slots\\n'");
        Fake("qselect", "[ \"$*\" = '-pe mpi' ] && printf 'a.q@h1\\na.q@h2\\n'");
        Fake("qstat", $"cat <<'EOF'\n{QueueXml(("a.q@h1", 2), ("a.q@h2", 6), ("b.q@h3", 32))}\nEOF");
        var submitted = Fake("qsub", "exit 1");
        var executor = JobExecutor.Sge(new JobExecutorOptions { WorkDirectory = scratch, Grid = { SchedulerDirectory = scratch }, Sge = { ParallelEnvironment = "mpi" } });

        var error = await Assert.ThrowsAsync<JobDoesNotFitException>(() => executor.RunAllAsync(new[] { new Job("true") { Cores = 6 }, new Job("true") { Name = "seven", Cores = 7 } }));
        Assert.Equal(6, error.Limit);
        Assert.Contains("Job 'seven' needs 7 cores, but sge gives one job at most 6: parallel environment 'mpi' (qconf -sp mpi: slots 16, allocation_rule $pe_slots) " +
                        "in which its largest queue instance, a.q@h2, has 6 slots and a job must fit on one host", error.Message);
        Assert.Contains("JobExecutorOptions.Sge.ParallelEnvironment", error.Message);
        Assert.Equal("-sp mpi", File.ReadAllText(calls).Trim());
        Assert.Empty(File.ReadAllText(submitted));

        // Asked once per executor.
        await Assert.ThrowsAsync<JobDoesNotFitException>(() => executor.RunAsync(new Job("true") { Cores = 8 }));
        Assert.Single(File.ReadAllLines(calls));
    }

    [Fact]
    public async Task Slurm_takes_the_largest_node_of_the_partition_and_its_cpu_cap()
    {
        // Partition big: nodes of 4 and 64 CPUs, but MaxCPUsPerNode=8.
        var calls = Fake("sinfo", "printf 'big|4|8\\nbig|64|8\\n'");
        var submitted = Fake("sbatch", "exit 1");
        var executor = JobExecutor.Slurm(new JobExecutorOptions { WorkDirectory = scratch, Grid = { SchedulerDirectory = scratch, Queue = "big" } });

        var error = await Assert.ThrowsAsync<JobDoesNotFitException>(() => executor.RunAsync(new Job("true") { Name = "wide", Cores = 9 }));
        Assert.Equal(8, error.Limit);
        Assert.Contains("Job 'wide' needs 9 cores, but slurm gives one job at most 8: partition 'big' allows 8 CPUs per node (MaxCPUsPerNode", error.Message);
        Assert.Equal("-h -N -o %P|%c|%B -p big", File.ReadAllText(calls).Trim());
        Assert.Empty(File.ReadAllText(submitted));
    }

    [Theory]
    [InlineData("sge", "qsub", "qconf", "Unable to run job: denied: host \"vm\" is no submit host.")]
    [InlineData("slurm", "sbatch", "sinfo", "sbatch: error: Batch job submission failed: Requested node configuration is not available")]
    public async Task When_the_scheduler_cannot_be_asked_the_submission_reports_what_is_wrong(string backend, string submit, string query, string refusal)
    {
        // The configuration query fails as with the daemon down; the run goes on and the submission's error is the answer.
        var asked = Fake(query, "echo 'error: commlib error: got select error (Connection refused)' >&2; exit 1");
        var submitted = Fake(submit, $"echo '{refusal}' >&2; exit 1");
        var executor = JobExecutor.Create(backend, new JobExecutorOptions { WorkDirectory = Path.Combine(scratch, "work"), Grid = { SchedulerDirectory = scratch } });

        var error = await Assert.ThrowsAsync<JobSchedulerException>(() => executor.RunAsync(new Job("true") { Cores = 4 }));
        Assert.Contains(refusal, error.Message);
        Assert.Single(File.ReadAllLines(asked));
        Assert.Single(File.ReadAllLines(submitted));
    }

    /// <summary>A job name no other test (or other checkout using the same daemons) uses.</summary>
    internal static string UniqueName() => "jobfit-" + Guid.NewGuid().ToString("N").Substring(0, 8);

    /// <summary>The names of every job queued or running on <paramref name="backend"/>'s scheduler, in full.</summary>
    internal static IReadOnlyList<string> QueuedNames(string backend) => backend switch
    {
        // qstat's table cuts names to 10 characters; its XML does not.
        "sge" => XDocument.Parse(Run("qstat", "-u", "*", "-xml")).Descendants("JB_name").Select(e => e.Value.Trim()).ToList(),
        "slurm" => Run("squeue", "-h", "-o", "%j").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        _ => Array.Empty<string>(),
    };

    internal static string Run(string command, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}");
        return output;
    }

    private static string QueueXml(params (string Name, int Slots)[] queues) =>
        "<?xml version='1.0'?><job_info><queue_info>" +
        string.Concat(queues.Select(q => $"<Queue-List><name>{q.Name}</name><slots_used>0</slots_used><slots_total>{q.Slots}</slots_total></Queue-List>")) +
        "</queue_info><job_info></job_info></job_info>";

    /// <summary>A stand-in for scheduler command <paramref name="command"/> running <paramref name="body"/>; returns the file logging its calls.</summary>
    private string Fake(string command, string body)
    {
        var calls = Path.Combine(scratch, command + ".calls");
        var script = Path.Combine(scratch, command);
        File.WriteAllText(script, $"#!/bin/sh\necho \"$@\" >> '{calls}'\n{body}\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(calls, "");
        return calls;
    }
}
