using MathNet.Numerics.LinearAlgebra;

namespace ParallelLint.Samples;

/// <summary>PL1003: an image batch through a library that parallelizes on its own (Math.NET's linear algebra).</summary>
public static class LibraryThreadPool
{
    /// <summary>Each image's filter product in a parallel body, and Math.NET's own pool inside every product.</summary>
    public static double[] Traces(Matrix<double>[] images)
    {
        var traces = new double[images.Length];
        Parallel.For(0, images.Length, i =>
        {
            var product = images[i].Multiply(images[i]); // ❌ PL1003
            traces[i] = product.Trace();
        });
        return traces;
    }

    /// <summary>
    /// One fix: a single level, the library's own (large images). The other, for many small images, keeps the
    /// parallel loop and calls <c>Control.UseSingleThread()</c> first (the fix PL1003 offers); it holds for the
    /// whole program, so it would silence the finding above in this project.
    /// </summary>
    public static double[] TracesOneLevel(Matrix<double>[] images) =>
        images.Select(image => image.Multiply(image).Trace()).ToArray(); // ✅
}
