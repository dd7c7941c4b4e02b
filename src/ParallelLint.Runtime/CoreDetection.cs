using System.Globalization;

namespace ParallelLint.Runtime;

/// <summary>
/// Reads every source of a core limit and takes the smallest. Nothing here throws on bad input: a malformed
/// value is a source reported as ignored, with the reason.
/// </summary>
internal static class CoreDetection
{
    // Grid schedulers announce the cores a job was given; a job must not use the whole node.
    private static readonly string[] Allocations =
    {
        "DOTNET_PROCESSOR_COUNT", "NSLOTS", "SLURM_CPUS_PER_TASK", "SLURM_CPUS_ON_NODE", "PBS_NUM_PPN", "NCPUS", "LSB_DJOB_NUMPROC",
    };

    // OpenMP variables size the thread pools of native libraries inside one worker, not the worker budget.
    private static readonly string[] InnerThreadVariables = { "OMP_NUM_THREADS", "OMP_THREAD_LIMIT" };

    public static CoreReport Detect(CoreEnvironment environment)
    {
        var limits = Limits(environment);
        var sources = limits.Sources.ToList();
        var physical = Topology.PhysicalCores(environment, limits.Affinity, limits.Logical, sources);
        return new CoreReport(limits.Available, limits.Logical, physical, limits.DecidedBy, sources);
    }

    /// <summary>Every limit, without the topology (one sysfs file per CPU), which only <c>Physical</c> needs.</summary>
    public static CoreLimits Limits(CoreEnvironment environment)
    {
        var sources = new List<CoreSource>();
        var overridden = Variable(environment, Cores.OverrideVariable, limits: true, sources);

        foreach (var name in Allocations)
        {
            Variable(environment, name, limits: true, sources);
        }

        foreach (var name in InnerThreadVariables)
        {
            var raw = environment.Variable(name);
            sources.Add(new CoreSource(name, raw, ParseCount(raw), limits: false,
                raw is null ? "not set" : "threads inside one worker, reported only: not a core budget"));
        }

        CgroupLimits.Read(environment, sources);

        var affinity = Affinity(environment, sources);
        var processorCount = Math.Max(1, environment.ProcessorCount);
        sources.Add(new CoreSource("Environment.ProcessorCount", processorCount.ToString(CultureInfo.InvariantCulture), processorCount, limits: true, "the runtime's view"));

        var logical = affinity?.Count ?? processorCount;
        if (overridden is int forced)
        {
            return new CoreLimits(forced, logical, Cores.OverrideVariable, sources, affinity);
        }

        var decider = sources.Where(s => s.IsLimiting && s.Cores is not null).OrderBy(s => s.Cores).First();
        return new CoreLimits(decider.Cores!.Value, logical, decider.Name, sources, affinity);
    }

    /// <summary>The variables that can decide the cores: a cached result is stale as soon as one of them changes.</summary>
    public static IReadOnlyList<string> DecidingVariables { get; } = new[] { Cores.OverrideVariable }.Concat(Allocations).ToArray();

    /// <summary>A positive whole number of cores, or null for anything else.</summary>
    public static int? ParseCount(string? raw) =>
        int.TryParse(raw?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    private static int? Variable(CoreEnvironment environment, string name, bool limits, List<CoreSource> sources)
    {
        var raw = environment.Variable(name);
        var cores = ParseCount(raw);
        var note = raw is null ? "not set" : cores is null ? "ignored: not a positive whole number" : "used";
        sources.Add(new CoreSource(name, raw, cores, limits && cores is not null, note));
        return cores;
    }

    /// <summary>The processors this process may run on, from /proc/self/status (Linux).</summary>
    private static IReadOnlyCollection<int>? Affinity(CoreEnvironment environment, List<CoreSource> sources)
    {
        const string Name = "affinity (/proc/self/status Cpus_allowed_list)";
        var status = environment.Read("/proc/self/status");
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
        if (line is null)
        {
            sources.Add(new CoreSource(Name, null, null, limits: false, "not available on this system"));
            return null;
        }

        var raw = line.Substring("Cpus_allowed_list:".Length).Trim();
        var cpus = CpuList.Parse(raw);
        sources.Add(cpus is null
            ? new CoreSource(Name, raw, null, limits: false, "ignored: not a CPU list")
            : new CoreSource(Name, raw, cpus.Count, limits: true, "used"));
        return cpus;
    }
}

/// <summary>What decides the available cores: everything <see cref="CoreReport"/> holds but the physical cores.</summary>
internal sealed class CoreLimits(int available, int logical, string decidedBy, IReadOnlyList<CoreSource> sources, IReadOnlyCollection<int>? affinity)
{
    public int Available { get; } = available;

    public int Logical { get; } = logical;

    public string DecidedBy { get; } = decidedBy;

    public IReadOnlyList<CoreSource> Sources { get; } = sources;

    /// <summary>The CPUs of the affinity mask, when known; the topology is read for these.</summary>
    public IReadOnlyCollection<int>? Affinity { get; } = affinity;
}
