using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using ParallelLint.Runtime;
using ParallelLint.Runtime.Jobs;

// Usage: ParallelLint.Telemetry.Target PORT. Serves http://127.0.0.1:PORT/metrics (the OpenTelemetry Prometheus
// exporter over the ParallelLint.Runtime meter) and prints "listening"; on the line "run" from standard input it runs
// the workload below and prints "ran"; it ends when standard input closes. The workload: 20 executor items (one
// throws) and 4 local jobs of 2 s on 2 slots (3 succeed, 1 exits 1), so that the queued and running counts are seen
// for a while at a 1 s scrape interval.
if (args.Length != 1 || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
{
    Console.Error.WriteLine("usage: ParallelLint.Telemetry.Target PORT");
    return 2;
}

// Buckets in seconds for the durations and in parts of one for the utilization: the SDK's default ones are for milliseconds.
double[] seconds = { 0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600 };
using var meters = Sdk.CreateMeterProviderBuilder()
    .AddMeter("ParallelLint.Runtime")
    .AddView("parallellint.job.duration", new ExplicitBucketHistogramConfiguration { Boundaries = seconds })
    .AddView("parallellint.executor.item.duration", new ExplicitBucketHistogramConfiguration { Boundaries = seconds })
    .AddView("parallellint.job.cpu.utilization", new ExplicitBucketHistogramConfiguration { Boundaries = new[] { 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.5 } })
    .AddPrometheusHttpListener(options =>
    {
        options.Host = "127.0.0.1";
        options.Port = port;
    })
    .Build();
Console.WriteLine("listening");

// Kept until the end, so that the slot gauges go on reporting its slots after the run.
await using var executor = JobExecutor.Local(new JobExecutorOptions { Local = { Slots = 2 }, MaxAttempts = 1 });
while (Console.ReadLine() is { } line)
{
    if (line != "run")
    {
        Console.Error.WriteLine($"unknown command '{line}': say run, or close standard input to end");
        continue;
    }

    await Executor.ForEachAsync(Enumerable.Range(0, 20), new ExecutorOptions { FailurePolicy = FailurePolicy.RunAllThenThrow }, (i, _) => i == 7 ? throw new InvalidOperationException("item 7 fails") : default(ValueTask))
        .ContinueWith(_ => { }, TaskScheduler.Default);
    var jobs = Enumerable.Range(0, 3).Select(i => new Job("sleep", "2") { Name = FormattableString.Invariant($"sleep-{i}") })
        .Append(new Job("sh", "-c", "sleep 2; exit 1") { Name = "fails" });
    // A durable run (a directory of its own), so that each job's CPU time is known and its utilization recorded.
    var run = Path.Combine(Path.GetTempPath(), "parallellint-telemetry-" + Guid.NewGuid().ToString("N"));
    foreach (var result in await executor.ResumeAsync(run, jobs))
    {
        Console.WriteLine(result);
    }

    Directory.Delete(run, recursive: true);
    Console.WriteLine("ran");
}

return 0;
