using System.Collections.Concurrent;
using ParallelLint.Runtime;

namespace ParallelLint.Samples;

/// <summary>PL1001: a parallel construct inside the parallel body of another one.</summary>
public static class NestedParallelConstruct
{
    /// <summary>A bootstrap: resample each model's data and fit it. Both levels grab every core.</summary>
    public static double[] Nested(double[][] models, int resamples)
    {
        var estimates = new double[models.Length];
        Parallel.For(0, models.Length, m =>
        {
            var fits = new ConcurrentBag<double>();
            Parallel.For(0, resamples, r => fits.Add(Fit(models[m], seed: r))); // ❌ PL1001
            estimates[m] = fits.Average();
        });
        return estimates;
    }

    /// <summary>The same through PLINQ inside a Parallel.ForEach, and a task per item inside it.</summary>
    public static void Hidden(IEnumerable<double[]> models)
    {
        Parallel.ForEach(models, data => // ❌ PL2002: its body waits on tasks
        {
            var mean = data.AsParallel().Average(); // ❌ PL1001
            var tasks = new List<Task>();
            foreach (var value in data)
            {
                tasks.Add(Task.Run(() => Fit(data, seed: (int)(value - mean)))); // ❌ PL1001
            }

            Task.WaitAll(tasks.ToArray());
        });
    }

    /// <summary>Fixed: run many models one core each and parallelize across them (the inner level is sequential).</summary>
    public static double[] OuterOnly(double[][] models, int resamples)
    {
        var estimates = new double[models.Length];
        Parallel.For(0, models.Length, m =>
        {
            var total = 0.0;
            for (var r = 0; r < resamples; r++)
            {
                total += Fit(models[m], seed: r);
            }

            estimates[m] = total / resamples;
        });
        return estimates;
    }

    /// <summary>Fixed: both levels bounded so that their product stays within the detected cores.</summary>
    public static double[] Bounded(double[][] models, int resamples)
    {
        var estimates = new double[models.Length];
        Parallel.For(0, models.Length, new ParallelOptions { MaxDegreeOfParallelism = Cores.ForLevel(level: 0, levels: 2) }, m =>
        {
            var fits = new ConcurrentBag<double>();
            Parallel.For(0, resamples, new ParallelOptions { MaxDegreeOfParallelism = Cores.ForLevel(level: 1, levels: 2) }, r => fits.Add(Fit(models[m], seed: r)));
            estimates[m] = fits.Average();
        });
        return estimates;
    }

    /// <summary>The runtime's executor gives each model its share of the cores; a default BCL loop inside ignores it.</summary>
    public static void UnderTheExecutor(double[][] models, int resamples)
    {
        Executor.ForEach(models, data =>
        {
            Parallel.For(0, resamples, r => Fit(data, seed: r)); // ❌ PL1001
        });
    }

    /// <summary>Fixed: the inner loop sized by <see cref="Cores.Available"/>, which inside an item is the item's share.</summary>
    public static void WithinTheItemsShare(double[][] models, int resamples)
    {
        Executor.ForEach(models, data =>
        {
            Parallel.For(0, resamples, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, r => Fit(data, seed: r)); // ✅
        });
    }

    private static double Fit(double[] data, int seed)
    {
        var random = new Random(seed);
        return data.Sum(x => x * random.NextDouble());
    }
}
