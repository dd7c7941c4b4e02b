namespace ParallelLint.Runtime;

/// <summary>
/// Gunther's Universal Scalability Law, <c>X(n) = λn / (1 + σ(n−1) + κn(n−1))</c>: contention σ makes throughput
/// level off, coherency κ makes it fall. Fitted to measured throughputs, it predicts where the peak lies.
/// </summary>
public sealed class ScalabilityLaw
{
    private ScalabilityLaw(double lambda, double sigma, double kappa)
    {
        Lambda = lambda;
        Sigma = sigma;
        Kappa = kappa;
    }

    /// <summary>Throughput of one worker.</summary>
    public double Lambda { get; }

    /// <summary>Contention: the share of the work that serializes.</summary>
    public double Sigma { get; }

    /// <summary>Coherency: the cost of workers keeping each other in step.</summary>
    public double Kappa { get; }

    /// <summary>The degree of highest throughput, <c>√((1−σ)/κ)</c>; null when nothing makes throughput fall.</summary>
    public double? PeakDegree => Kappa > 0 && Sigma < 1 ? Math.Sqrt((1 - Sigma) / Kappa) : null;

    /// <summary>The predicted throughput at degree <paramref name="degree"/>.</summary>
    public double Throughput(double degree) => Lambda * degree / (1 + Sigma * (degree - 1) + Kappa * degree * (degree - 1));

    /// <summary>The fitted parameters and the peak: <c>USL lambda 0.386/s, sigma 0.120, kappa 0.0150: peak at 7.4</c>.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"USL lambda {Lambda:0.###}/s, sigma {Sigma:0.000}, kappa {Kappa:0.0000}: ") +
        (PeakDegree is double peak ? FormattableString.Invariant($"peak at {peak:0.0}") : "no peak (throughput never falls)");

    /// <summary>
    /// Least-squares fit to measured points (their degree and throughput), one of them at degree 1. With λ = X(1), the law is
    /// linear in σ and κ: <c>n/C(n) − 1 = σ(n−1) + κn(n−1)</c>, where C(n) = X(n)/λ.
    /// </summary>
    /// <exception cref="ArgumentException">No point at degree 1, or a degree or throughput that is not positive.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="points"/> is null.</exception>
    public static ScalabilityLaw Fit(IEnumerable<TuningPoint> points)
    {
        var measured = points?.ToList() ?? throw new ArgumentNullException(nameof(points));
        if (measured.Any(p => p.Degree < 1 || !(p.Throughput > 0)))
        {
            throw new ArgumentException("Degrees and throughputs must be positive.", nameof(points));
        }

        var single = measured.Where(p => p.Degree == 1).Select(p => p.Throughput).DefaultIfEmpty(0).Average();
        if (single <= 0)
        {
            throw new ArgumentException("The fit needs a measurement at degree 1.", nameof(points));
        }

        // Normal equations of y = σ·a + κ·b without intercept.
        double aa = 0, ab = 0, bb = 0, ay = 0, by = 0;
        foreach (var point in measured.Where(p => p.Degree > 1))
        {
            double n = point.Degree, a = n - 1, b = n * (n - 1), y = n / (point.Throughput / single) - 1;
            aa += a * a;
            ab += a * b;
            bb += b * b;
            ay += a * y;
            by += b * y;
        }

        var determinant = aa * bb - ab * ab;
        if (Math.Abs(determinant) < 1e-12)
        {
            // One degree beyond 1: contention alone explains it.
            return new ScalabilityLaw(single, aa > 0 ? Math.Max(0, ay / aa) : 0, 0);
        }

        var sigma = (ay * bb - by * ab) / determinant;
        var kappa = (aa * by - ab * ay) / determinant;
        if (kappa < 0)
        {
            return new ScalabilityLaw(single, Math.Max(0, ay / aa), 0);
        }

        if (sigma < 0)
        {
            return new ScalabilityLaw(single, 0, Math.Max(0, by / bb));
        }

        return new ScalabilityLaw(single, sigma, kappa);
    }
}
