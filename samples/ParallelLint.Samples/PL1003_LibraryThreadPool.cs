using MathNet.Numerics.LinearAlgebra;

namespace ParallelLint.Samples;

/// <summary>PL1003: a library that parallelizes on its own (Math.NET's linear algebra), called from a parallel body.</summary>
public static class LibraryThreadPool
{
    public static double[] Traces(Matrix<double>[] matrices)
    {
        var traces = new double[matrices.Length];
        Parallel.For(0, matrices.Length, i =>
        {
            var product = matrices[i].Multiply(matrices[i]); // ❌ PL1003
            traces[i] = product.Trace();
        });
        return traces;
    }
}
