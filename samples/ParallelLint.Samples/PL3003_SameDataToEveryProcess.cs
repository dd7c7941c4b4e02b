using System.Diagnostics;
using System.Text.Json;
using ParallelLint.Runtime.Jobs;

namespace ParallelLint.Samples;

/// <summary>
/// PL3003: a bootstrap that runs a command-line model-fitting tool once per replicate and hands every child the whole
/// data set. The parent writes all of it into each child's command line and environment, one child after another.
/// </summary>
public static class SameDataToEveryProcess
{
    /// <summary>One row of the data set the tool fits.</summary>
    public sealed record Observation(double Dose, double Response);

    /// <summary>The tool's settings, the same for every replicate.</summary>
    public sealed record FitOptions(string Model, int MaxIterations, double Tolerance);

    /// <summary>Serialized once, but sent through every child's command line and environment.</summary>
    public static int[] FitReplicates(IReadOnlyList<Observation> observations, FitOptions options, int replicates)
    {
        var observationsJson = JsonSerializer.Serialize(observations);
        var exitCodes = new int[replicates];
        foreach (var replicate in Enumerable.Range(0, replicates))
        {
            var startInfo = new ProcessStartInfo("fit-model")
            {
                ArgumentList =
                {
                    "--seed", replicate.ToString(),
                    "--data", observationsJson, // ❌ PL3003
                },
            };
            startInfo.Environment["FIT_OPTIONS"] = JsonSerializer.Serialize(options); // ❌ PL3002, PL3003
            using var fit = Process.Start(startInfo)!;
            fit.WaitForExit();
            exitCodes[replicate] = fit.ExitCode;
        }

        return exitCodes;
    }

    /// <summary>
    /// Fixed: the data and the settings are staged once, in an owner-only directory; each child gets the paths
    /// and reads the files (the tool takes <c>--data @path</c> and <c>FIT_OPTIONS_FILE</c>).
    /// </summary>
    public static int[] FitReplicatesFromStagedFiles(IReadOnlyList<Observation> observations, FitOptions options, int replicates)
    {
        var staging = JobExecutor.Shared;
        var observationsPath = staging.Stage("observations.json", JsonSerializer.Serialize(observations));
        var optionsPath = staging.Stage("options.json", JsonSerializer.Serialize(options));
        var exitCodes = new int[replicates];
        foreach (var replicate in Enumerable.Range(0, replicates))
        {
            var startInfo = new ProcessStartInfo("fit-model")
            {
                ArgumentList =
                {
                    "--seed", replicate.ToString(),
                    "--data", "@" + observationsPath, // ✅
                },
            };
            startInfo.Environment["FIT_OPTIONS_FILE"] = optionsPath; // ✅
            using var fit = Process.Start(startInfo)!;
            fit.WaitForExit();
            exitCodes[replicate] = fit.ExitCode;
        }

        return exitCodes;
    }
}
