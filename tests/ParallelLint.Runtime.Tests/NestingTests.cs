using System.Diagnostics;

namespace ParallelLint.Runtime.Tests;

/// <summary>Nested levels multiply to at most the machine: each item sees its share as Cores.Available.</summary>
public class NestingTests
{
    // The nesting tests start from 8 cores on any machine: on 1 or 2 the share of two items is 1 core, which a budget
    // that did not divide (or a default of 1) gives too.
    private const int Machine = 8;

    [Fact]
    public async Task Inside_an_item_Cores_Available_is_the_items_share()
    {
        var seen = await OnCores.RunAsync(Machine, () =>
            Executor.MapAsync(Enumerable.Range(0, 8), new ExecutorOptions { MaxDegreeOfParallelism = 2 }, (_, _) => new ValueTask<int>(Cores.Available)));
        Assert.All(seen, cores => Assert.Equal(Machine / 2, cores));
    }

    [Fact]
    public async Task Cores_per_item_is_the_budget_inside_the_item()
    {
        var seen = await Executor.MapAsync(Enumerable.Range(0, 4), new ExecutorOptions { MaxDegreeOfParallelism = 1, CoresPerItem = 3 }, async (_, _) =>
        {
            await Task.Yield();
            return Cores.Available;
        });
        Assert.All(seen, cores => Assert.Equal(3, cores));
    }

    [Fact]
    public async Task A_nested_executor_defaults_to_the_outer_items_share()
    {
        // Outer: 2 items at once, each with half the cores. Inner: defaults to that share, not to the machine.
        var gauge = new ConcurrencyGauge();
        await OnCores.RunAsync(Machine, () => Executor.ForEachAsync(Enumerable.Range(0, 2), new ExecutorOptions { MaxDegreeOfParallelism = 2 }, async (_, _) =>
        {
            await Executor.ForEachAsync(Enumerable.Range(0, 40), async (_, _) =>
            {
                using (gauge.Enter())
                {
                    await Task.Delay(2);
                }
            });
        }));

        Assert.InRange(gauge.Max, 1, Machine);
    }

    [Fact]
    public async Task Parallel_For_sized_by_Cores_Available_stays_within_the_items_share()
    {
        var gauge = new ConcurrencyGauge();

        // Enough pool threads that only the degree, not thread injection, limits how many bodies overlap.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 4 * Machine), io);
        await OnCores.RunAsync(Machine, () => Executor.ForEachAsync(Enumerable.Range(0, 2), new ExecutorOptions { MaxDegreeOfParallelism = 2 }, (_, _) =>
        {
            Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, _ =>
            {
                using (gauge.Enter())
                {
                    Thread.Sleep(10);
                }
            });
            return default;
        }));

        Assert.InRange(gauge.Max, 1, Machine);
    }

    [Fact]
    public void Outside_any_item_the_budget_does_not_leak()
    {
        var inside = 0;
        Executor.ForEach(new[] { 1 }, new ExecutorOptions { MaxDegreeOfParallelism = 1, CoresPerItem = 7 }, _ => inside = Cores.Available);
        Assert.Equal(7, inside);
        Assert.Equal(Cores.Detect().Available, Cores.Available);
    }

    [Fact]
    public void Child_processes_get_the_thread_variables_set_to_their_cores()
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("echo $OMP_NUM_THREADS $MKL_NUM_THREADS $OPENBLAS_NUM_THREADS $DOTNET_PROCESSOR_COUNT $PARALLELLINT_CORES");
        ChildProcesses.LimitThreads(start, 3);

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Equal("3 3 3 3 3", output);
    }

    [Fact]
    public void Limiting_a_child_to_no_cores_names_the_parameter()
    {
        Assert.Equal("cores", Assert.Throws<ArgumentOutOfRangeException>(() => ChildProcesses.LimitThreads(new ProcessStartInfo("x"), 0)).ParamName);
    }
}
