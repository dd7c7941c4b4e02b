using ParallelLint.Runtime;

namespace ParallelLint.Samples;

/// <summary>PL2003: a task or thread per item, every one started before any is awaited.</summary>
public static class UnboundedFanOut
{
    /// <summary>A bootstrap: one task per resample, ten thousand resamples, ten thousand tasks queued at once.</summary>
    public static async Task<double[]> Bootstrap(double[] data, int resamples)
    {
        return await Task.WhenAll(Enumerable.Range(0, resamples).Select(r => Task.Run(() => ResampledMean(data, seed: r)))); // ❌ PL2003
    }

    /// <summary>An image batch: one task per file, all reading and decoding at once.</summary>
    public static void Thumbnails(string[] paths)
    {
        var tasks = new List<Task>();
        foreach (var path in paths)
        {
            tasks.Add(Task.Run(() => Thumbnail(path))); // ❌ PL2003
        }

        Task.WaitAll(tasks.ToArray());
    }

    /// <summary>Model fits: a dedicated thread per model, each with its own stack.</summary>
    public static void FitEach(double[][] models)
    {
        var threads = new List<Thread>();
        foreach (var model in models)
        {
            var thread = new Thread(() => ResampledMean(model, seed: 1)); // ❌ PL2003
            thread.Start();
            threads.Add(thread);
        }

        threads.ForEach(thread => thread.Join());
    }

    /// <summary>Fixed: the executor's bounded map, results in the order of the resamples.</summary>
    public static Task<double[]> BootstrapBounded(double[] data, int resamples) => // ✅
        Executor.MapAsync(Enumerable.Range(0, resamples), (r, cancellationToken) => ValueTask.FromResult(ResampledMean(data, seed: r)));

    /// <summary>Fixed: a loop bounded by the cores.</summary>
    public static async Task ThumbnailsBounded(string[] paths) // ✅
    {
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, (path, cancellationToken) =>
        {
            Thumbnail(path);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>A worker pool is not a finding: one thread per core, each taking models from a shared queue.</summary>
    public static void FitWithWorkers(double[][] models) // ✅
    {
        var next = -1;
        var workers = new List<Thread>();
        for (var w = 0; w < Environment.ProcessorCount; w++)
        {
            var worker = new Thread(() =>
            {
                for (var m = Interlocked.Increment(ref next); m < models.Length; m = Interlocked.Increment(ref next))
                {
                    ResampledMean(models[m], seed: m);
                }
            });
            worker.Start();
            workers.Add(worker);
        }

        workers.ForEach(worker => worker.Join());
    }

    private static double ResampledMean(double[] data, int seed)
    {
        var random = new Random(seed);
        var sum = 0.0;
        for (var i = 0; i < data.Length; i++)
        {
            sum += data[random.Next(data.Length)];
        }

        return sum / Math.Max(1, data.Length);
    }

    private static void Thumbnail(string path)
    {
        var pixels = File.ReadAllBytes(path);
        var small = new byte[pixels.Length / 16];
        for (var i = 0; i < small.Length; i++)
        {
            small[i] = pixels[i * 16];
        }

        File.WriteAllBytes(Path.ChangeExtension(path, ".thumb"), small);
    }
}
