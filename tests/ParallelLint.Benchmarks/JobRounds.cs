using System.Diagnostics;

namespace ParallelLint.Benchmarks;

/// <summary>
/// <see cref="LocalJobBenchmarks"/>' methods in alternating rounds within one process:
/// <c>dotnet run -c Release --project tests/ParallelLint.Benchmarks -- --job-rounds [rounds]</c>.
/// On a shared 2-core VM the machine's speed drifts by ±20% between BenchmarkDotNet's separate runs of each
/// method; alternating the two (and which goes first) round by round exposes both to the same drift, so their ratio
/// is what stays meaningful.
/// </summary>
public static class JobRounds
{
    public static async Task Report(int rounds)
    {
        var benchmarks = new LocalJobBenchmarks();
        var loop = new double[rounds];
        var pipes = new double[rounds];
        var files = new double[rounds];
        var executor = new double[rounds];
        var durable = new double[rounds];
        try
        {
            // One warm-up round of each: JIT, thread pool growth, the first process starts.
            await benchmarks.HandWritten_bounded_Process_Start();
            await benchmarks.HandWritten_with_redirected_streams();
            await benchmarks.HandWritten_with_output_files();
            await benchmarks.JobExecutor_Local();
            await benchmarks.JobExecutor_Local_durable_run();
            for (var round = 0; round < rounds; round++)
            {
                if (round % 2 == 0)
                {
                    loop[round] = await Seconds(benchmarks.HandWritten_bounded_Process_Start);
                    pipes[round] = await Seconds(benchmarks.HandWritten_with_redirected_streams);
                    files[round] = await Seconds(benchmarks.HandWritten_with_output_files);
                    executor[round] = await Seconds(benchmarks.JobExecutor_Local);
                    durable[round] = await Seconds(benchmarks.JobExecutor_Local_durable_run);
                }
                else
                {
                    durable[round] = await Seconds(benchmarks.JobExecutor_Local_durable_run);
                    executor[round] = await Seconds(benchmarks.JobExecutor_Local);
                    files[round] = await Seconds(benchmarks.HandWritten_with_output_files);
                    pipes[round] = await Seconds(benchmarks.HandWritten_with_redirected_streams);
                    loop[round] = await Seconds(benchmarks.HandWritten_bounded_Process_Start);
                }
            }
        }
        finally
        {
            benchmarks.RemoveOutputs();
        }

        Console.WriteLine($"500 jobs of /bin/true, {rounds} alternating rounds, outputs under {Path.GetTempPath()} (medians)");
        Console.WriteLine($"hand-written bounded Process.Start loop {Median(loop) * 1000,7:F0} ms");
        Console.WriteLine($"  the same with redirected streams      {Median(pipes) * 1000,7:F0} ms  {Ratio(pipes, loop)}");
        Console.WriteLine($"  the same with output files            {Median(files) * 1000,7:F0} ms  {Ratio(files, loop)}");
        Console.WriteLine($"JobExecutor.Local                       {Median(executor) * 1000,7:F0} ms  {Ratio(executor, loop)}; " +
            $"against the loop with output files {Ratio(executor, files)}");
        Console.WriteLine($"  a durable run (ResumeAsync)           {Median(durable) * 1000,7:F0} ms  {Ratio(durable, loop)}; " +
            $"against the loop with output files {Ratio(durable, files)}");
    }

    // The ratio of the medians, and the median of each round's ratio (the two agree when drift is under control).
    private static string Ratio(double[] time, double[] baseline) =>
        $"{Median(time) / Median(baseline):F2}× (per round {Median(time.Zip(baseline, (t, b) => t / b).ToArray()):F2}×)";

    private static async Task<double> Seconds(Func<Task> run)
    {
        var clock = Stopwatch.StartNew();
        await run();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(double[] values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
