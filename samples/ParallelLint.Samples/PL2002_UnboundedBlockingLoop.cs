using System.Collections.Concurrent;
using ParallelLint.Runtime;

namespace ParallelLint.Samples;

/// <summary>PL2002: a Parallel.For/ForEach with no bound on its degree whose body blocks.</summary>
public static class UnboundedBlockingLoop
{
    private static readonly HttpClient Http = new();

    /// <summary>Each page downloaded synchronously: while bodies wait on the network, the pool adds thread after thread.</summary>
    public static void Download(IEnumerable<Uri> pages, string directory)
    {
        Parallel.ForEach(pages, page => // ❌ PL2002
        {
            using var response = Http.Send(new HttpRequestMessage(HttpMethod.Get, page));
            using var file = File.Create(Path.Combine(directory, Path.GetFileName(page.LocalPath)));
            response.Content.ReadAsStream().CopyTo(file);
        });
    }

    /// <summary>Each model's data read from disk before it is fitted: the reads block, and the loop takes more items.</summary>
    public static double[] FitAll(string[] dataFiles)
    {
        var estimates = new double[dataFiles.Length];
        Parallel.For(0, dataFiles.Length, i => // ❌ PL2002
        {
            var values = File.ReadAllLines(dataFiles[i]).Select(double.Parse).ToArray();
            estimates[i] = Fit(values);
        });
        return estimates;
    }

    /// <summary>A fit that waits on an asynchronous store: options that only carry a token do not bound the loop.</summary>
    public static void FitFromStore(IEnumerable<string> models, Func<string, Task<double[]>> loadAsync, ConcurrentDictionary<string, double> fits, CancellationToken token)
    {
        Parallel.ForEach(models, new ParallelOptions { CancellationToken = token }, model => // ❌ PL2002
        {
            var data = loadAsync(model).Result;
            fits[model] = Fit(data);
        });
    }

    /// <summary>Fixed: as many pages at once as there are cores for them.</summary>
    public static void DownloadBounded(IEnumerable<Uri> pages, string directory)
    {
        Parallel.ForEach(pages, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, page => // ✅
        {
            using var response = Http.Send(new HttpRequestMessage(HttpMethod.Get, page));
            using var file = File.Create(Path.Combine(directory, Path.GetFileName(page.LocalPath)));
            response.Content.ReadAsStream().CopyTo(file);
        });
    }

    /// <summary>Fixed: the reads and fits bounded by the cores.</summary>
    public static double[] FitAllBounded(string[] dataFiles)
    {
        var estimates = new double[dataFiles.Length];
        Parallel.For(0, dataFiles.Length, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, i => // ✅
        {
            var values = File.ReadAllLines(dataFiles[i]).Select(double.Parse).ToArray();
            estimates[i] = Fit(values);
        });
        return estimates;
    }

    /// <summary>Fixed: the token kept, the degree added.</summary>
    public static void FitFromStoreBounded(IEnumerable<string> models, Func<string, Task<double[]>> loadAsync, ConcurrentDictionary<string, double> fits, CancellationToken token)
    {
        Parallel.ForEach(models, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available, CancellationToken = token }, model => // ✅
        {
            var data = loadAsync(model).Result;
            fits[model] = Fit(data);
        });
    }

    private static double Fit(double[] values) => values.Length == 0 ? 0 : values.Sum() / values.Length;
}
