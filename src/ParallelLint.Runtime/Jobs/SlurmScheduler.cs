using System.Globalization;

namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// Slurm: <c>sbatch --parsable --array</c> with <c>--cpus-per-task</c>, <c>squeue</c> for what is queued,
/// <c>sacct</c> for how tasks ended, <c>scancel</c> to cancel.
/// </summary>
internal sealed class SlurmScheduler : Scheduler
{
    public SlurmScheduler(JobExecutorOptions options)
        : base("slurm", options)
    {
    }

    protected override string SubmitCommand => "sbatch";

    // --parsable prints "12" or "12;cluster".
    protected override string SubmittedId(string printed) => printed.Split(';')[0];

    protected override List<string> SubmitArguments(GridSubmission submission)
    {
        var array = "1-" + submission.Count.ToString(CultureInfo.InvariantCulture) +
                    (submission.MaxActive is { } maxActive ? "%" + maxActive.ToString(CultureInfo.InvariantCulture) : "");
        var arguments = new List<string>
        {
            "--parsable", "--job-name", SafeName(submission.Name), "--array", array,
            "--cpus-per-task", submission.Cores.ToString(CultureInfo.InvariantCulture),
            "--chdir", submission.Directory, "--output", System.IO.Path.Combine(submission.Directory, "slurm-%a.log"),
        };
        if (submission.TimeLimitSeconds is { } seconds)
        {
            arguments.AddRange(new[] { "--time", Seconds(seconds) });
        }

        if (submission.MemoryMegabytes is { } megabytes)
        {
            arguments.Add("--mem=" + megabytes.ToString(CultureInfo.InvariantCulture) + "M");
        }

        if (submission.Gpus > 0)
        {
            arguments.Add("--gres=gpu:" + submission.Gpus.ToString(CultureInfo.InvariantCulture));
        }

        if (Options.Grid.Queue is { } partition)
        {
            arguments.AddRange(new[] { "--partition", partition });
        }

        return arguments;
    }

    public override async Task<HashSet<string>> ActiveAsync(CancellationToken cancellationToken)
    {
        // %F: the array's job id for its tasks, the job id otherwise.
        var output = await Command.RunAsync("squeue", new[] { "-h", "-a", "-o", "%F" }, cancellationToken).ConfigureAwait(false);
        if (output.ExitCode != 0)
        {
            throw Unavailable(output);
        }

        return new HashSet<string>(output.StandardOutput.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim()));
    }

    public override async Task<Dictionary<int, TaskAccounting>> AccountingAsync(string id, CancellationToken cancellationToken)
    {
        var records = new Dictionary<int, TaskAccounting>();
        var output = await Command.RunAsync("sacct", new[] { "-n", "-P", "-X", "-j", id, "-o", "JobID,State,ExitCode,NodeList" }, cancellationToken).ConfigureAwait(false);
        if (output.ExitCode != 0)
        {
            // Accounting disabled or slurmdbd unreachable: the markers are all there is.
            return records;
        }

        foreach (var line in output.StandardOutput.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Trim().Split('|');

            // Tasks read "12_3"; a finished array briefly shows as one row "12" before its tasks, and pending ones as "12_[4-6]".
            if (fields.Length < 4 || !fields[0].StartsWith(id + "_", StringComparison.Ordinal) || ParseInt(fields[0].Substring(id.Length + 1)) is not { } task)
            {
                continue;
            }

            if (Classify(fields[1], fields[2], fields[3]) is { } record)
            {
                records[task] = record;
            }
        }

        return records;
    }

    public override async Task CancelAsync(IReadOnlyCollection<string> ids)
    {
        if (ids.Count > 0)
        {
            await Command.RunAsync("scancel", ids).ConfigureAwait(false);
        }
    }

    public override async Task<(int Total, int Used)?> SlotsAsync(CancellationToken cancellationToken)
    {
        // %C: CPUs allocated/idle/other/total.
        var output = await Command.RunAsync("sinfo", new[] { "-h", "-o", "%C" }, cancellationToken).ConfigureAwait(false);
        var fields = output.StandardOutput.Trim().Split('/');
        return output.ExitCode == 0 && fields.Length == 4 && ParseInt(fields[0]) is { } used && ParseInt(fields[3]) is { } total
            ? (total, used)
            : null;
    }

    public override async Task<SlotLimit?> LargestJobAsync(CancellationToken cancellationToken)
    {
        // --cpus-per-task n needs one node of n CPUs in the partition (MaxCPUsPerNode permitting): else the job pends
        // forever as PD (PartitionConfig). One line per node and partition: %P (default marked *), %c CPUs, %B the max.
        var arguments = new List<string> { "-h", "-N", "-o", "%P|%c|%B" };
        if (Options.Grid.Queue is { } partition)
        {
            arguments.AddRange(new[] { "-p", partition });
        }

        if (await QueryAsync("sinfo", arguments, cancellationToken).ConfigureAwait(false) is not { } output)
        {
            return null;
        }

        var nodes = output.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim().Split('|'))
            .Where(fields => fields.Length == 3 && (Options.Grid.Queue is not null || fields[0].EndsWith("*", StringComparison.Ordinal)))
            .Select(fields => (Partition: fields[0].TrimEnd('*'), Cpus: ParseInt(fields[1]), Max: ParseInt(fields[2])))
            .Where(node => node.Cpus is not null)
            .Select(node => (node.Partition, Cpus: Math.Min(node.Cpus!.Value, node.Max ?? int.MaxValue), Capped: node.Max < node.Cpus))
            .ToList();
        if (nodes.Count == 0)
        {
            // No such partition, or no default one: sbatch says so.
            return null;
        }

        var largest = nodes.OrderByDescending(node => node.Cpus).First();
        var partitions = string.Join(",", nodes.Select(node => node.Partition).Distinct());
        var source = largest.Capped
            ? FormattableString.Invariant($"partition '{largest.Partition}' allows {largest.Cpus} CPUs per node (MaxCPUsPerNode; sinfo -N -p {partitions} -o %B)")
            : FormattableString.Invariant($"the CPUs of the largest node of partition '{partitions}' (sinfo -N -p {partitions} -o %c)");
        return new SlotLimit(largest.Cpus, source, "or choose a partition with larger nodes (JobExecutorOptions.Grid.Queue)");
    }

    public override string TaskId(string id, int task) => id + "_" + task.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// slurmstepd writes why it killed a step into the task's log: "exceeded memory limit" when the accounting
    /// plugin enforces memory (<c>JobAcctGatherParams=OverMemoryKill</c>; sacct then says FAILED, signal 9), and
    /// "oom-kill event" when the cgroup did (sacct says OUT_OF_MEMORY, but the launcher may have reported first).
    /// </summary>
    public override string? OutOfMemoryKill(GridSubmission submission, int task)
    {
        var log = System.IO.Path.Combine(submission.Directory, "slurm-" + task.ToString(CultureInfo.InvariantCulture) + ".log");
        try
        {
            return File.Exists(log)
                ? File.ReadLines(log).FirstOrDefault(line =>
                    line.IndexOf("exceeded memory limit", StringComparison.OrdinalIgnoreCase) >= 0 ||
                    line.IndexOf("oom-kill event", StringComparison.OrdinalIgnoreCase) >= 0)?.Trim()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static TaskAccounting? Classify(string state, string exitCode, string host)
    {
        // ExitCode is "code:signal".
        var parts = exitCode.Split(':');
        var code = ParseInt(parts[0]);
        var signal = parts.Length > 1 ? ParseInt(parts[1]) ?? 0 : 0;
        int? exit = signal > 0 ? 128 + signal : code;
        var name = state.Split(' ')[0];
        return name switch
        {
            "COMPLETED" => new TaskAccounting(JobState.Succeeded, exit, host, null),
            "FAILED" => new TaskAccounting(JobState.Failed, exit, host, exit is { } e ? JobResult.DescribeExit(e) : "failed"),
            "OUT_OF_MEMORY" => new TaskAccounting(JobState.OutOfMemory, exit, host, "Slurm: out of memory (OUT_OF_MEMORY)"),
            "CANCELLED" => new TaskAccounting(JobState.Cancelled, exit, host, "Slurm: " + state),
            "TIMEOUT" or "DEADLINE" => new TaskAccounting(JobState.TimedOut, exit, host, "Slurm stopped it at its time limit"),
            "NODE_FAIL" or "BOOT_FAIL" or "PREEMPTED" => new TaskAccounting(JobState.Lost, exit, host, "Slurm: " + state),
            _ => null, // PENDING, RUNNING, REQUEUED...: not ended yet.
        };
    }
}
