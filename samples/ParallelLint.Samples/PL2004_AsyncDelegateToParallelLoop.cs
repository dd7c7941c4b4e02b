using ParallelLint.Runtime;

namespace ParallelLint.Samples;

/// <summary>PL2004: an async delegate given to Parallel.For, ForEach or Invoke becomes async void.</summary>
public static class AsyncDelegateToParallelLoop
{
    private static readonly HttpClient Http = new();

    /// <summary>Returns before any page is saved, starts every download at once, and a failed one crashes the process.</summary>
    public static void Download(IEnumerable<Uri> pages, string directory)
    {
        Parallel.ForEach(pages, async page => // ❌ PL2004
        {
            var html = await Http.GetStringAsync(page);
            await File.WriteAllTextAsync(Path.Combine(directory, Path.GetFileName(page.LocalPath)), html);
        });
    }

    /// <summary>The fits read their data asynchronously: the loop ends while they still run, so the estimates are not there yet.</summary>
    public static double[] FitAll(string[] dataFiles)
    {
        var estimates = new double[dataFiles.Length];
        Parallel.For(0, dataFiles.Length, async i => // ❌ PL2004
        {
            var lines = await File.ReadAllLinesAsync(dataFiles[i]);
            estimates[i] = Fit(lines.Select(double.Parse).ToArray());
        });
        return estimates;
    }

    /// <summary>Two refreshes and an async void method: Parallel.Invoke waits for none of them.</summary>
    public static void Refresh(Uri prices, Uri rates, string[] reports)
    {
        Parallel.Invoke(async () => await Http.GetStringAsync(prices), async () => await Http.GetStringAsync(rates)); // ❌ PL2004, PL2004
        Parallel.ForEach(reports, SaveReport); // ❌ PL2004
    }

    /// <summary>Fixed: awaited, bounded by the cores, cancellable, and a failed download surfaces here.</summary>
    public static async Task DownloadAsync(IEnumerable<Uri> pages, string directory)
    {
        await Parallel.ForEachAsync(pages, async (page, cancellationToken) => // ✅
        {
            var html = await Http.GetStringAsync(page, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(directory, Path.GetFileName(page.LocalPath)), html, cancellationToken);
        });
    }

    /// <summary>Fixed: every estimate is there when the loop returns.</summary>
    public static async Task<double[]> FitAllAsync(string[] dataFiles)
    {
        var estimates = new double[dataFiles.Length];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Cores.Available };
        await Parallel.ForAsync(0, dataFiles.Length, options, async (i, cancellationToken) => // ✅
        {
            var lines = await File.ReadAllLinesAsync(dataFiles[i], cancellationToken);
            estimates[i] = Fit(lines.Select(double.Parse).ToArray());
        });
        return estimates;
    }

    /// <summary>Fixed: both refreshes awaited together.</summary>
    public static async Task RefreshAsync(Uri prices, Uri rates)
    {
        await Task.WhenAll(Task.Run(async () => await Http.GetStringAsync(prices)), Task.Run(async () => await Http.GetStringAsync(rates))); // ✅
    }

    private static async void SaveReport(string path) => await File.WriteAllTextAsync(path, DateTime.Now.ToString("O"));

    private static double Fit(double[] values) => values.Length == 0 ? 0 : values.Average();
}
