using System.Diagnostics;

namespace ParallelLint.Runtime;

/// <summary>
/// What <see cref="Cores.Available"/>, <see cref="Cores.Logical"/> and <see cref="Cores.Physical"/> answer between
/// reads of /proc and /sys: the fixes put those properties into loops, and detection reads a dozen files.
/// A changed core variable (<c>PARALLELLINT_CORES</c>, a grid allocation, <c>DOTNET_PROCESSOR_COUNT</c>) is seen on
/// the next read; a changed file (cgroup quota, affinity) within <see cref="Lifetime"/>.
/// </summary>
internal sealed class CoreCache
{
    private readonly CoreEnvironment environment;
    private readonly Func<long> clock;
    private readonly long lifetimeTicks;
    private Entry? entry;

    public CoreCache(CoreEnvironment environment, TimeSpan lifetime, Func<long>? clock = null)
    {
        this.environment = environment;
        Lifetime = lifetime;
        this.clock = clock ?? Stopwatch.GetTimestamp;
        lifetimeTicks = (long)(lifetime.TotalSeconds * Stopwatch.Frequency);
    }

    public static CoreCache Current { get; } = new(CoreEnvironment.Current, Cores.RefreshInterval);

    public TimeSpan Lifetime { get; }

    public CoreLimits Limits => Read().Limits;

    /// <summary>Read from sysfs only when asked, once per entry.</summary>
    public int Physical => Read().Physical.Value;

    /// <summary>Forgets what was read: the next property read detects again.</summary>
    public void Refresh() => Volatile.Write(ref entry, null);

    private Entry Read()
    {
        var now = clock();
        var cached = Volatile.Read(ref entry);
        if (cached is not null && now - cached.Time < lifetimeTicks && SameVariables(cached.Variables))
        {
            return cached;
        }

        // Two threads racing here both detect and one entry wins: both answers are current.
        var variables = CoreDetection.DecidingVariables.Select(environment.Variable).ToArray();
        var limits = CoreDetection.Limits(environment);
        var fresh = new Entry(variables, now, limits, new Lazy<int>(() => Topology.PhysicalCores(environment, limits.Affinity, limits.Logical, new List<CoreSource>())));
        Volatile.Write(ref entry, fresh);
        return fresh;
    }

    /// <summary>A few environment lookups, compared in place: no allocation on the path a loop takes.</summary>
    private bool SameVariables(string?[] values)
    {
        var names = CoreDetection.DecidingVariables;
        for (var i = 0; i < names.Count; i++)
        {
            if (!string.Equals(environment.Variable(names[i]), values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class Entry(string?[] variables, long time, CoreLimits limits, Lazy<int> physical)
    {
        /// <summary>The values of <see cref="CoreDetection.DecidingVariables"/> when detected, in that order.</summary>
        public string?[] Variables { get; } = variables;

        public long Time { get; } = time;

        public CoreLimits Limits { get; } = limits;

        public Lazy<int> Physical { get; } = physical;
    }
}
