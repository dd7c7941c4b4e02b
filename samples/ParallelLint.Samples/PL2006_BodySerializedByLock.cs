using ParallelLint.Runtime;

namespace ParallelLint.Samples;

/// <summary>PL2006: a parallel body whose work all runs inside one lock.</summary>
public static class BodySerializedByLock
{
    private static readonly object Gate = new();
    private static readonly SemaphoreSlim OneFitAtATime = new(1, 1);

    /// <summary>A bootstrap's log-likelihood summed over replicates: every replicate is computed inside the lock.</summary>
    public static double TotalLogLikelihood(double[] data, int replicates)
    {
        var total = 0.0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Cores.Available };
        Parallel.For(0, replicates, options, r =>
        {
            lock (Gate) // ❌ PL2006
            {
                total += LogLikelihood(data, seed: r);
            }
        });
        return total;
    }

    /// <summary>Model fits behind a semaphore of one: the fits run one after another.</summary>
    public static async Task<List<double>> FitModels(double[][] models)
    {
        var estimates = new List<double>();
        await Parallel.ForEachAsync(models, async (model, cancellationToken) =>
        {
            await OneFitAtATime.WaitAsync(cancellationToken); // ❌ PL2006
            try
            {
                await Task.Yield();
                estimates.Add(LogLikelihood(model, seed: model.Length));
            }
            finally
            {
                OneFitAtATime.Release();
            }
        });
        return estimates;
    }

    /// <summary>Fixed: a subtotal per worker, added under the lock once per worker (localInit/localFinally).</summary>
    public static double TotalLogLikelihoodPerThread(double[] data, int replicates) // ✅
    {
        var total = 0.0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Cores.Available };
        Parallel.For(0, replicates, options, () => 0.0, (r, state, subtotal) => subtotal + LogLikelihood(data, seed: r), subtotal => { lock (Gate) { total += subtotal; } });
        return total;
    }

    /// <summary>Fixed: the fit outside, the lock only around the accumulation.</summary>
    public static async Task<List<double>> FitModelsThenCollect(double[][] models) // ✅
    {
        var estimates = new List<double>();
        await Parallel.ForEachAsync(models, async (model, cancellationToken) =>
        {
            await Task.Yield();
            var estimate = LogLikelihood(model, seed: model.Length);
            lock (estimates)
            {
                estimates.Add(estimate);
            }
        });
        return estimates;
    }

    private static double LogLikelihood(double[] data, int seed)
    {
        var random = new Random(seed);
        var sum = 0.0;
        foreach (var x in data)
        {
            sum += Math.Log(1 + Math.Abs(x - random.NextDouble()));
        }

        return -sum;
    }
}
