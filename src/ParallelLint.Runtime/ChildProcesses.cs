using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;

namespace ParallelLint.Runtime
{
    /// <summary>Keeps the thread pools hidden inside a child process (BLAS, OpenMP, .NET) within its cores.</summary>
    public static class ChildProcesses
    {
        /// <summary>The variables set for a child: OpenMP, MKL, OpenBLAS, the .NET runtime, and ParallelLint itself.</summary>
        public static IReadOnlyList<string> ThreadVariables { get; } = new[]
        {
            "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "DOTNET_PROCESSOR_COUNT", Cores.OverrideVariable,
        };

        /// <summary>Sets every variable of <see cref="ThreadVariables"/> in <paramref name="startInfo"/> to <paramref name="cores"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="startInfo"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="cores"/> is 0 or below.</exception>
        public static void LimitThreads(ProcessStartInfo startInfo, int cores)
        {
            if (startInfo is null)
            {
                throw new ArgumentNullException(nameof(startInfo));
            }

            LimitThreads(startInfo.Environment, cores);
        }

        /// <summary>Sets every variable of <see cref="ThreadVariables"/> in an environment block to <paramref name="cores"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="environment"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="cores"/> is 0 or below.</exception>
        public static void LimitThreads(IDictionary<string, string?> environment, int cores)
        {
            if (environment is null)
            {
                throw new ArgumentNullException(nameof(environment));
            }

            if (cores < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(cores), cores, "A child process needs at least one core.");
            }

            var value = cores.ToString(CultureInfo.InvariantCulture);
            foreach (var name in ThreadVariables)
            {
                environment[name] = value;
            }
        }
    }
}
