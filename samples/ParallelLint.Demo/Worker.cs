using System.Diagnostics;
using System.Globalization;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Demo;

/// <summary>A worker process: reads the data its parent sent, answers with its checksum, then computes its share.</summary>
internal static class Worker
{
    public const string Verb = "worker";

    /// <summary>The job that starts a worker on <paramref name="dataPath"/> for <paramref name="seconds"/> of compute.</summary>
    public static Job Job(string dataPath, double seconds, ComputeKind compute)
    {
        // This very program again, through the apphost or through `dotnet <dll>`.
        var host = Environment.ProcessPath ?? "dotnet";
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            arguments.Add(typeof(Worker).Assembly.Location);
        }

        arguments.AddRange(new[] { Verb, dataPath, seconds.ToString("R", CultureInfo.InvariantCulture), compute.ToString().ToLowerInvariant() });
        return new Job(host, arguments) { Name = "seed-worker" };
    }

    public static int Run(string[] args)
    {
        if (args.Length != 3 ||
            !double.TryParse(args[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 ||
            !Enum.TryParse<ComputeKind>(args[2], ignoreCase: true, out var compute))
        {
            Console.Error.WriteLine($"usage: ParallelLint.Demo {Verb} <data file> <seconds of compute> <wait|busy>");
            return 2;
        }

        Console.WriteLine(Checksum(File.ReadAllBytes(args[0])));
        var share = TimeSpan.FromSeconds(seconds);
        if (compute == ComputeKind.Wait)
        {
            Thread.Sleep(share);
        }
        else
        {
            for (var clock = Stopwatch.StartNew(); clock.Elapsed < share;)
            {
                Thread.SpinWait(1000);
            }
        }

        return 0;
    }

    /// <summary>FNV-1a over the bytes: the parent checks that every worker got the data intact.</summary>
    public static string Checksum(ReadOnlySpan<byte> data)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in data)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}
