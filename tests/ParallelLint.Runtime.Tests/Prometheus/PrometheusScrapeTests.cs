using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ParallelLint.Runtime.Tests.Prometheus;

/// <summary>
/// A real Prometheus (Debian's package, installed by eng/prometheus/up.sh) scrapes the scrape target every second
/// while it runs real jobs; the assertions ask Prometheus' own query API. Without Prometheus the test is skipped,
/// except under CI=true, where it must run.
/// </summary>
public sealed class PrometheusScrapeTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("parallellint-prometheus-").FullName;
    private readonly HttpClient http = new();

    public void Dispose()
    {
        http.Dispose();
        Directory.Delete(scratch, recursive: true);
    }

    [SkippableFact]
    public async Task Prometheus_sees_the_job_counts_and_durations_move_as_jobs_run()
    {
        const string binary = "/usr/bin/prometheus";
        if (!File.Exists(binary))
        {
            var reason = $"{binary} is missing; `eng/test.sh` installs it as root with apt (eng/prometheus/up.sh)";
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", reason);
            Skip.If(true, reason);
        }

        using var target = new ScrapeTarget();
        var port = ScrapeTarget.FreePort();
        File.WriteAllText(Path.Combine(scratch, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: parallellint
                static_configs:
                  - targets: ['127.0.0.1:{target.Port}']
            """);
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--config.file=" + Path.Combine(scratch, "prometheus.yml"), "--storage.tsdb.path=" + Path.Combine(scratch, "data"), $"--web.listen-address=127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var prometheus = Process.Start(start)!;
        var log = prometheus.StandardError.ReadToEndAsync();
        try
        {
            var api = $"http://127.0.0.1:{port}/api/v1/query?query=";
            await Until(async () => (await Query(api, "up{job=\"parallellint\"}")).GetValueOrDefault("") == 1, "Prometheus to scrape the target", log);
            Assert.Empty(await Query(api, "parallellint_job_duration_seconds_count"));

            target.RunWorkload();
            var ended = "sum by (parallellint_job_state) (parallellint_job_duration_seconds_count)";
            await Until(async () => (await Query(api, ended, "parallellint_job_state")).Values.Sum() == 4, "the 4 jobs' ends", log);

            Assert.Equal(new Dictionary<string, double> { ["succeeded"] = 3, ["failed"] = 1 }, await Query(api, ended, "parallellint_job_state"));
            Assert.Equal(4, (await Query(api, "sum(parallellint_job_duration_seconds_bucket{le=\"+Inf\"})"))[""]);
            // Prometheus asks for OpenMetrics, whose bucket bounds read "1.0"; the classic text format says "1".
            Assert.Equal(0, (await Query(api, "sum(parallellint_job_duration_seconds_bucket{le=~\"1(\\\\.0)?\"})"))[""]);
            Assert.InRange((await Query(api, "sum(parallellint_job_duration_seconds_sum)"))[""], 7.9, 60);

            // Seen while they ran: 2 slots, so 2 running and 2 queued at first, and nothing left at the end.
            Assert.Equal(2, (await Query(api, "max_over_time(parallellint_job_count{parallellint_job_state=\"running\"}[10m])"))[""]);
            Assert.Equal(2, (await Query(api, "max_over_time(parallellint_job_count{parallellint_job_state=\"queued\"}[10m])"))[""]);
            Assert.Equal(2, (await Query(api, "max_over_time(parallellint_slot_usage{parallellint_backend=\"local\"}[10m])"))[""]);
            Assert.Equal(2, (await Query(api, "parallellint_slot_limit{parallellint_backend=\"local\"}"))[""]);
            await Until(async () => (await Query(api, "sum(parallellint_job_count)")).GetValueOrDefault("", -1) == 0, "the job counts to go back to 0", log);
            Assert.Equal(
                new Dictionary<string, double> { ["succeeded"] = 19, ["failed"] = 1 },
                await Query(api, "sum by (parallellint_executor_item_state) (parallellint_executor_item_duration_seconds_count)", "parallellint_executor_item_state"));
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            prometheus.WaitForExit();
        }
    }

    /// <summary>An instant query's samples, keyed by the value of <paramref name="label"/> ("" without one).</summary>
    private async Task<Dictionary<string, double>> Query(string api, string promQl, string? label = null)
    {
        using var answer = JsonDocument.Parse(await http.GetStringAsync(new Uri(api + Uri.EscapeDataString(promQl))));
        Assert.Equal("success", answer.RootElement.GetProperty("status").GetString());
        return answer.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().ToDictionary(
            sample => label is null ? "" : sample.GetProperty("metric").GetProperty(label).GetString()!,
            sample => double.Parse(sample.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture));
    }

    private static async Task Until(Func<Task<bool>> condition, string what, Task<string> log)
    {
        // Refused connections too: Prometheus listens a moment after it started.
        async Task<bool> Holds()
        {
            try
            {
                return await condition();
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }

        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60); !await Holds(); await Task.Delay(500))
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; Prometheus said: {(log.IsCompleted ? log.Result : "(still running)")}");
        }
    }
}
