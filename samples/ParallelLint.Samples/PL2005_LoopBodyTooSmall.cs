using System.Collections.Concurrent;

namespace ParallelLint.Samples;

/// <summary>PL2005: a Parallel.For whose body costs less than the delegate call and scheduling of each iteration.</summary>
public static class LoopBodyTooSmall
{
    /// <summary>An image batch step: one grayscale pixel per iteration is a few multiplications.</summary>
    public static float[] Grayscale(byte[] red, byte[] green, byte[] blue)
    {
        var gray = new float[red.Length];
        Parallel.For(0, gray.Length, p => gray[p] = 0.299f * red[p] + 0.587f * green[p] + 0.114f * blue[p]); // ❌ PL2005
        return gray;
    }

    /// <summary>Fixed: each iteration gets a range of pixels and loops over it in order.</summary>
    public static float[] GrayscaleInRanges(byte[] red, byte[] green, byte[] blue)
    {
        var gray = new float[red.Length];
        Parallel.ForEach(Partitioner.Create(0, gray.Length), range => // ✅
        {
            for (var p = range.Item1; p < range.Item2; p++)
            {
                gray[p] = 0.299f * red[p] + 0.587f * green[p] + 0.114f * blue[p];
            }
        });
        return gray;
    }

    /// <summary>A model-fitting step: the residuals of a straight line, one subtraction per iteration.</summary>
    public static double[] Residuals(double[] x, double[] y, double intercept, double slope)
    {
        var residuals = new double[x.Length];
        Parallel.For(0, x.Length, i => // ❌ PL2005
        {
            var predicted = intercept + slope * x[i];
            residuals[i] = Math.Abs(y[i] - predicted);
        });
        return residuals;
    }

    /// <summary>Fixed: the same residuals, a chunk of the range per iteration.</summary>
    public static double[] ResidualsInRanges(double[] x, double[] y, double intercept, double slope)
    {
        var residuals = new double[x.Length];
        Parallel.ForEach(Partitioner.Create(0, x.Length), range => // ✅
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                var predicted = intercept + slope * x[i];
                residuals[i] = Math.Abs(y[i] - predicted);
            }
        });
        return residuals;
    }

    /// <summary>Not a finding: each iteration fits a whole model, which pays for its scheduling many times over.</summary>
    public static double[] FitEach(double[][] datasets)
    {
        var slopes = new double[datasets.Length];
        Parallel.For(0, datasets.Length, m => slopes[m] = Slope(datasets[m])); // ✅
        return slopes;
    }

    private static double Slope(double[] y)
    {
        double meanX = (y.Length - 1) / 2.0, meanY = y.Average(), covariance = 0, variance = 0;
        for (var x = 0; x < y.Length; x++)
        {
            covariance += (x - meanX) * (y[x] - meanY);
            variance += (x - meanX) * (x - meanX);
        }

        return variance == 0 ? 0 : covariance / variance;
    }
}
