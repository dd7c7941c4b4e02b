using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ParallelLint.Runtime.Tests.Prometheus;

/// <summary>tests/ParallelLint.Telemetry.Target as a real process: the runtime's meter behind the OpenTelemetry Prometheus exporter.</summary>
internal sealed class ScrapeTarget : IDisposable
{
    private readonly List<string> lines = new();
    private readonly Process process;

    public ScrapeTarget()
    {
        Port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(SampleProgram.Path("ParallelLint.Telemetry.Target", "tests"));
        start.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        WaitFor("listening", TimeSpan.FromSeconds(30));
    }

    public int Port { get; }

    public string Output
    {
        get
        {
            lock (lines)
            {
                return string.Join("\n", lines);
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs the workload (20 items, 4 jobs of 2 s on 2 slots) and returns when it ended.</summary>
    public void RunWorkload()
    {
        process.StandardInput.WriteLine("run");
        process.StandardInput.Flush();
        WaitFor("ran", TimeSpan.FromSeconds(60));
    }

    /// <summary>What the exporter serves on /metrics now.</summary>
    public async Task<string> MetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{Port}/metrics"));
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
    }

    private void WaitFor(string line, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Split('\n').Contains(line))
        {
            Assert.False(process.HasExited && !Output.Split('\n').Contains(line), $"the scrape target ended: {Output}");
            Assert.True(DateTime.UtcNow < deadline, $"the scrape target did not print '{line}' in {timeout}: {Output}");
            Thread.Sleep(100);
        }
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
