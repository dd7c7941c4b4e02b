using System;
using System.Globalization;

namespace ParallelLint.Runtime
{
    /// <summary>
    /// How many cores parallel work started now may use.
    /// </summary>
    /// <remarks>
    /// The smallest of every limit found wins: a grid allocation or a container is a smaller machine than the
    /// one <see cref="Environment.ProcessorCount"/> describes. <c>PARALLELLINT_CORES</c> overrides everything.
    /// </remarks>
    public static class Cores
    {
        /// <summary>The environment variable that overrides detection.</summary>
        public const string OverrideVariable = "PARALLELLINT_CORES";

        /// <summary>
        /// The number of cores work started now may use: at least 1, the smallest of every limit found.
        /// Inside an item run by the runtime's executors, the item's share.
        /// </summary>
        public static int Available => ItemBudget.Cores ?? Detect(Environment.GetEnvironmentVariable, Environment.ProcessorCount);

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

        internal static int Detect(Func<string, string?> environment, int processorCount)
        {
            var forced = ParsePositive(environment(OverrideVariable));
            if (forced is int overridden)
            {
                return overridden;
            }

            var available = Math.Max(1, processorCount);
            foreach (var variable in AllocationVariables)
            {
                if (ParsePositive(environment(variable)) is int allocated)
                {
                    available = Math.Min(available, allocated);
                }
            }

            return available;
        }

        // Grid schedulers announce the cores a job was given; a job must not use the whole node.
        private static readonly string[] AllocationVariables = { "NSLOTS", "SLURM_CPUS_PER_TASK" };

        private static int? ParsePositive(string? value) =>
            int.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
                ? parsed
                : null;

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
}
