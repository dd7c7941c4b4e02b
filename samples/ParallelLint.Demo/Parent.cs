using System.Diagnostics;
using ParallelLint.Runtime;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Demo;

/// <summary>What one run at a given number of workers measured.</summary>
/// <param name="SendSecondsPerWorker">What serializing, writing and starting each worker cost the parent, one after another: the seed's s.</param>
internal sealed record RunMeasurement(int Workers, double Seconds, double SendSecondsPerWorker, int? SlotsTotal);

/// <summary>An example measured at every number of workers, the cost model's prediction, and the picks.</summary>
internal sealed record ExampleOutcome(SeedExample Example, IReadOnlyList<RunMeasurement> Runs, CostModel Model, int TunerPick)
{
    public double Predicted(int workers) => Model.Predict(workers);
}

/// <summary>
/// The seed's parent process: it reads its input, then starts the workers one after another, serializing and
/// sending each its own copy of the data before starting the next, waits for them all, and writes the results.
/// Starting workers and sending them data is real (processes, files, checksums); the minutes of I/O and compute
/// are scaled to <see cref="Unit"/> seconds each.
/// </summary>
internal sealed class Parent
{
    private readonly DemoOptions options;
    private readonly DataSet data;
    private readonly string expectedChecksum;

    /// <summary>
    /// The share of a send's budget the real work (serializing, writing, starting) may take at calibration; the
    /// rest is headroom for a busier machine, so that a send never takes longer than its budget.
    /// </summary>
    private const double RealShare = 0.5;

    /// <summary>How far over its budget the parent's mean cost per worker may run before the run is refused.</summary>
    private const double Tolerance = 1.15;

    private Parent(DemoOptions options, double unit, DataSet data)
    {
        this.options = options;
        Unit = unit;
        this.data = data;
        expectedChecksum = Worker.Checksum(System.Text.Encoding.UTF8.GetBytes(data.ToCsv()));
    }

    /// <summary>The seconds that stand for one of the seed's minutes.</summary>
    public double Unit { get; }

    /// <summary>What starting and feeding one worker costs the parent, always: the seed's half minute.</summary>
    private double SendBudget => SeedExample.SendPerWorker * Unit;

    /// <summary>
    /// Warms up (JIT, the first process starts, the grid), measures what a start and a row cost here, and sizes the
    /// data so that the real work of a send takes half its budget. Every send is then held to the budget exactly (the
    /// rest is waited): a fixed cost per worker, the seed's proportion, that no faster disk or warmer JIT can shrink.
    /// </summary>
    public static async Task<Parent> PrepareAsync(DemoOptions options)
    {
        var perRow = DataSet.SecondsPerRow();
        var probe = new Parent(options, 0, new DataSet(1_000));
        var warmUp = new SeedExample("warm-up", Io: 0, Compute: 0);
        await probe.RunAsync(warmUp, workers: 2, quiet: true);
        var start = (await probe.RunAsync(warmUp, workers: 2, quiet: true)).SendSecondsPerWorker - 1_000 * perRow;
        var unit = options.UnitSeconds ?? (options.Backend == "local" ? 0.2 : 1.0);
        var real = RealShare * SeedExample.SendPerWorker * unit;
        if (start > real)
        {
            throw new DemoException(
                $"Starting a worker costs the parent {start:0.000} s here, more than the {real:0.000} s a send may take at --unit {unit:0.###}: " +
                $"the seed's proportions need --unit {Math.Ceiling(start / (RealShare * SeedExample.SendPerWorker) * 20) / 10:0.0} or more.");
        }

        var data = new DataSet(Rows((real - start) / perRow));

        // Serialization gets faster as the JIT tiers up: the size is corrected twice from sends as the runs make them.
        for (var round = 0; round < 2; round++)
        {
            var sent = (await new Parent(options, 0, data).RunAsync(warmUp, workers: 2, quiet: true)).SendSecondsPerWorker;
            data = new DataSet(Rows(data.Rows * (real - start) / Math.Max(sent - start, 1e-6)));
        }

        var parent = new Parent(options, unit, data);
        var check = parent.Recheck();
        Console.WriteLine($"One of the seed's minutes lasts {unit:0.###} s here. Starting a worker costs the parent {start:0.000} s; each is");
        Console.WriteLine($"then sent {data.Rows:N0} rows as CSV ({check:0.000} s to serialize and write), and the parent waits out the rest");
        Console.WriteLine($"of {parent.SendBudget:0.000} s: every worker costs it {SeedExample.SendPerWorker} minute, as in the seed, checked before and during every run.");

        Console.WriteLine(options.Compute == ComputeKind.Wait
            ? "Workers compute by waiting their share (a core each, as on the seed's machine); starting them and sending data is real."
            : $"Workers burn real CPU for their share, on the {Cores.Available} core(s) this machine has.");
        Console.WriteLine($"Backend: {options.Backend}.");
        return new Parent(options, unit, data);
    }

    private static int Rows(double rows) => (int)Math.Clamp(rows, 1_000, 4_000_000);

    /// <summary>Runs the example at each number of workers through the degree tuner and prints the table.</summary>
    public async Task<ExampleOutcome> MeasureAsync(SeedExample example, IReadOnlyList<int> workers)
    {
        Console.WriteLine();
        Console.WriteLine($"{example.Name}: {example.Io:0} min of I/O + {example.Compute:0} min of compute");
        var runs = new List<RunMeasurement>();
        var tuning = await DegreeTuner.TuneRunsAsync(workers, async (count, _) => runs.Add(await RunHeldToBudgetAsync(example, count)));

        var model = Calibrate(example, runs, Slots(runs));
        var outcome = new ExampleOutcome(example, runs, model, tuning.Knee);
        Print(outcome);
        return outcome;
    }

    /// <summary>How many times a run that broke the budget is made again before the demo gives up.</summary>
    private const int Attempts = 3;

    /// <summary>
    /// Runs the example, and runs it again when a send overran its budget: one stall of the machine (a collection, a
    /// neighbour's build) should not end the demo, but a machine that cannot hold the budget three times running does.
    /// </summary>
    private async Task<RunMeasurement> RunHeldToBudgetAsync(SeedExample example, int workers)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunAsync(example, workers, quiet: false);
            }
            catch (CalibrationOffException off) when (attempt < Attempts)
            {
                Console.WriteLine($"    run {attempt} of {Attempts} discarded: {off.What}; running it again.");
            }
        }
    }

    private async Task<RunMeasurement> RunAsync(SeedExample example, int workers, bool quiet)
    {
        var progress = new LiveProgress(workers, quiet);
        var directory = Path.Combine(Path.GetTempPath(), $"parallellint-demo-{Environment.ProcessId}-{workers}-{example.Compute:0}");
        await using var executor = JobExecutor.Create(options.Backend, new JobExecutorOptions
        {
            Progress = progress,
            WorkDirectory = directory,
            Grid = { PollInterval = TimeSpan.FromMilliseconds(100), MaxPollInterval = TimeSpan.FromSeconds(1) },

            // Waiting workers stand for cores of their own; busy ones share the machine's cores (the default).
            Local = { Slots = options.Compute == ComputeKind.Wait ? workers : null },
        });

        if (Unit > 0)
        {
            Recheck();
        }

        var clock = Stopwatch.StartNew();
        await Task.Delay(Seconds(example.Io / 2)); // reading the input
        var share = Seconds(example.Compute / workers).TotalSeconds;
        var sending = Stopwatch.StartNew();
        var jobs = new List<Task<JobResult>>();
        for (var worker = 0; worker < workers; worker++)
        {
            // A fresh copy for every worker, one after another: the cost that grows with the workers.
            var send = Stopwatch.StartNew();
            var path = executor.Stage($"worker-{worker}.csv", data.ToCsv());
            jobs.Add(executor.RunAsync(Worker.Job(path, share, options.Compute)));
            progress.Sent(worker + 1);
            await WaitUntil(send, SendBudget);
        }

        var sendPerWorker = sending.Elapsed.TotalSeconds / workers;
        var results = await WhenAllAsync(jobs);
        await Task.Delay(Seconds(example.Io / 2)); // writing the results
        var elapsed = clock.Elapsed.TotalSeconds;
        progress.Finish();

        CheckAnswers(results, directory);
        Directory.Delete(directory, recursive: true);

        // Checked once the workers ended, so that a run made again never meets this one's jobs or files.
        return Unit > 0 && sendPerWorker > Tolerance * SendBudget
            ? throw Off($"with {workers} workers the parent spent {sendPerWorker:0.000} s on each")
            : new RunMeasurement(workers, elapsed, sendPerWorker, executor.Status().SlotsTotal);
    }

    /// <summary>
    /// Times the real part of a send (serializing and writing one copy) and refuses to go on when it no longer fits
    /// its share of the budget: the machine got busier since calibration, and the sends would stretch.
    /// </summary>
    private double Recheck()
    {
        var scratch = Path.GetTempFileName();
        try
        {
            var clock = Stopwatch.StartNew();
            File.WriteAllText(scratch, data.ToCsv());
            var seconds = clock.Elapsed.TotalSeconds;
            return seconds > 1.6 * RealShare * SendBudget ? throw Off($"serializing and writing one copy took {seconds:0.000} s") : seconds;
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    private CalibrationOffException Off(string what) => new(what,
        $"Calibration is off: {what}, and the seed's proportion holds each send to {SendBudget:0.000} s. The machine is busy, " +
        $"or its speed varies more than the headroom allows; rerun on a quieter machine, or with a larger --unit (now {Unit:0.###}).");

    /// <summary>Waits until <paramref name="clock"/> shows <paramref name="seconds"/>: a timer for the bulk, a spin for the last milliseconds.</summary>
    private static async Task WaitUntil(Stopwatch clock, double seconds)
    {
        var left = seconds - clock.Elapsed.TotalSeconds;
        if (left > 0.005)
        {
            await Task.Delay(TimeSpan.FromSeconds(left - 0.003));
        }

        while (clock.Elapsed.TotalSeconds < seconds)
        {
            Thread.SpinWait(100);
        }
    }

    private static async Task<JobResult[]> WhenAllAsync(List<Task<JobResult>> jobs)
    {
        try
        {
            return await Task.WhenAll(jobs);
        }
        catch (JobSchedulerException failure)
        {
            throw new DemoException($"The grid refused the workers: {failure.Message}\nIs it running? `bash eng/grid/sge-up.sh` or `bash eng/grid/slurm-up.sh` starts a single-node one.");
        }
    }

    /// <summary>Checks that every worker got the data intact.</summary>
    private void CheckAnswers(JobResult[] results, string directory)
    {
        foreach (var result in results)
        {
            var answer = result.State == JobState.Succeeded ? File.ReadAllText(result.StandardOutputPath).Trim() : null;
            if (answer != expectedChecksum)
            {
                var error = File.Exists(result.StandardErrorPath) ? File.ReadAllText(result.StandardErrorPath).Trim() : "";
                throw new DemoException(
                    $"A worker did not do its part: {result} ({result.Detail}); it answered \"{answer}\", expected {expectedChecksum}. " +
                    $"Its files are in {directory}. {error}");
            }
        }
    }

    /// <summary>
    /// The seed's model with the parent's cost per worker as the parent measured it (the median over the runs), and
    /// the fixed costs this machine adds (a worker's own start-up, the scheduler) folded into the I/O so that the
    /// first run's total is matched: every other total is a prediction.
    /// </summary>
    private CostModel Calibrate(SeedExample example, IReadOnlyList<RunMeasurement> runs, int? slots)
    {
        var perWorker = runs.Select(run => run.SendSecondsPerWorker).Order().ElementAt(runs.Count / 2);
        CostModel Model(double io) => slots is int k
            ? new CostModel(perWorker, example.Compute * Unit, io, k)
            : new CostModel(perWorker, example.Compute * Unit, io);
        return Model(Math.Max(0, runs[0].Seconds - Model(0).Predict(runs[0].Workers)));
    }

    /// <summary>The slots the workers shared, when a run had fewer than workers (a grid queue, busy workers).</summary>
    private static int? Slots(IReadOnlyList<RunMeasurement> runs) =>
        runs.Where(run => run.SlotsTotal < run.Workers).Select(run => run.SlotsTotal).FirstOrDefault();

    private void Print(ExampleOutcome outcome)
    {
        var first = outcome.Runs[0];
        Console.WriteLine($"  {"workers",7}  {"measured",10}  {"predicted",10}  {"speed-up",8}  {"parent's cost per worker",25}");
        foreach (var run in outcome.Runs)
        {
            var cost = $"{run.SendSecondsPerWorker:0.000} s = {run.SendSecondsPerWorker / Unit:0.00} min";
            Console.WriteLine($"  {run.Workers,7}  {run.Seconds,8:0.00} s  {outcome.Predicted(run.Workers),8:0.00} s  {first.Seconds / run.Seconds,7:0.00}x  {cost,25}");
        }

        var slots = outcome.Model.Slots is int k ? $", {k} slots" : "";
        Console.WriteLine($"  model: T(n) = n x {outcome.Model.PerWorker:0.000} s + {outcome.Model.Compute:0.00} s / n{(slots.Length > 0 ? " per round of slots" : "")} + {outcome.Model.Io:0.00} s{slots}: the parent's cost per worker as measured, the rest fitted to the first run");
        Console.WriteLine($"  the tuner picks {outcome.TunerPick} worker(s) (the fewest within 5% of the fastest run); the model's best is {outcome.Model.BestWorkers(outcome.Runs.Max(r => r.Workers))}");
        Console.WriteLine($"  {Finding(outcome.Runs, outcome.TunerPick)}");
    }

    /// <summary>The seed's lesson as this run measured it, from the tuner's pick (the fewest within 5% of the fastest).</summary>
    private static string Finding(IReadOnlyList<RunMeasurement> runs, int pick)
    {
        if (runs.Count == 1)
        {
            return "one number of workers measured: nothing to compare";
        }

        var most = runs[^1];
        var picked = runs.First(run => run.Workers == pick);
        if (picked == most)
        {
            var before = runs[^2];
            return $"more workers keep helping: {most.Workers} workers are {before.Seconds / most.Seconds:0.00}x faster than {before.Workers}";
        }

        return most.Seconds > picked.Seconds
            ? $"more workers stop helping after {pick} and then hurt: {most.Workers} workers take {most.Seconds / picked.Seconds:0.00}x the time of {pick}"
            : $"more workers stop helping after {pick}: {most.Workers} workers gain only {picked.Seconds / most.Seconds - 1:0%} on {pick}";
    }

    private TimeSpan Seconds(double minutes) => TimeSpan.FromSeconds(minutes * Unit);
}
