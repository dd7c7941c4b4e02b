namespace ParallelLint.Runtime.Tests;

/// <summary>Tuning points made by hand, as a user fitting their own measurements would.</summary>
internal static class Measured
{
    public static TuningPoint[] Points(params (int Degree, double Throughput)[] points) =>
        points.Select(point => new TuningPoint(point.Degree, TimeSpan.FromSeconds(1), point.Throughput)).ToArray();
}
