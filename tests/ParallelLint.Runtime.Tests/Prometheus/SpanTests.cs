using System.Diagnostics;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Runtime.Tests.Prometheus;

/// <summary>The runtime's spans, as any OpenTelemetry backend gets them through an ActivityListener.</summary>
public sealed class SpanTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("parallellint-spans-").FullName;
    private readonly List<Activity> stopped = new();
    private readonly ActivityListener listener;

    public SpanTests()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ParallelLint.Runtime",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (stopped)
                {
                    stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
    }

    public void Dispose()
    {
        listener.Dispose();
        Directory.Delete(scratch, recursive: true);
    }

    [Fact]
    public async Task A_run_span_holds_a_span_per_job_with_how_it_ended()
    {
        using var caller = new Activity("test").Start();
        await using var executor = JobExecutor.Local(new JobExecutorOptions { WorkDirectory = scratch, MaxAttempts = 2 });
        var results = await executor.RunAllAsync(new[] { new Job("true") { Name = "ok" }, new Job("sh", "-c", "exit 3") { Name = "bad" } });

        Assert.Same(caller, Activity.Current);
        var spans = Ours(caller);
        var run = Assert.Single(spans, span => span.OperationName == "parallellint.job.run");
        Assert.Equal(caller.SpanId, run.ParentSpanId);
        Assert.Equal("local", run.GetTagItem("parallellint.backend"));
        Assert.Equal(2, run.GetTagItem("parallellint.run.job.count"));
        Assert.Equal(ActivityStatusCode.Error, run.Status);

        var jobs = spans.Where(span => span.OperationName == "parallellint.job").ToDictionary(span => (string)span.GetTagItem("parallellint.job.name")!);
        Assert.Equal(new[] { "bad", "ok" }, jobs.Keys.Order());
        Assert.All(jobs.Values, job => Assert.Equal(run.SpanId, job.ParentSpanId));
        Assert.Equal(("succeeded", 0, 1, ActivityStatusCode.Unset), Ended(jobs["ok"]));
        Assert.Equal(("failed", 3, 2, ActivityStatusCode.Error), Ended(jobs["bad"]));
        Assert.Equal("exit code 3", jobs["bad"].StatusDescription);
        Assert.Single(jobs["bad"].Events, e => e.Name == "parallellint.job.retry");
        Assert.Equal(Environment.MachineName, jobs["ok"].GetTagItem("host.name"));
        Assert.Equal(results[0].Id, jobs["ok"].GetTagItem("parallellint.job.id"));
        Assert.InRange(jobs["ok"].StartTimeUtc, run.StartTimeUtc, run.StartTimeUtc + run.Duration);
    }

    [Fact]
    public async Task Each_executor_item_is_a_span_that_work_inside_it_hangs_under()
    {
        using var caller = new Activity("test").Start();
        var inner = new System.Collections.Concurrent.ConcurrentDictionary<int, ActivitySpanId>();
        var run = Executor.ForEachAsync(Enumerable.Range(0, 5), new ExecutorOptions { FailurePolicy = FailurePolicy.RunAllThenThrow }, (i, _) =>
        {
            inner[i] = Activity.Current!.SpanId;
            return i == 2 ? throw new InvalidOperationException("two") : default(ValueTask);
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => run);

        var items = Ours(caller).Where(span => span.OperationName == "parallellint.executor.item").ToDictionary(span => (long)span.GetTagItem("parallellint.executor.item.index")!);
        Assert.Equal(5, items.Count);
        Assert.All(items.Values, item => Assert.Equal(caller.SpanId, item.ParentSpanId));
        Assert.All(inner, pair => Assert.Equal(items[pair.Key].SpanId, pair.Value));
        Assert.Equal(ActivityStatusCode.Error, items[2].Status);
        Assert.Equal("failed", items[2].GetTagItem("parallellint.executor.item.state"));
        Assert.Contains(items[2].Events, e => e.Name == "exception");
        Assert.Equal("succeeded", items[0].GetTagItem("parallellint.executor.item.state"));
    }

    private static (object? State, object? ExitCode, object? Attempts, ActivityStatusCode Status) Ended(Activity job) =>
        (job.GetTagItem("parallellint.job.state"), job.GetTagItem("process.exit.code"), job.GetTagItem("parallellint.job.attempts"), job.Status);

    /// <summary>The spans of this test's trace: other tests run jobs at the same time.</summary>
    private List<Activity> Ours(Activity caller)
    {
        lock (stopped)
        {
            return stopped.Where(span => span.TraceId == caller.TraceId).ToList();
        }
    }
}
