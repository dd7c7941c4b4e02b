using System.Globalization;

namespace ParallelLint.Demo;

/// <summary>The demo's command line.</summary>
internal sealed record DemoOptions(string Backend, double? UnitSeconds, IReadOnlyList<int> Workers, ComputeKind Compute, string OutputDirectory, bool Help)
{
    public const string Usage = """
        usage: ParallelLint.Demo [--backend local|sge|slurm] [--unit <seconds>] [--workers 1,2,4,8] [--compute wait|busy] [--out <directory>]
          --backend  where the workers run: child processes here (default), or jobs on an SGE or Slurm grid
          --unit     the seconds that stand for one of the seed's minutes (default 0.2 here, 1 on a grid)
          --workers  the numbers of workers to measure (default 1,2,4,8)
          --compute  wait: each worker's compute is a timed wait, a core of its own as on the seed's machine (default);
                     busy: it burns real CPU, and the workers share the cores this machine has
          --out      where the plot and the table go (default artifacts/demo)
        """;

    public static bool TryParse(string[] args, out DemoOptions options, out string error)
    {
        options = new DemoOptions("local", null, new[] { 1, 2, 4, 8 }, ComputeKind.Wait, Path.Combine("artifacts", "demo"), false);
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                options = options with { Help = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{name}: a value is missing, or the option is unknown";
                return false;
            }

            var value = args[++i];
            switch (name)
            {
                case "--backend" when value is "local" or "sge" or "slurm":
                    options = options with { Backend = value };
                    break;
                case "--unit" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var unit) && unit > 0 && unit <= 600:
                    options = options with { UnitSeconds = unit };
                    break;
                case "--workers" when ParseWorkers(value) is { } workers:
                    options = options with { Workers = workers };
                    break;
                case "--compute" when Enum.TryParse<ComputeKind>(value, ignoreCase: true, out var compute) && Enum.IsDefined(compute):
                    options = options with { Compute = compute };
                    break;
                case "--out":
                    options = options with { OutputDirectory = value };
                    break;
                default:
                    error = $"{name} {value}: not an option this demo knows, or not one of its values";
                    return false;
            }
        }

        return true;
    }

    private static int[]? ParseWorkers(string value)
    {
        var workers = new List<int>();
        foreach (var part in value.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > 64)
            {
                return null;
            }

            workers.Add(count);
        }

        return workers.Distinct().Order().ToArray();
    }
}

/// <summary>What a worker does for its share of the compute.</summary>
internal enum ComputeKind
{
    /// <summary>Waits: a core of its own, however many this machine has.</summary>
    Wait,

    /// <summary>Burns CPU: the workers share this machine's cores.</summary>
    Busy,
}

/// <summary>A failure the demo explains and stops on (a worker that failed, a grid that is not there).</summary>
internal class DemoException(string message) : Exception(message);

/// <summary>A run whose sends did not hold the seed's budget: its figures would not show the seed's proportions.</summary>
internal sealed class CalibrationOffException(string what, string message) : DemoException(message)
{
    public string What { get; } = what;
}
