// Runs a command as jobs with bounded slots, locally or on a grid, and prints every change of the run's status:
//   dotnet run --project samples/ParallelLint.JobRun -- --backend sge --jobs 4 --cores 2 -- sleep 10
// {#} in the command stands for the job's number (1, 2, ...). With --run-dir DIR the run is durable: running the same
// command again resumes it, and --attach DIR (no command) collects a run whose program died.
// Ctrl+C, SIGTERM or the program exiting mid-run (--exit-after-start) deletes its grid jobs and kills its local ones.
using ParallelLint.Runtime.Jobs;

var options = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--backend"] = "local", ["--jobs"] = "1", ["--cores"] = "1", ["--name"] = "job",
};
var i = 0;
for (; i < args.Length && args[i] != "--"; i += 2)
{
    if (!options.ContainsKey(args[i]) && args[i] is not ("--work-dir" or "--exit-after-start" or "--run-dir" or "--attach") || i + 1 >= args.Length)
    {
        return Usage($"unknown or incomplete option '{args[i]}'");
    }

    options[args[i]] = args[i + 1];
}

var command = args.Skip(i + 1).ToArray();
var attach = options.GetValueOrDefault("--attach");
if ((command.Length == 0) != (attach is not null) || !int.TryParse(options["--jobs"], out var count) || !int.TryParse(options["--cores"], out var cores))
{
    return Usage("give --jobs and --cores as numbers and either the command after -- or --attach");
}

// Exits with the run going, as a program that calls Environment.Exit (or returns from Main) too early would.
var exitAfterStart = options.TryGetValue("--exit-after-start", out var seconds)
    ? TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture))
    : (TimeSpan?)null;
// A grid's hosts must see the run's files: by default a folder in the current directory (a shared home, usually).
var backend = options["--backend"];
var workDirectory = options.GetValueOrDefault("--work-dir") ?? (backend == "local" ? null : Path.GetFullPath("jobrun-work"));
try
{
    await using var executor = JobExecutor.Create(backend, new JobExecutorOptions { WorkDirectory = workDirectory, Progress = new Print(exitAfterStart) });
    var jobs = Enumerable.Range(1, count).Select(n =>
        new Job(command[0], command.Skip(1).Select(argument => argument.Replace("{#}", n.ToString(System.Globalization.CultureInfo.InvariantCulture))))
        {
            Cores = cores, Name = options["--name"],
        });
    var results = attach is not null ? await executor.AttachAsync(attach)
        : options.GetValueOrDefault("--run-dir") is { } runDirectory ? await executor.ResumeAsync(runDirectory, jobs)
        : await executor.RunAllAsync(jobs);
    foreach (var result in results)
    {
        Console.WriteLine($"{result.Id}: {result}");
    }

    return results.All(result => result.State == JobState.Succeeded) ? 0 : 1;
}
catch (Exception e) when (e is JobDoesNotFitException or JobSchedulerException or ArgumentException or IOException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static int Usage(string problem)
{
    Console.Error.WriteLine($"{problem}\nusage: ParallelLint.JobRun [--backend local|sge|slurm] [--jobs N] [--cores N] [--name NAME] [--work-dir DIR (a grid's default: ./jobrun-work)] [--exit-after-start SECONDS] [--run-dir DIR] (-- COMMAND [ARGUMENT...] | --attach DIR)");
    return 64;
}

/// <summary>Prints each snapshot as it comes, one line each, in order; exits a while after the first job started when asked.</summary>
internal sealed class Print(TimeSpan? exitAfterStart) : IProgress<JobStatus>
{
    private bool started;

    public void Report(JobStatus value)
    {
        lock (this)
        {
            Console.WriteLine(value);
            if (value.Running > 0 && !started && exitAfterStart is { } wait)
            {
                started = true;
                _ = Task.Delay(wait).ContinueWith(_ => Environment.Exit(3), TaskScheduler.Default);
            }
        }
    }
}
