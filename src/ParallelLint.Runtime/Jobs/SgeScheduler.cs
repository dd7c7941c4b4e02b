using System.Globalization;
using System.Xml.Linq;

namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// Sun/Son of Grid Engine: <c>qsub -terse -t</c> array jobs with <c>-pe</c> for cores, <c>qstat -xml</c> for
/// what is queued, <c>qacct</c> for how tasks ended, <c>qdel</c> to cancel.
/// </summary>
internal sealed class SgeScheduler : Scheduler
{
    public SgeScheduler(JobExecutorOptions options)
        : base("sge", options)
    {
    }

    protected override string SubmitCommand => "qsub";

    // -terse prints "12" for a job, "12.1-4:1" for an array.
    protected override string SubmittedId(string printed) => printed.Split('.')[0];

    protected override List<string> SubmitArguments(GridSubmission submission)
    {
        var arguments = new List<string>
        {
            "-terse", "-N", SafeName(submission.Name), "-wd", submission.Directory,
            "-o", submission.Directory, "-e", submission.Directory,
            "-t", "1-" + submission.Count.ToString(CultureInfo.InvariantCulture),
        };
        if (submission.MaxActive is { } maxActive)
        {
            arguments.AddRange(new[] { "-tc", maxActive.ToString(CultureInfo.InvariantCulture) });
        }

        if (submission.Cores > 1)
        {
            arguments.AddRange(new[] { "-pe", Options.Sge.ParallelEnvironment, submission.Cores.ToString(CultureInfo.InvariantCulture) });
        }

        if (submission.TimeLimitSeconds is { } seconds)
        {
            arguments.AddRange(new[] { "-l", "h_rt=" + Seconds(seconds) });
        }

        if (submission.MemoryMegabytes is { } megabytes)
        {
            // SGE counts memory per slot: a job of n cores gets n times the value.
            var perSlot = (megabytes + submission.Cores - 1) / submission.Cores;
            arguments.AddRange(new[] { "-l", Options.Sge.MemoryResource + "=" + perSlot.ToString(CultureInfo.InvariantCulture) + "M" });
        }

        if (submission.Gpus > 0)
        {
            arguments.AddRange(new[] { "-l", Options.Sge.GpuResource + "=" + submission.Gpus.ToString(CultureInfo.InvariantCulture) });
        }

        if (Options.Grid.Queue is { } queue)
        {
            arguments.AddRange(new[] { "-q", queue });
        }

        // bash runs the launcher as a plain program: under the default posix_compliant start mode a script job is
        // started by a login shell, which runs the user's profile first (a slow or waiting profile, e.g. a pyenv
        // rehash behind a stale lock, then delays every task). -V gives the task the parent's environment instead,
        // as Slurm and the local backend do; the launcher adds the job's own variables.
        arguments.AddRange(new[] { "-V", "-b", "y", "-shell", "no" });
        return arguments;
    }

    protected override IEnumerable<string> LauncherProgram => new[] { "/bin/bash" };

    public override async Task<HashSet<string>> ActiveAsync(CancellationToken cancellationToken)
    {
        var output = await Command.RunAsync("qstat", new[] { "-u", "*", "-xml" }, cancellationToken).ConfigureAwait(false);
        if (output.ExitCode != 0)
        {
            throw Unavailable(output);
        }

        try
        {
            return new HashSet<string>(XDocument.Parse(output.StandardOutput).Descendants("JB_job_number").Select(e => e.Value.Trim()));
        }
        catch (System.Xml.XmlException e)
        {
            throw new JobSchedulerException($"{output.Command} printed XML that could not be read: {e.Message}", e);
        }
    }

    public override async Task<Dictionary<int, TaskAccounting>> AccountingAsync(string id, CancellationToken cancellationToken)
    {
        var records = new Dictionary<int, TaskAccounting>();
        var output = await Command.RunAsync("qacct", new[] { "-j", id }, cancellationToken).ConfigureAwait(false);
        if (output.ExitCode != 0)
        {
            // "job id N not found": no record yet, or a job deleted before it started.
            return records;
        }

        foreach (var block in output.StandardOutput.Split(new[] { "==============================================================" }, StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in block.Split('\n'))
            {
                var parts = line.Trim().Split(new[] { ' ', '\t' }, 2, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2)
                {
                    fields[parts[0]] = parts[1].Trim();
                }
            }

            if (!fields.TryGetValue("jobnumber", out var number) || number != id)
            {
                continue;
            }

            var task = fields.TryGetValue("taskid", out var taskText) ? ParseInt(taskText) ?? 1 : 1;
            var exit = fields.TryGetValue("exit_status", out var exitText) ? ParseInt(exitText.Split(' ')[0]) : null;
            var failed = fields.TryGetValue("failed", out var failedText) ? failedText : "0";
            var host = fields.TryGetValue("hostname", out var hostText) ? hostText : null;
            records[task] = Classify(failed, exit, host);
        }

        return records;
    }

    public override async Task CancelAsync(IReadOnlyCollection<string> ids)
    {
        if (ids.Count > 0)
        {
            // Errors are for jobs that ended meanwhile; what is still queued afterwards is checked by the caller.
            await Command.RunAsync("qdel", ids).ConfigureAwait(false);
        }
    }

    public override async Task<(int Total, int Used)?> SlotsAsync(CancellationToken cancellationToken)
    {
        // qstat -g c: CLUSTER QUEUE, CQLOAD, USED, RES, AVAIL, TOTAL, ... one line per cluster queue.
        var output = await Command.RunAsync("qstat", new[] { "-g", "c" }, cancellationToken).ConfigureAwait(false);
        if (output.ExitCode != 0)
        {
            return null;
        }

        int total = 0, used = 0;
        foreach (var line in output.StandardOutput.Split('\n').SkipWhile(l => !l.StartsWith("---", StringComparison.Ordinal)).Skip(1))
        {
            var fields = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 6 && ParseInt(fields[2]) is { } u && ParseInt(fields[5]) is { } t)
            {
                used += u;
                total += t;
            }
        }

        return (total, used);
    }

    public override async Task<SlotLimit?> LargestJobAsync(CancellationToken cancellationToken)
    {
        // A job of n cores asks the parallel environment for n slots (-pe smp n); it never runs when the PE has fewer,
        // or (allocation_rule $pe_slots: all on one host) when no queue instance offering the PE has that many.
        var pe = Options.Sge.ParallelEnvironment;
        if (await QueryAsync("qconf", new[] { "-sp", pe }, cancellationToken).ConfigureAwait(false) is not { } definition)
        {
            return null;
        }

        var fields = definition.Split('\n')
            .Select(line => line.Trim().Split(new[] { ' ', '\t' }, 2, StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0], StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First()[1].Trim(), StringComparer.Ordinal);
        if (!fields.TryGetValue("slots", out var slotsText) || ParseInt(slotsText) is not { } peSlots)
        {
            return null;
        }

        var rule = fields.TryGetValue("allocation_rule", out var ruleText) ? ruleText : "$pe_slots";
        var select = new List<string> { "-pe", pe };
        if (Options.Grid.Queue is { } queue)
        {
            select.AddRange(new[] { "-q", queue });
        }

        // qselect exits 1 when no queue instance offers the PE: then no job of it ever runs.
        var instances = new HashSet<string>(
            (await QueryAsync("qselect", select, cancellationToken).ConfigureAwait(false) ?? "").Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim()),
            StringComparer.Ordinal);
        if (await QueryAsync("qstat", new[] { "-f", "-xml" }, cancellationToken).ConfigureAwait(false) is not { } queues)
        {
            return null;
        }

        List<(string Name, int Slots)> offering;
        try
        {
            offering = XDocument.Parse(queues).Descendants("Queue-List")
                .Select(q => (Name: (string?)q.Element("name") ?? "", Slots: ParseInt((string?)q.Element("slots_total")) ?? 0))
                .Where(q => instances.Contains(q.Name))
                .ToList();
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }

        var where = FormattableString.Invariant($"parallel environment '{pe}' (qconf -sp {pe}: slots {peSlots}, allocation_rule {rule})");
        const string Remedy = "or choose a parallel environment (JobExecutorOptions.Sge.ParallelEnvironment) or queue (JobExecutorOptions.Grid.Queue) with more slots";
        if (offering.Count == 0)
        {
            return new SlotLimit(1, where + $" is offered by no queue instance{(Options.Grid.Queue is { } q ? $" of '{q}'" : "")} (qselect -pe {pe}), so a job of more than one core never starts", Remedy);
        }

        var onOneHost = rule == "$pe_slots";
        var largest = offering.OrderByDescending(q => q.Slots).First();
        var queueSlots = onOneHost ? largest.Slots : offering.Sum(q => q.Slots);
        if (peSlots <= queueSlots)
        {
            return new SlotLimit(peSlots, where, Remedy);
        }

        var instancesText = onOneHost
            ? FormattableString.Invariant($"its largest queue instance, {largest.Name}, has {largest.Slots} slots and a job must fit on one host")
            : FormattableString.Invariant($"its queue instances ({string.Join(", ", offering.Select(q => q.Name))}) have {queueSlots} slots together");
        return new SlotLimit(queueSlots, where + " in which " + instancesText + " (qselect -pe " + pe + "; qstat -f)", Remedy);
    }

    public override string TaskId(string id, int task) => id + "." + task.ToString(CultureInfo.InvariantCulture);

    /// <summary>qacct's <c>failed</c> says whether SGE stopped the job; <c>exit_status</c> is the job's own code (128 + n for signal n).</summary>
    private static TaskAccounting Classify(string failed, int? exit, string? host)
    {
        var code = ParseInt(failed.Split(':')[0].Trim()) ?? 0;
        if (code == 0)
        {
            return exit == 0
                ? new TaskAccounting(JobState.Succeeded, 0, host, null)
                : new TaskAccounting(JobState.Failed, exit, host, exit is { } e ? JobResult.DescribeExit(e) : "no exit status");
        }

        // 37: the qmaster enforced h_rt; 100 with 137: killed (qdel or a signal); others: the job could not run.
        return code == 37
            ? new TaskAccounting(JobState.TimedOut, exit, host, "SGE stopped it at its time limit (h_rt)")
            : new TaskAccounting(JobState.Failed, exit, host, $"SGE reports failed {failed}" + (exit is { } status ? $", {JobResult.DescribeExit(status)}" : ""));
    }
}
