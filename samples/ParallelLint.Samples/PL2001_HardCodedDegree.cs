using System.Threading.Tasks.Dataflow;
using ParallelLint.Runtime;

namespace ParallelLint.Samples;

/// <summary>PL2001: a degree of parallelism written into the code for CPU-bound work.</summary>
public static class HardCodedDegree
{
    // Tuned once, on the 16-core workstation the code was written on.
    private const int Workers = 16;

    /// <summary>A bootstrap of the mean: a container with a 2-core quota still gets 16 workers.</summary>
    public static double[] Bootstrap(double[] sample, int resamples)
    {
        var means = new double[resamples];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Workers }; // ❌ PL2001
        Parallel.For(0, resamples, options, r => means[r] = ResampledMean(sample, seed: r));
        return means;
    }

    /// <summary>Fixed: as many workers as the cores this process may use (a quota, an affinity mask, a grid allocation).</summary>
    public static double[] BootstrapOnDetectedCores(double[] sample, int resamples)
    {
        var means = new double[resamples];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }; // ✅
        Parallel.For(0, resamples, options, r => means[r] = ResampledMean(sample, seed: r));
        return means;
    }

    /// <summary>An image batch: twice the processor count "to keep the cores busy" only makes threads wait for cores.</summary>
    public static void Sharpen(IReadOnlyList<float[]> images)
    {
        images.AsParallel()
            .WithDegreeOfParallelism(Environment.ProcessorCount * 2) // ❌ PL2001
            .ForAll(Sharpen);
    }

    /// <summary>Fixed: one worker per available core.</summary>
    public static void SharpenOnDetectedCores(IReadOnlyList<float[]> images)
    {
        images.AsParallel()
            .WithDegreeOfParallelism(Cores.Available) // ✅
            .ForAll(Sharpen);
    }

    /// <summary>Model fitting through a Dataflow block and the runtime's executor, both with a constant degree.</summary>
    public static async Task<double[]> FitSlopes(double[][] datasets)
    {
        var slopes = new double[datasets.Length];
        var fit = new ActionBlock<int>(
            i => slopes[i] = Slope(datasets[i]),
            new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 32 }); // ❌ PL2001
        for (var i = 0; i < datasets.Length; i++)
        {
            fit.Post(i);
        }

        fit.Complete();
        await fit.Completion;

        Executor.ForEach(Enumerable.Range(0, datasets.Length), new ExecutorOptions { MaxDegreeOfParallelism = 8 }, i => slopes[i] = Slope(datasets[i])); // ❌ PL2001
        return slopes;
    }

    /// <summary>Fixed: the executor's default degree is the detected cores.</summary>
    public static double[] FitSlopesOnDetectedCores(double[][] datasets)
    {
        var slopes = new double[datasets.Length];
        Executor.ForEach(Enumerable.Range(0, datasets.Length), i => slopes[i] = Slope(datasets[i])); // ✅
        return slopes;
    }

    /// <summary>Not a finding: downloads wait on the network, not on cores, so a fixed number of them in flight is fine.</summary>
    public static async Task<long> DownloadSizes(HttpClient client, IEnumerable<Uri> uris)
    {
        long total = 0;
        await Parallel.ForEachAsync(uris, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (uri, ct) => // ✅
        {
            var bytes = await client.GetByteArrayAsync(uri, ct);
            Interlocked.Add(ref total, bytes.Length);
        });
        return total;
    }

    private static double ResampledMean(double[] sample, int seed)
    {
        var random = new Random(seed);
        var sum = 0.0;
        for (var k = 0; k < sample.Length; k++)
        {
            sum += sample[random.Next(sample.Length)];
        }

        return sum / sample.Length;
    }

    private static void Sharpen(float[] image)
    {
        for (var p = 1; p < image.Length - 1; p++)
        {
            image[p] = Math.Clamp(2 * image[p] - 0.5f * (image[p - 1] + image[p + 1]), 0f, 1f);
        }
    }

    private static double Slope(double[] y)
    {
        double meanX = (y.Length - 1) / 2.0, meanY = y.Average(), covariance = 0, variance = 0;
        for (var x = 0; x < y.Length; x++)
        {
            covariance += (x - meanX) * (y[x] - meanY);
            variance += (x - meanX) * (x - meanX);
        }

        return variance == 0 ? 0 : covariance / variance;
    }
}
