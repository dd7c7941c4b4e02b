using System.Globalization;
using System.Text;

namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// The durable record of one run, kept in its directory so that another process can attach to it: <c>jobs</c>, what
/// was asked (written once, atomically, before anything starts), and <c>journal</c>, what happened (a line appended
/// per event: a submission before it is made, its scheduler id as soon as it is known, a local start, a job's end).
/// A line cut short by a kill has no newline and is dropped. <c>run.lock</c> is held while a process watches the run,
/// so two never submit the same jobs (<c>run.watcher</c> names that process); the operating system lets go of it when
/// that process dies, however it dies.
/// </summary>
internal sealed class RunRegistry : IDisposable
{
    private const string Format = "parallellint-run 1";
    private const string Null = "\\N";

    private readonly FileStream? lockFile;
    private readonly FileStream? journal;
    private readonly object gate = new();
    private readonly Dictionary<int, SubmissionRecord> submissions = new();
    private readonly Dictionary<int, int> latestSubmission = new();
    private readonly Dictionary<int, StartRecord> starts = new();
    private readonly Dictionary<int, EndRecord> ends = new();

    private RunRegistry(string directory, string backend, IReadOnlyList<Job> jobs, bool isNamed, FileStream? lockFile, FileStream? journal)
    {
        Directory = directory;
        IsNamed = isNamed;
        Backend = backend;
        Jobs = jobs;
        this.lockFile = lockFile;
        this.journal = journal;
    }

    public string Directory { get; }

    public string Backend { get; }

    /// <summary>
    /// The caller named the directory (a durable run, to attach to or resume), rather than the executor making one:
    /// only then is the journal written, as nobody attaches to a temporary run (and a write per event costs a short job).
    /// </summary>
    public bool IsNamed { get; }

    /// <summary>The run's jobs, in the order first given.</summary>
    public IReadOnlyList<Job> Jobs { get; }

    /// <summary>The highest submission number used so far; the next submission takes the one after.</summary>
    public int LastSubmission { get; private set; }

    /// <summary>The slots the last watcher ran the jobs on, as it recorded them; null when it did not (or an older version wrote the run).</summary>
    public int? SlotsTotal { get; private set; }

    /// <summary>The host of the last watcher, as it recorded it; null when an older version wrote the run.</summary>
    public string? WatcherHost { get; private set; }

    /// <summary>
    /// The run in <paramref name="directory"/> as its files say now, for another process to look at: read without
    /// taking <c>run.lock</c> and without writing anything, so it never disturbs the process watching the run. A
    /// journal line still being written (no newline yet) is left out.
    /// </summary>
    /// <exception cref="ArgumentException">The directory holds no run, or a journal line this version cannot read.</exception>
    /// <exception cref="InvalidDataException">The run's <c>jobs</c> file cannot be read.</exception>
    public static RunRegistry Read(string directory)
    {
        var path = Path.GetFullPath(directory);
        if (!File.Exists(Path.Combine(path, "jobs")))
        {
            throw new ArgumentException($"{path} holds no ParallelLint run (no 'jobs' file): pass the directory the run was given (JobExecutor.ResumeAsync).", "runDirectory");
        }

        var (backend, held) = ReadJobs(path);
        var registry = new RunRegistry(path, backend, held.Select((line, i) => Decode(path, i, line)).ToList(), isNamed: true, lockFile: null, journal: null);
        var journalPath = Path.Combine(path, "journal");
        if (File.Exists(journalPath))
        {
            // Shared with the watcher, which holds the journal open for writing.
            using var stream = new FileStream(journalPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            registry.Replay(stream);
        }

        return registry;
    }

    /// <summary>
    /// Opens the run in <paramref name="directory"/>: a new one for <paramref name="jobs"/> when it holds none, else
    /// the run it holds, which must be of <paramref name="backend"/> and, when <paramref name="jobs"/> is given, of
    /// the same jobs. <paramref name="jobs"/> is null to attach to whatever run is there. See <see cref="IsNamed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The directory holds another run, another backend's run, or (attaching) none.</exception>
    /// <exception cref="IOException">Another process is watching the run.</exception>
    public static RunRegistry Open(string directory, string backend, IReadOnlyList<Job>? jobs, bool isNamed = true)
    {
        var path = Path.GetFullPath(directory);
        if (jobs is null && !File.Exists(Path.Combine(path, "jobs")))
        {
            throw new ArgumentException($"{path} holds no run to attach to (no 'jobs' file): pass the directory a run was given.", "runDirectory");
        }

        PrivateFiles.CreateDirectory(path);
        var lockFile = Lock(path);
        try
        {
            var asked = jobs?.Select(Encode).ToList();
            var jobsPath = Path.Combine(path, "jobs");
            if (!File.Exists(jobsPath))
            {
                var temporary = jobsPath + ".tmp";
                PrivateFiles.WriteAllBytes(temporary, new UTF8Encoding(false).GetBytes(Format + "\t" + backend + "\n" + string.Concat(asked!.Select(line => line + "\n"))));
                File.Move(temporary, jobsPath);
            }

            var (heldBackend, held) = ReadJobs(path);
            if (heldBackend != backend)
            {
                throw new ArgumentException($"{path} holds a {heldBackend} run: attach to it with JobExecutor.Create(\"{heldBackend}\", ...), not {backend}.", "runDirectory");
            }
            if (asked is not null && !asked.SequenceEqual(held))
            {
                var first = Enumerable.Range(0, Math.Max(asked.Count, held.Count)).First(i => i >= asked.Count || i >= held.Count || asked[i] != held[i]);
                throw new ArgumentException(
                    FormattableString.Invariant($"{path} holds a run of other jobs ({held.Count} held, {asked.Count} given; job {first + 1} differs): ") +
                    "resume it with the same jobs in the same order, or give a new run directory.",
                    "runDirectory");
            }

            var journal = new FileStream(Path.Combine(path, "journal"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            try
            {
                var registry = new RunRegistry(path, backend, held.Select((line, i) => Decode(path, i, line)).ToList(), isNamed, lockFile, journal);
                // A last line cut short is cut off, so that the next record starts a line.
                var complete = registry.Replay(journal);
                journal.SetLength(complete);
                journal.Position = complete;
                return registry;
            }
            catch
            {
                journal.Dispose();
                throw;
            }
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>The submission a job was last handed to, unless it ended or started locally since.</summary>
    public SubmissionRecord? SubmissionOf(int job) =>
        latestSubmission.TryGetValue(job, out var number) && !ends.ContainsKey(job) ? submissions[number] : null;

    /// <summary>The job's last local start, unless it ended since.</summary>
    public StartRecord? StartOf(int job) => starts.TryGetValue(job, out var start) && !ends.ContainsKey(job) ? start : null;

    /// <summary>How the job last ended, unless it was handed on again since.</summary>
    public EndRecord? EndOf(int job) => ends.TryGetValue(job, out var end) ? end : null;

    /// <summary>The attempt the job was last on (0: never submitted or started).</summary>
    public int AttemptsOf(int job) =>
        ends.TryGetValue(job, out var end) ? end.Attempts :
        starts.TryGetValue(job, out var start) ? start.Attempt :
        latestSubmission.TryGetValue(job, out var number) ? submissions[number].Attempt : 0;

    /// <summary>A number for a new submission's folder, not used by any before (journalled or not).</summary>
    public int NextSubmission()
    {
        lock (gate)
        {
            return ++LastSubmission;
        }
    }

    /// <summary>Records a submission before it is made, so that a kill during it leaves its folder known.</summary>
    public void Submitting(int number, int attempt, IReadOnlyList<int> jobs)
    {
        var fields = new[] { "submit", Int(number), Int(attempt), string.Join(",", jobs.Select(Int)) };
        lock (gate)
        {
            Append(durable: true, fields);
            Apply(fields);
        }
    }

    /// <summary>Records the scheduler's id of a submission and each of its jobs' share of the time it took to make.</summary>
    public void Submitted(int number, string id, TimeSpan? launchShare = null)
    {
        lock (gate)
        {
            Append(durable: true, "id", Int(number), id, Optional(launchShare?.Ticks));
            submissions[number].Id = id;
            submissions[number].LaunchShare = launchShare;
        }
    }

    /// <summary>Records that a process watches the run now, on <paramref name="slots"/> slots in all (null: not known yet).</summary>
    public void Watching(int? slots)
    {
        lock (gate)
        {
            Append(durable: false, "watch", Optional(slots), Int(System.Diagnostics.Process.GetCurrentProcess().Id), Field(Environment.MachineName));
            SlotsTotal = slots;
            WatcherHost = Environment.MachineName;
        }
    }

    /// <summary>Records an attempt about to start, its pid not known yet (0).</summary>
    public void Launching(int job, int attempt) => Started(job, attempt, 0, 0, isWrapped: true, launch: null);

    /// <summary>Records a local start: the process, on this host, and the time this process took to launch it.</summary>
    public void Started(int job, int attempt, int pid, long startTicks, bool isWrapped, TimeSpan? launch = null)
    {
        lock (gate)
        {
            Append(
                durable: false, "start", Int(job), Int(attempt), Int(pid), startTicks.ToString(CultureInfo.InvariantCulture), isWrapped ? "wrapped" : "piped",
                Field(Environment.MachineName), Optional(launch?.Ticks));
            starts[job] = new StartRecord(attempt, pid, startTicks, isWrapped, Environment.MachineName, launch);
            ends.Remove(job);
        }
    }

    public void Ended(int job, JobResult result)
    {
        if (!IsNamed)
        {
            return; // a temporary run's ends are only ever read from its results
        }

        var fields = new[]
        {
            "end", Int(job), Int((int)result.State), Int(result.Attempts), Optional(result.ExitCode), Field(result.Host), Field(result.Id),
            Optional(result.Started?.ToUnixTimeMilliseconds()), Optional(result.Ended?.ToUnixTimeMilliseconds()),
            Field(result.StandardOutputPath), Field(result.StandardErrorPath), Field(result.Detail),
            Optional(result.CpuTime?.Ticks), Optional(result.PeakMemoryBytes), Optional(result.LaunchDuration?.Ticks),
        };
        lock (gate)
        {
            Append(durable: false, fields);
            Apply(fields.Select(Unescape).ToArray());
        }
    }

    public void Dispose()
    {
        journal?.Dispose();
        lockFile?.Dispose();
    }

    private static FileStream Lock(string path)
    {
        var file = Path.Combine(path, "run.lock");
        try
        {
            // FileShare.None is an exclusive lock (flock on Unix), which ends with the process that holds it. Readers of a
            // locked file are refused too, so who holds it is written beside it.
            var stream = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(Path.Combine(path, "run.watcher"), FormattableString.Invariant($"{System.Diagnostics.Process.GetCurrentProcess().Id} {Environment.MachineName}\n"));
            return stream;
        }
        catch (IOException e)
        {
            string holder;
            try
            {
                holder = File.ReadAllText(Path.Combine(path, "run.watcher")).Trim();
            }
            catch (IOException)
            {
                holder = "";
            }

            throw new IOException(
                $"The run in {path} is being watched by another process{(holder.Length > 0 ? $" (pid and host: {holder})" : "")}: " +
                "wait for it to end or stop it before attaching.",
                e);
        }
    }

    /// <summary>The backend and the encoded jobs of the run in <paramref name="path"/>, from its <c>jobs</c> file.</summary>
    private static (string Backend, List<string> Jobs) ReadJobs(string path)
    {
        var lines = File.ReadAllText(Path.Combine(path, "jobs"), Encoding.UTF8).Split('\n');
        var header = lines[0].Split('\t');
        if (header.Length != 2 || header[0] != Format)
        {
            throw new ArgumentException($"{path} holds no ParallelLint run, or one of another version ('jobs' starts with '{lines[0]}').", "runDirectory");
        }

        return (header[1], lines.Skip(1).Take(lines.Length - 2).ToList());
    }

    /// <summary>Rebuilds what the journal says, but for a last line cut short; returns the length of its complete lines.</summary>
    private long Replay(Stream stream)
    {
        byte[] bytes;
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }

        var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        var text = new UTF8Encoding(false).GetString(bytes, 0, complete);
        foreach (var line in text.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                Apply(line.Split('\t').Select(Unescape).ToArray());
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or KeyNotFoundException or OverflowException or ArgumentNullException or NullReferenceException)
            {
                throw new ArgumentException($"{Path.Combine(Directory, "journal")} has a line this version cannot read: '{line}'.", "runDirectory", e);
            }
        }

        return complete;
    }

    private void Apply(string?[] fields)
    {
        switch (fields[0])
        {
            case "submit":
                var number = ParseInt(fields[1]);
                var jobs = fields[3]!.Split(',').Select(ParseInt).ToList();
                submissions[number] = new SubmissionRecord(number, ParseInt(fields[2]), jobs);
                LastSubmission = Math.Max(LastSubmission, number);
                foreach (var job in jobs)
                {
                    latestSubmission[job] = number;
                    ends.Remove(job);
                    starts.Remove(job);
                }

                break;
            case "id":
                submissions[ParseInt(fields[1])].Id = fields[2];
                submissions[ParseInt(fields[1])].LaunchShare = Duration(fields, 3);
                break;
            case "start":
                // Host and launch time came later: fields missing from older journals are unknown.
                starts[ParseInt(fields[1])] = new StartRecord(
                    ParseInt(fields[2]), ParseInt(fields[3]), long.Parse(fields[4]!, CultureInfo.InvariantCulture), fields[5] == "wrapped",
                    fields.Length > 6 ? fields[6] : null, Duration(fields, 7));
                ends.Remove(ParseInt(fields[1]));
                break;
            case "end":
                ends[ParseInt(fields[1])] = new EndRecord(
                    (JobState)ParseInt(fields[2]), ParseInt(fields[3]), fields[4] is null ? null : ParseInt(fields[4]), fields[5], fields[6],
                    Time(fields[7]), Time(fields[8]), fields[9]!, fields[10]!, fields[11])
                {
                    CpuTime = Duration(fields, 12),
                    PeakMemoryBytes = fields.Length > 13 && fields[13] is { } peak ? long.Parse(peak, CultureInfo.InvariantCulture) : null,
                    LaunchDuration = Duration(fields, 14),
                };
                break;
            case "watch":
                SlotsTotal = fields[1] is null ? null : ParseInt(fields[1]);
                WatcherHost = fields[3];
                break;
            default:
                throw new FormatException("unknown record");
        }
    }

    private void Append(bool durable, params string[] fields)
    {
        if (!IsNamed || journal is null)
        {
            return;
        }

        var bytes = new UTF8Encoding(false).GetBytes(string.Join("\t", fields) + "\n");
        journal.Write(bytes, 0, bytes.Length);

        // A submission must survive a power cut too: its jobs would otherwise run unwatched and again on resume.
        journal.Flush(flushToDisk: durable);
    }

    /// <summary>A job as one line: every field escaped, lists as a count and their items.</summary>
    private static string Encode(Job job)
    {
        var fields = new List<string?>
        {
            job.Name, job.Executable, job.WorkingDirectory, Int(job.Cores), job.MemoryMegabytes is { } memory ? Int(memory) : null,
            job.TimeLimit is { } limit ? limit.Ticks.ToString(CultureInfo.InvariantCulture) : null, Int(job.Arguments.Count),
        };
        fields.AddRange(job.Arguments);
        fields.Add(Int(job.Environment.Count));
        foreach (var variable in job.Environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            fields.Add(variable.Key);
            fields.Add(variable.Value);
        }

        fields.Add(Int(job.Gpus));
        return string.Join("\t", fields.Select(Field));
    }

    private static Job Decode(string path, int index, string line)
    {
        try
        {
            return Decode(line);
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException(
                FormattableString.Invariant($"Job {index + 1} in {Path.Combine(path, "jobs")} cannot be read ({e.Message}): the file was changed by hand or by another version; give a new run directory."),
                e);
        }
    }

    private static Job Decode(string line)
    {
        var fields = line.Split('\t').Select(Unescape).ToArray();
        var arguments = ParseInt(fields[6]);
        var job = new Job(fields[1]!, fields.Skip(7).Take(arguments).Select(argument => argument!))
        {
            Name = fields[0],
            WorkingDirectory = fields[2],
            Cores = ParseInt(fields[3]),
            MemoryMegabytes = fields[4] is null ? null : ParseInt(fields[4]),
            TimeLimit = fields[5] is null ? null : TimeSpan.FromTicks(long.Parse(fields[5]!, CultureInfo.InvariantCulture)),
        };
        var at = 7 + arguments;
        var variables = ParseInt(fields[at]);
        for (var i = 0; i < variables; i++)
        {
            job.Environment[fields[at + 1 + 2 * i]!] = fields[at + 2 + 2 * i]!;
        }

        job.Gpus = ParseInt(fields[at + 1 + 2 * variables]);
        return job;
    }

    private static string Field(string? text) => text is null ? Null : Escape(text);

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n").Replace("\r", "\\r");

    private static string? Unescape(string text)
    {
        if (text == Null)
        {
            return null;
        }

        var plain = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                plain.Append(text[i]);
                continue;
            }

            plain.Append(text[++i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', var other => other });
        }

        return plain.ToString();
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A duration in ticks at <paramref name="index"/>, null when missing (a journal of an older version) or unknown.</summary>
    private static TimeSpan? Duration(string?[] fields, int index) =>
        fields.Length > index && fields[index] is { } ticks ? TimeSpan.FromTicks(long.Parse(ticks, CultureInfo.InvariantCulture)) : null;

    private static string Optional(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : Null;

    private static int ParseInt(string? text) => int.Parse(text!, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(string? milliseconds) =>
        milliseconds is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(milliseconds, CultureInfo.InvariantCulture)).ToLocalTime();
}

/// <summary>A submission as the journal has it: its folder <c>submission-N</c>, its jobs (task i+1 is job Jobs[i]), its id once known.</summary>
internal sealed class SubmissionRecord
{
    public SubmissionRecord(int number, int attempt, IReadOnlyList<int> jobs)
    {
        Number = number;
        Attempt = attempt;
        Jobs = jobs;
    }

    public int Number { get; }
    public int Attempt { get; }
    public IReadOnlyList<int> Jobs { get; }

    /// <summary>The scheduler's id; null when the process died before the scheduler answered.</summary>
    public string? Id { get; set; }

    /// <summary>Each job's share of the time the submitting process spent writing the task files and submitting; null when not recorded.</summary>
    public TimeSpan? LaunchShare { get; set; }

    public string Folder => "submission-" + Number.ToString(CultureInfo.InvariantCulture);

    /// <summary>The array task (1-based) that runs <paramref name="job"/>; built once, as a run of many jobs asks for each.</summary>
    public int TaskOf(int job)
    {
        if (tasks is null)
        {
            var found = new Dictionary<int, int>();
            for (var i = Jobs.Count - 1; i >= 0; i--)
            {
                found[Jobs[i]] = i + 1; // the first place wins, as a job is listed once
            }

            tasks = found;
        }

        return tasks[job];
    }

    private Dictionary<int, int>? tasks;
}

/// <summary>A local attempt's start: the process, identified by its id and start time (ids are reused).</summary>
internal sealed class StartRecord
{
    public StartRecord(int attempt, int pid, long startTicks, bool isWrapped, string? host = null, TimeSpan? launch = null)
    {
        Attempt = attempt;
        Pid = pid;
        StartTicks = startTicks;
        IsWrapped = isWrapped;
        Host = host;
        Launch = launch;
    }

    /// <summary>The machine the process runs on; null in journals of older versions.</summary>
    public string? Host { get; }

    /// <summary>The time the starting process spent launching it; null when not known.</summary>
    public TimeSpan? Launch { get; }

    public int Attempt { get; }

    /// <summary>The process id, or 0 for a launch not yet seen through (see <see cref="RunRegistry.Launching"/>).</summary>
    public int Pid { get; }

    public long StartTicks { get; }

    /// <summary>Started through the wrapper that writes its exit code to a file, so that it reports without its parent.</summary>
    public bool IsWrapped { get; }
}

/// <summary>How a job ended, as the journal has it.</summary>
internal sealed class EndRecord
{
    public EndRecord(JobState state, int attempts, int? exitCode, string? host, string? id, DateTimeOffset? started, DateTimeOffset? ended, string output, string error, string? detail)
    {
        State = state;
        Attempts = attempts;
        ExitCode = exitCode;
        Host = host;
        Id = id;
        Started = started;
        Ended = ended;
        Output = output;
        Error = error;
        Detail = detail;
    }

    public JobState State { get; }
    public int Attempts { get; }
    public int? ExitCode { get; }
    public string? Host { get; }
    public string? Id { get; }
    public DateTimeOffset? Started { get; }
    public DateTimeOffset? Ended { get; }
    public string Output { get; }
    public string Error { get; }
    public string? Detail { get; }
    public TimeSpan? CpuTime { get; set; }
    public long? PeakMemoryBytes { get; set; }
    public TimeSpan? LaunchDuration { get; set; }

    public void Restore(JobResult result)
    {
        result.CpuTime = CpuTime;
        result.PeakMemoryBytes = PeakMemoryBytes;
        result.LaunchDuration = LaunchDuration;
        result.State = State;
        result.Attempts = Attempts;
        result.ExitCode = ExitCode;
        result.Host = Host;
        result.Id = Id;
        result.Started = Started;
        result.Ended = Ended;
        result.StandardOutputPath = Output;
        result.StandardErrorPath = Error;
        result.Detail = Detail;
    }
}
