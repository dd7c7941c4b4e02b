using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ParallelLint.Runtime;

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

    /// <summary>Passes <paramref name="arguments"/> so that the child receives each one unchanged.</summary>
    internal static void AddArguments(ProcessStartInfo startInfo, IEnumerable<string> arguments)
    {
#if NET
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
#else
        startInfo.Arguments = string.Join(" ", arguments.Select(Quote));
#endif
    }

    /// <summary>Kills the process and, where the platform allows (.NET 5+), every process it started.</summary>
    internal static void KillTree(Process process)
    {
        try
        {
#if NET
            process.Kill(entireProcessTree: true);
#else
            process.Kill();
#endif
        }
        catch (InvalidOperationException)
        {
            // It ended on its own meanwhile.
        }
    }

    // The quoting that .NET (and the Windows C runtime) parses back into the same argument list.
    private static string Quote(string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '\n', '\v', '"' }) < 0)
        {
            return argument;
        }

        var quoted = new StringBuilder("\"");
        for (var i = 0; i < argument.Length; i++)
        {
            var backslashes = 0;
            while (i < argument.Length && argument[i] == '\\')
            {
                backslashes++;
                i++;
            }

            if (i == argument.Length)
            {
                quoted.Append('\\', backslashes * 2);
            }
            else if (argument[i] == '"')
            {
                quoted.Append('\\', backslashes * 2 + 1).Append('"');
            }
            else
            {
                quoted.Append('\\', backslashes).Append(argument[i]);
            }
        }

        return quoted.Append('"').ToString();
    }
}
