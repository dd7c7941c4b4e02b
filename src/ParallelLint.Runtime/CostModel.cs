namespace ParallelLint.Runtime;

/// <summary>
/// The seed's model of a parent that starts workers and sends each its data one after another:
/// <c>T(n) = n·s + C/n + io</c>, with s the parent's cost per worker (spawn and transfer), C the compute that
/// splits over n workers, and io the reading and writing nobody shares. Past <c>n* ≈ √(C/s)</c> more workers
/// make the run slower. With a limited number of slots (a grid queue, a machine's cores), workers beyond the slots
/// wait for a free one: the compute then takes <c>⌈n/k⌉·C/n</c>.
/// </summary>
public sealed class CostModel
{
    /// <summary>A model in any one unit of time (seconds, minutes): the predictions come back in the same unit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A cost is negative or not a number, or there is no compute.</exception>
    public CostModel(double perWorker, double compute, double io)
    {
        PerWorker = perWorker >= 0 ? perWorker : throw new ArgumentOutOfRangeException(nameof(perWorker), perWorker, "The per-worker cost cannot be negative.");
        Compute = compute > 0 ? compute : throw new ArgumentOutOfRangeException(nameof(compute), compute, "The compute must be positive.");
        Io = io >= 0 ? io : throw new ArgumentOutOfRangeException(nameof(io), io, "The I/O cost cannot be negative.");
    }

    /// <summary>A model whose workers share <paramref name="slots"/> slots: those beyond them wait for a free one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A cost is negative or not a number, there is no compute, or no slot.</exception>
    public CostModel(double perWorker, double compute, double io, int slots)
        : this(perWorker, compute, io) =>
        Slots = slots >= 1 ? slots : throw new ArgumentOutOfRangeException(nameof(slots), slots, "At least one slot.");

    /// <summary>The parent's cost for each worker it starts and feeds.</summary>
    public double PerWorker { get; }

    /// <summary>The compute that splits evenly over the workers.</summary>
    public double Compute { get; }

    /// <summary>The input and output that the workers do not share.</summary>
    public double Io { get; }

    /// <summary>How many workers can compute at once; null when every worker gets a slot of its own.</summary>
    public int? Slots { get; }

    /// <summary>The predicted wall time with <paramref name="workers"/> workers, <c>T(n)</c>, in the unit of the costs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workers"/> is 0 or below.</exception>
    public double Predict(int workers) =>
        workers > 0
            ? workers * PerWorker + Rounds(workers) * Compute / workers + Io
            : throw new ArgumentOutOfRangeException(nameof(workers), workers, "At least one worker.");

    // How many times the slots fill up: workers beyond the slots compute after others finish.
    private int Rounds(int workers) => Slots is int slots ? (workers + slots - 1) / slots : 1;

    /// <summary>The number of workers with the shortest predicted time, at most <paramref name="maxWorkers"/>.</summary>
    public int BestWorkers(int maxWorkers = int.MaxValue)
    {
        // More workers than slots only add their start-up cost.
        maxWorkers = Math.Min(maxWorkers, Slots ?? int.MaxValue);
        if (PerWorker == 0)
        {
            return Math.Max(1, maxWorkers);
        }

        var ideal = Math.Sqrt(Compute / PerWorker);
        var candidates = new[] { Math.Floor(ideal), Math.Ceiling(ideal) }
            .Select(n => (int)Math.Min(Math.Max(1, n), Math.Max(1, maxWorkers)));
        return candidates.OrderBy(n => Predict(n)).First();
    }

    /// <summary>The predicted time and speed-up over one worker for each of <paramref name="workers"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A number of workers is 0 or below.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="workers"/> is null.</exception>
    public IReadOnlyList<CostPrediction> Predict(IEnumerable<int> workers) =>
        (workers ?? throw new ArgumentNullException(nameof(workers))).Select(n => new CostPrediction(n, Predict(n), Predict(1) / Predict(n))).ToList();
}

/// <summary>One row of a <see cref="CostModel"/>'s table: a number of workers, its predicted time and speed-up.</summary>
public readonly struct CostPrediction
{
    internal CostPrediction(int workers, double time, double speedup)
    {
        Workers = workers;
        Time = time;
        Speedup = speedup;
    }

    /// <summary>How many workers the parent starts.</summary>
    public int Workers { get; }

    /// <summary>The predicted wall time, in the unit of the model's costs.</summary>
    public double Time { get; }

    /// <summary>How many times faster than one worker (below 1: slower).</summary>
    public double Speedup { get; }

    /// <summary>One row of the table: <c>4 workers: 6.5 (1.92x)</c>.</summary>
    public override string ToString() => FormattableString.Invariant($"{Workers} workers: {Time:0.###} ({Speedup:0.##}x)");
}
