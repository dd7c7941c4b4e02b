namespace ParallelLint.Runtime.Tests;

/// <summary>
/// Code run where <see cref="Cores.Available"/> is a chosen number on any machine: inside an executor item given that
/// many cores, the runtime's own way of handing nested work its share. Tests whose expectations follow the cores use
/// it, so that they test the same thing on 1, 2 or 64 cores and whatever PARALLELLINT_CORES says.
/// </summary>
internal static class OnCores
{
    public static async Task<T> RunAsync<T>(int cores, Func<Task<T>> body)
    {
        // An item of 1 core gets the machine's share instead (CoresPerItem 1 is the default, not a budget).
        Assert.True(cores >= 2, "a budget of 1 core cannot be set this way");
        var results = await Executor.MapAsync(new[] { cores }, new ExecutorOptions { MaxDegreeOfParallelism = 1, CoresPerItem = cores }, async (_, _) => await body());
        return results[0];
    }

    public static Task RunAsync(int cores, Func<Task> body) => RunAsync(cores, async () =>
    {
        await body();
        return true;
    });
}
