using System.Text.Json;

namespace ParallelLint.Samples;

/// <summary>
/// PL3002: a bootstrap that, for every resample, copies the whole data set and serializes the same solver settings,
/// although neither changes from one resample to the next.
/// </summary>
public static class LoopInvariantCopy
{
    /// <summary>The solver's settings, the same for every resample.</summary>
    public sealed record SolverSettings(int MaxIterations, double Tolerance);

    /// <summary>Every resample pays for a copy of the observations and a serialization of the settings.</summary>
    public static double[] Bootstrap(List<double> observations, SolverSettings settings, int resamples)
    {
        var estimates = new double[resamples];
        Parallel.For(0, resamples, r =>
        {
            var config = JsonSerializer.Serialize(settings); // ❌ PL3002
            var data = observations.ToArray(); // ❌ PL3002
            var rng = new Random(r);
            var resample = new double[data.Length];
            for (var i = 0; i < resample.Length; i++)
            {
                resample[i] = data[rng.Next(data.Length)];
            }

            estimates[r] = Solve(resample, config);
        });
        return estimates;
    }

    /// <summary>Fixed: the copy and the serialization are made once, before the loop, and every resample reads them.</summary>
    public static double[] BootstrapHoisted(List<double> observations, SolverSettings settings, int resamples)
    {
        var config = JsonSerializer.Serialize(settings); // ✅ once
        var data = observations.ToArray(); // ✅ once
        var estimates = new double[resamples];
        Parallel.For(0, resamples, r =>
        {
            var rng = new Random(r);
            var resample = new double[data.Length];
            for (var i = 0; i < resample.Length; i++)
            {
                resample[i] = data[rng.Next(data.Length)];
            }

            estimates[r] = Solve(resample, config);
        });
        return estimates;
    }

    /// <summary>Not a finding: each permutation shuffles its own copy, so the copy per item is the point.</summary>
    public static double PermutationPValue(double[] values, int permutations)
    {
        var observed = Statistic(values);
        var extreme = 0;
        for (var p = 0; p < permutations; p++)
        {
            var shuffled = (double[])values.Clone(); // ✅ shuffled below
            Random.Shared.Shuffle(shuffled);
            if (Statistic(shuffled) >= observed)
            {
                extreme++;
            }
        }

        return (extreme + 1.0) / (permutations + 1.0);
    }

    // A trimmed mean refined by the settings: what the solver would read from its JSON configuration.
    private static double Solve(double[] sample, string config)
    {
        var settings = JsonSerializer.Deserialize<SolverSettings>(config)!;
        var estimate = sample.Average();
        for (var iteration = 0; iteration < settings.MaxIterations; iteration++)
        {
            var next = sample.Where(x => Math.Abs(x - estimate) <= 3 * settings.Tolerance + 1).DefaultIfEmpty(estimate).Average();
            if (Math.Abs(next - estimate) < settings.Tolerance)
            {
                break;
            }

            estimate = next;
        }

        return estimate;
    }

    // Difference between the mean of the first half and of the second half.
    private static double Statistic(double[] values)
    {
        var half = values.Length / 2;
        return values.Take(half).DefaultIfEmpty().Average() - values.Skip(half).DefaultIfEmpty().Average();
    }
}
