using ParallelLint.Runtime;

namespace ParallelLint.Samples;

/// <summary>PL1002: a model-fitting loop whose body calls a solver that parallelizes again, out of sight.</summary>
public static class HiddenNestedParallelism
{
    /// <summary>Every model fitted at once, and every fit's solver on every core again: cores × cores threads.</summary>
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

    /// <summary>The fix: many models, one core each; the solver runs sequentially inside a fit.</summary>
    public static double[] FitAcrossModels(double[][] models)
    {
        var estimates = new double[models.Length];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Cores.Available };
        Parallel.For(0, models.Length, options, m => estimates[m] = SolveSequentially((double[])models[m].Clone())); // ✅
        return estimates;
    }

    private static double SolveSequentially(double[] data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = Math.Sqrt(Math.Abs(data[i]));
        }

        return data.Sum();
    }
}
