using System.Diagnostics;
using System.Globalization;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Benchmarks;

/// <summary>
/// Many jobs of <c>/bin/true</c> through one array on a real grid (<c>eng/grid/*-up.sh</c>), counting every scheduler
/// call: <c>dotnet run -c Release --project tests/ParallelLint.Benchmarks -- --grid-jobs [sge|slurm|all] [jobs ...] [--minutes m]</c>
/// (default all, 1000 and 10000 jobs, no time limit). What it shows is that the status polls back off
/// (<see cref="GridJobOptions.PollInterval"/> to <see cref="GridJobOptions.MaxPollInterval"/>) instead of growing with
/// the jobs. The executor runs with default options but for its scheduler directory: shims that log each call's
/// command and time, then exec the real command, so the runtime is measured unchanged. With <c>--minutes</c> a run
/// is cancelled at that time and its rates are those of the jobs that ended by then.
/// </summary>
public static class GridJobRounds
{
    private static readonly Dictionary<string, string[]> Commands = new()
    {
        // Every command the executor may run, not only the four of the status loop: one missing from the shim
        // directory would silently skip what it is for (SGE's fit check asks qconf and qselect).
        ["sge"] = ["qsub", "qstat", "qacct", "qdel", "qconf", "qselect"],
        ["slurm"] = ["sbatch", "squeue", "sacct", "scancel", "sinfo"],
    };

    public static async Task Report(string[] args)
    {
        var backends = args is [("sge" or "slurm" or "all") and var first, ..] ? (first == "all" ? ["sge", "slurm"] : [first]) : new[] { "sge", "slurm" };
        var rest = args.SkipWhile(arg => arg is "sge" or "slurm" or "all").ToList();
        var minutesAt = rest.IndexOf("--minutes");
        TimeSpan? limit = minutesAt >= 0 ? TimeSpan.FromMinutes(double.Parse(rest[minutesAt + 1], CultureInfo.InvariantCulture)) : null;
        if (minutesAt >= 0)
        {
            rest.RemoveRange(minutesAt, 2);
        }

        var counts = rest.Count == 0 ? [1000, 10_000] : rest.Select(int.Parse).ToArray();
        var defaults = new GridJobOptions();
        Console.WriteLine($"Jobs of /bin/true (1 core) in one array, poll interval {defaults.PollInterval.TotalSeconds:0.###} s backing off to " +
            $"{defaults.MaxPollInterval.TotalSeconds:0.###} s{(limit is { } l ? $", each run stopped after {l.TotalMinutes:0.#} min" : "")}");
        Console.WriteLine($"{"backend",-7} {"jobs",6} {"ok",6} {"wall s",8} {"jobs/s",7} {"calls/min",9} {"busiest min",11}  calls by command");
        foreach (var backend in backends)
        {
            if (Unavailable(backend) is { } why)
            {
                Console.WriteLine($"{backend,-7} skipped: {why} (start it with eng/grid/{backend}-up.sh)");
                continue;
            }

            foreach (var count in counts)
            {
                Console.WriteLine(await RunAsync(backend, count, limit));
            }
        }
    }

    private static async Task<string> RunAsync(string backend, int count, TimeSpan? limit)
    {
        // On /var/tmp, not the temporary folder: a grid's work directory must be one its hosts share, and on a
        // single-node grid this disk is; /tmp may be a tmpfs that hides the cost of the task files.
        var root = Directory.CreateDirectory(Path.Combine("/var/tmp", $"parallellint-grid-jobs-{Environment.ProcessId}-{backend}-{count}")).FullName;
        try
        {
            var log = Path.Combine(root, "calls.log");
            var shims = WriteShims(backend, Path.Combine(root, "bin"), log);
            var options = new JobExecutorOptions { WorkDirectory = Path.Combine(root, "work"), Grid = { SchedulerDirectory = shims } };
            using var stop = new CancellationTokenSource();
            if (limit is { } time)
            {
                stop.CancelAfter(time);
            }

            IReadOnlyList<JobResult> results;
            var started = DateTimeOffset.Now;
            var clock = Stopwatch.StartNew();
            await using (var executor = JobExecutor.Create(backend, options))
            {
                try
                {
                    results = await executor.RunAllAsync(Enumerable.Range(0, count).Select(_ => new Job("/bin/true")), stop.Token);
                }
                catch (JobsCancelledException e)
                {
                    results = e.Results;
                }
                catch (Exception e) when (e is JobSchedulerException or JobDoesNotFitException)
                {
                    return $"{backend,-7} {count,6} failed: {e.Message}";
                }
            }

            var total = clock.Elapsed;

            // A stopped run is measured to the stop: the deletion of its queued tasks afterwards is no job's time.
            var wall = limit is { } cap && total > cap ? cap : total;
            var ok = results.Count(result => result.State == JobState.Succeeded);
            var calls = File.Exists(log) ? File.ReadAllLines(log).Select(ParseCall).ToList() : [];
            var inRun = calls.Where(call => call.Time <= started + wall).Select(call => call.Time).Order().ToList();
            var byCommand = string.Join(", ", Commands[backend].Select(command => $"{command} {calls.Count(call => call.Command == command)}"));
            var note = wall < total ? $" (stopped at {wall.TotalMinutes:0.#} min; the deletion took {(total - wall).TotalSeconds:0} s more)" : "";
            return $"{backend,-7} {count,6} {ok,6} {wall.TotalSeconds,8:F1} {ok / wall.TotalSeconds,7:F2} {inRun.Count / wall.TotalMinutes,9:F1} {Busiest(inRun),11}  {byCommand}{note}";
        }
        finally
        {
            Delete(root);
        }
    }

    /// <summary>Why the grid cannot be used (not installed, daemon down), or null; asked as the tests' probe asks.</summary>
    private static string? Unavailable(string backend)
    {
        if (Commands[backend].FirstOrDefault(command => Which(command) is null) is { } missing)
        {
            return $"'{missing}' is not on PATH";
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(backend == "sge" ? "qstat" : "sinfo", backend == "sge" ? "-g c" : "-h")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(20_000))
            {
                process.Kill();
                return "its status command did not answer in 20 s";
            }

            return process.ExitCode == 0 ? null : $"its status command failed: {error.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// One script per command that appends "command seconds" to the log and execs the real one by its PATH name
    /// (SGE's commands are one wrapper that dispatches on its name, so the symlink is not resolved).
    /// </summary>
    private static string WriteShims(string backend, string directory, string log)
    {
        Directory.CreateDirectory(directory);
        foreach (var command in Commands[backend])
        {
            var path = Path.Combine(directory, command);

            // $EPOCHREALTIME costs no process; a line this short is appended whole even by concurrent calls.
            File.WriteAllText(path, $"#!/bin/bash\necho \"{command} $EPOCHREALTIME\" >> '{log}'\nexec '{Which(command)}' \"$@\"\n");
            if (!OperatingSystem.IsWindows()) // No grid command is on a Windows PATH: this never runs there.
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        return directory;
    }

    private static string? Which(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);

    private static (string Command, DateTimeOffset Time) ParseCall(string line)
    {
        var parts = line.Split(' ');
        var seconds = double.Parse(parts[1].Replace(',', '.'), CultureInfo.InvariantCulture);
        return (parts[0], DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)));
    }

    /// <summary>The most calls in any 60 s: a storm shows here even when the average is low.</summary>
    private static int Busiest(List<DateTimeOffset> times)
    {
        var most = 0;
        for (int start = 0, end = 0; end < times.Count; end++)
        {
            while (times[end] - times[start] > TimeSpan.FromMinutes(1))
            {
                start++;
            }

            most = Math.Max(most, end - start + 1);
        }

        return most;
    }

    /// <summary>Removes the run's files, waiting a little for a task killed a moment ago to write its last marker.</summary>
    private static void Delete(string directory)
    {
        for (var attempt = 1; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException) when (attempt < 10)
            {
                Thread.Sleep(500);
            }
        }
    }
}
