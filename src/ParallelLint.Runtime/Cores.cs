namespace ParallelLint.Runtime;

/// <summary>
/// How many cores parallel work started now may use.
/// </summary>
/// <remarks>
/// The smallest of every limit found wins: a grid allocation (SGE, Slurm, PBS, LSF), <c>DOTNET_PROCESSOR_COUNT</c>,
/// a cgroup quota at any level, or the affinity mask is a smaller machine than the node. <c>PARALLELLINT_CORES</c>
/// overrides everything. <c>OMP_NUM_THREADS</c> is reported but does not limit: it sizes native thread pools
/// inside one worker, not how many workers may run.
/// </remarks>
public static class Cores
{
    /// <summary>The environment variable that overrides detection.</summary>
    public const string OverrideVariable = "PARALLELLINT_CORES";

    /// <summary>
    /// How long <see cref="Available"/>, <see cref="Logical"/> and <see cref="Physical"/> reuse what they read from
    /// /proc and /sys (cgroup quotas, the affinity mask, the topology): one second. The core variables
    /// (<see cref="OverrideVariable"/>, the grid allocations, <c>DOTNET_PROCESSOR_COUNT</c>) are looked up on every
    /// read, so a change to them counts at once. <see cref="Detect"/> always reads everything.
    /// </summary>
    public static TimeSpan RefreshInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The number of cores work started now may use: at least 1, the smallest of every limit found.
    /// Inside an item run by the runtime's executors, the item's share. Cheap enough for a loop: see <see cref="RefreshInterval"/>.
    /// </summary>
    public static int Available => ItemBudget.Cores ?? CoreCache.Current.Limits.Available;

    /// <summary>The processors this process may run on: its affinity mask, or the processor count where none is known.</summary>
    public static int Logical => CoreCache.Current.Limits.Logical;

    /// <summary>The physical cores among <see cref="Logical"/>: a 4-core machine with 8 hyper-threads has 4.</summary>
    public static int Physical => CoreCache.Current.Physical;

    /// <summary>Reads every source of a core limit now and reports what each said; never throws on bad values.</summary>
    public static CoreReport Detect() => CoreDetection.Detect(CoreEnvironment.Current);

    /// <summary>
    /// Makes the next read of <see cref="Available"/>, <see cref="Logical"/> and <see cref="Physical"/> detect again,
    /// for a program that has just changed its own limits (its affinity mask, its cgroup).
    /// </summary>
    public static void Refresh() => CoreCache.Current.Refresh();

    /// <summary>
    /// The degree of parallelism for one level of <paramref name="levels"/> nested parallel levels,
    /// chosen so that the product over all levels stays within <see cref="Available"/>.
    /// </summary>
    /// <param name="level">The level, 0 for the outermost.</param>
    /// <param name="levels">How many levels are nested, at least 1.</param>
    /// <remarks>
    /// Inner levels get the integer <c>levels</c>-th root of the cores and the outermost level gets the rest,
    /// because coarse-grained outer work scales best: on 8 cores two levels get 4 (outer) × 2 (inner).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="levels"/> is below 1, or
    /// <paramref name="level"/> is not in [0, <paramref name="levels"/>).</exception>
    public static int ForLevel(int level, int levels) => Split(Available, level, levels);

    internal static int Split(int cores, int level, int levels)
    {
        if (levels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(levels), levels, "At least one level is needed.");
        }

        if (level < 0 || level >= levels)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"The level must be in [0, {levels}).");
        }

        // Walk from the innermost level outwards, giving each inner level the k-th root of what is left.
        var remaining = Math.Max(1, cores);
        for (var current = levels - 1; current > 0; current--)
        {
            var share = IntegerRoot(remaining, current + 1);
            if (current == level)
            {
                return share;
            }

            remaining /= share;
        }

        return remaining;
    }

    private static int IntegerRoot(int value, int degree)
    {
        var root = (int)Math.Floor(Math.Pow(value, 1.0 / degree));

        // Math.Pow can land just below an exact root (for example 64^(1/3) = 3.9999...).
        while (Pow(root + 1, degree) <= value)
        {
            root++;
        }

        return Math.Max(1, root);
    }

    private static long Pow(int value, int exponent)
    {
        long result = 1;
        for (var i = 0; i < exponent && result <= int.MaxValue; i++)
        {
            result *= value;
        }

        return result;
    }
}
