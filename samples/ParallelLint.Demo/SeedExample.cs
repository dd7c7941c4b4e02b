namespace ParallelLint.Demo;

/// <summary>
/// One of the seed's examples, in its minutes: the I/O nobody shares (reading the input, writing the results) and
/// the compute that splits over the workers.
/// </summary>
internal sealed record SeedExample(string Name, double Io, double Compute)
{
    public static readonly IReadOnlyList<SeedExample> Both = new[]
    {
        new SeedExample("Example 1, a poor candidate for parallel", Io: 2, Compute: 10),
        new SeedExample("Example 2, a better candidate", Io: 2, Compute: 60),
    };

    /// <summary>Sending one worker its data costs the parent half a minute, as in the seed's figures.</summary>
    public const double SendPerWorker = 0.5;

    public string Short => $"{Io:0} + {Compute:0}";
}
