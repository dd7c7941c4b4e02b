using System.Globalization;
using System.Runtime.InteropServices;

namespace ParallelLint.Runtime.Jobs;

/// <summary>
/// The peak resident memory of a job's processes, sampled from Linux's <c>/proc</c> (as Slurm's accounting and
/// Nextflow's trace do): each sample sums the high-water mark (<c>VmHWM</c>) of every live process of the tree, and
/// the peak is the largest sum. A high-water mark holds between samples, so a process's own peak is never missed
/// while it lives; a job that ends before the first sample has none (null, unknown). The grid launcher does the same
/// in bash; elsewhere than Linux there is no sample.
/// </summary>
internal sealed class PeakMemory
{
    /// <summary>Samples come quickly at first (short jobs), then once a second.</summary>
    public static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan LastInterval = TimeSpan.FromSeconds(1);

    private static readonly bool IsLinux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    private readonly int root;
    private readonly bool countsRoot;

    /// <param name="root">The process the job runs as, or its wrapper.</param>
    /// <param name="countsRoot">False for a wrapper, whose own shell is not the job's memory.</param>
    public PeakMemory(int root, bool countsRoot)
    {
        this.root = root;
        this.countsRoot = countsRoot;
    }

    /// <summary>The largest sum sampled so far, in bytes; null before a sample found a process.</summary>
    public long? Bytes { get; private set; }

    public TimeSpan Interval { get; private set; } = FirstInterval;

    /// <summary>Takes one sample and lengthens the interval to the next.</summary>
    public void Sample()
    {
        Interval = TimeSpan.FromTicks(Math.Min(Interval.Ticks * 2, LastInterval.Ticks));
        if (TreeKilobytes() is { } kilobytes && kilobytes * 1024 > (Bytes ?? -1))
        {
            Bytes = kilobytes * 1024;
        }
    }

    private long? TreeKilobytes()
    {
        if (!IsLinux)
        {
            return null;
        }

        long? total = null;
        var pending = new Stack<int>();
        pending.Push(root);
        var seen = new HashSet<int>();
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            if (!seen.Add(pid))
            {
                continue;
            }

            foreach (var child in Children(pid))
            {
                pending.Push(child);
            }

            if ((pid != root || countsRoot) && HighWaterKilobytes(pid) is { } kilobytes)
            {
                total = (total ?? 0) + kilobytes;
            }
        }

        return total;
    }

    /// <summary>The children of every thread of a process (a child belongs to the thread that forked it).</summary>
    private static IEnumerable<int> Children(int pid)
    {
        string[] threads;
        try
        {
            threads = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var thread in threads)
        {
            if (ReadOrNull(Path.Combine(thread, "children")) is not { } text)
            {
                continue;
            }

            foreach (var field in text.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var child))
                {
                    yield return child;
                }
            }
        }
    }

    /// <summary>A process's <c>VmHWM</c> in kB; null when it is gone or a zombie (whose memory is already freed).</summary>
    private static long? HighWaterKilobytes(int pid)
    {
        if (ReadOrNull($"/proc/{pid}/status") is not { } status)
        {
            return null;
        }

        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                return fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes) ? kilobytes : null;
            }
        }

        return null;
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
