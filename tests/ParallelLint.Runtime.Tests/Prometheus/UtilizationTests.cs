using System.Diagnostics.Metrics;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Prometheus;

/// <summary>The CPU efficiency histogram, fed a real job's result and a CPU time.</summary>
public sealed class UtilizationTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("parallellint-utilization-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task Utilization_is_cpu_time_over_cores_times_wall_time()
    {
        var recorded = new List<(double Value, string State)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "ParallelLint.Runtime" && instrument.Name == "parallellint.job.cpu.utilization")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            // Durable runs of other tests record theirs at the same time: this one goes under a backend of its own.
            if (!tags.ToArray().Contains(new KeyValuePair<string, object?>("parallellint.backend", "utilization-test")))
            {
                return;
            }

            lock (recorded)
            {
                recorded.Add((value, (string)tags.ToArray().Single(tag => tag.Key == "parallellint.job.state").Value!));
            }
        });
        listener.Start();
        await using var executor = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = scratch });
        var result = await executor.RunAsync(new Job("sleep", "0.3") { Cores = 1 });
        var wall = result.Ended!.Value - result.Started!.Value;

        JobTelemetry.RecordUtilization("utilization-test", result, TimeSpan.FromTicks(wall.Ticks / 4));

        var (value, state) = Assert.Single(recorded);
        Assert.Equal(0.25, value, 3);
        Assert.Equal("succeeded", state);
    }
}
