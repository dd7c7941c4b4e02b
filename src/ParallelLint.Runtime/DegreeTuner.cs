using System.Diagnostics;
using System.Text;

namespace ParallelLint.Runtime;

/// <summary>One measured degree of a tuning run.</summary>
public readonly struct TuningPoint
{
    /// <summary>A measurement made by hand, to fit a <see cref="ScalabilityLaw"/> to.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degree"/> is below 1, or <paramref name="elapsed"/> is negative.</exception>
    public TuningPoint(int degree, TimeSpan elapsed, double throughput)
    {
        if (degree < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(degree), degree, "At least one worker.");
        }

        if (elapsed < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(elapsed), elapsed, "A run cannot take negative time.");
        }

        Degree = degree;
        Elapsed = elapsed;
        Throughput = throughput;
    }

    /// <summary>How many items ran at once.</summary>
    public int Degree { get; }

    /// <summary>The wall time of the sample at that degree.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Work done per second: items of the sample (<c>TuneAsync</c>) or whole runs (<c>TuneRunsAsync</c>).</summary>
    public double Throughput { get; }

    /// <summary>One row of the table: <c>degree 4: 1.560 s, 0.641/s</c>.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"degree {Degree}: {Elapsed.TotalSeconds:0.000} s, {Throughput:0.###}/s");
}

/// <summary>What a tuning run measured and what it recommends.</summary>
public sealed class TuningResult
{
    internal TuningResult(IReadOnlyList<TuningPoint> points, int knee, ScalabilityLaw law)
    {
        Points = points;
        Knee = knee;
        Law = law;
    }

    /// <summary>One row per measured degree, in the order measured (1, 2, 4, ... up to the cores by default).</summary>
    public IReadOnlyList<TuningPoint> Points { get; }

    /// <summary>The smallest degree within the tolerance of the best throughput: the one to run with.</summary>
    public int Knee { get; }

    /// <summary>The Universal Scalability Law fitted to the points: where throughput would peak beyond them.</summary>
    public ScalabilityLaw Law { get; }

    /// <summary>The knee, the fitted law, and one line per measured degree.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(FormattableString.Invariant($"knee {Knee}; {Law}"));
        foreach (var point in Points)
        {
            text.AppendLine().Append("  ").Append(point);
        }

        return text.ToString();
    }
}

/// <summary>
/// "Run some testing iterations first": measures a sample of the work at 1, 2, 4, ... workers and picks the knee.
/// </summary>
public static class DegreeTuner
{
    private static readonly Stopwatch Uptime = Stopwatch.StartNew();

    /// <summary>Runs <paramref name="sample"/> through the executor at each degree and reports the table and the knee.</summary>
    /// <param name="sample">A few items that are like the real ones, enough for a second or so of work at degree 1.</param>
    /// <param name="body">The work of one item.</param>
    /// <param name="maxDegreeOfParallelism">The highest degree to try; <see cref="Cores.Available"/> when null.</param>
    /// <param name="tolerance">How close to the best throughput the knee must be (0.05: within 5%).</param>
    /// <param name="cancellationToken">Stops the tuning run.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sample"/> or <paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegreeOfParallelism"/> is below 1, or <paramref name="tolerance"/> is not in [0, 1).</exception>
    public static async Task<TuningResult> TuneAsync<T>(
        IReadOnlyList<T> sample,
        Func<T, CancellationToken, ValueTask> body,
        int? maxDegreeOfParallelism = null,
        double tolerance = 0.05,
        CancellationToken cancellationToken = default)
    {
        if (sample is null)
        {
            throw new ArgumentNullException(nameof(sample));
        }

        if (body is null)
        {
            throw new ArgumentNullException(nameof(body));
        }

        if (maxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "At least one worker.");
        }

        CheckTolerance(tolerance);

        return await MeasureAsync(
            Degrees(maxDegreeOfParallelism ?? Cores.Available),
            (degree, ct) => Executor.ForEachAsync(sample, new ExecutorOptions { MaxDegreeOfParallelism = degree, CancellationToken = ct }, body),
            sample.Count,
            tolerance,
            cancellationToken,
            () => Uptime.Elapsed).ConfigureAwait(false);
    }

    /// <summary>
    /// Times one whole run at each of <paramref name="degrees"/> (for work whose cost depends on the degree itself,
    /// such as a parent that starts and feeds each worker) and picks the knee.
    /// </summary>
    /// <param name="degrees">The degrees to try, in the order to run them (for example 1, 2, 4, 8).</param>
    /// <param name="run">One whole run at the given degree.</param>
    /// <param name="tolerance">How close to the shortest run the knee must be (0.05: within 5%).</param>
    /// <param name="cancellationToken">Stops the tuning run.</param>
    /// <exception cref="ArgumentNullException"><paramref name="degrees"/> or <paramref name="run"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="degrees"/> is empty or holds a degree below 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is not in [0, 1).</exception>
    public static Task<TuningResult> TuneRunsAsync(
        IEnumerable<int> degrees,
        Func<int, CancellationToken, Task> run,
        double tolerance = 0.05,
        CancellationToken cancellationToken = default) =>
        TuneRunsAsync(degrees, run, tolerance, cancellationToken, () => Uptime.Elapsed);

    // The same, timed by now(): tests pass a clock that their runs advance, so the pick is checked without wall-clock noise.
    internal static async Task<TuningResult> TuneRunsAsync(
        IEnumerable<int> degrees,
        Func<int, CancellationToken, Task> run,
        double tolerance,
        CancellationToken cancellation,
        Func<TimeSpan> now)
    {
        var tried = degrees?.ToList() ?? throw new ArgumentNullException(nameof(degrees));
        if (run is null)
        {
            throw new ArgumentNullException(nameof(run));
        }

        if (tried.Count == 0 || tried.Any(degree => degree < 1))
        {
            throw new ArgumentException("At least one degree, each at least 1.", nameof(degrees));
        }

        CheckTolerance(tolerance);

        return await MeasureAsync(tried, run, 1, tolerance, cancellation, now).ConfigureAwait(false);
    }

    /// <summary>Times <paramref name="run"/> at each degree, <paramref name="work"/> done per run, and picks the knee.</summary>
    private static async Task<TuningResult> MeasureAsync(
        IEnumerable<int> degrees,
        Func<int, CancellationToken, Task> run,
        double work,
        double tolerance,
        CancellationToken cancellation,
        Func<TimeSpan> now)
    {
        var points = new List<TuningPoint>();
        foreach (var degree in degrees)
        {
            cancellation.ThrowIfCancellationRequested();
            var start = now();
            await run(degree, cancellation).ConfigureAwait(false);
            var elapsed = now() - start;
            points.Add(new TuningPoint(degree, elapsed, work / Math.Max(elapsed.TotalSeconds, 1e-9)));
        }

        var best = points.Max(p => p.Throughput);
        var knee = points.Where(p => p.Throughput >= (1 - tolerance) * best).Min(p => p.Degree);
        return new TuningResult(points, knee, ScalabilityLaw.Fit(points));
    }

    private static void CheckTolerance(double tolerance)
    {
        if (!(tolerance >= 0 && tolerance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The tolerance is a fraction in [0, 1).");
        }
    }

    /// <summary>1, 2, 4, ... and the maximum itself.</summary>
    internal static IEnumerable<int> Degrees(int max)
    {
        var degree = 1;
        for (; degree < max; degree *= 2)
        {
            yield return degree;
        }

        yield return max;
    }
}
