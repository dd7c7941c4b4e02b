namespace ParallelLint.Samples;

/// <summary>PL1002: a parallel body that calls code which parallelizes again, out of sight.</summary>
public static class HiddenNestedParallelism
{
    public static double[] FitAll(double[][] models)
    {
        var estimates = new double[models.Length];
        Parallel.For(0, models.Length, m => estimates[m] = Fit(models[m])); // ❌ PL1002
        return estimates;
    }

    private static double Fit(double[] data) => Solve((double[])data.Clone());

    private static double Solve(double[] data)
    {
        Parallel.For(0, data.Length, i => data[i] = Math.Sqrt(Math.Abs(data[i]))); // ❌ PL2005
        return data.Sum();
    }
}
