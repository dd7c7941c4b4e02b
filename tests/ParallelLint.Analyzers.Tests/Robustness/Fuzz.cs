namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>One damaged variant of a corpus source; <see cref="Describe"/> is all it takes to make it again.</summary>
internal sealed record Variant(int Seed, int Index, SourceFile Source, DamagedText Damaged)
{
    public string Describe() => $"{Source.Name}, variant {Index} of seed {Seed} ({Damaged.Description})";
}

/// <summary>
/// The damaged variants a run makes: a fixed seed and count in CI, larger runs through
/// <c>PARALLELLINT_FUZZ_SEED</c> and <c>PARALLELLINT_FUZZ_COUNT</c>. Variant i depends only on the seed, i and the
/// repository's files, so a larger count replays the smaller one's variants first.
/// </summary>
internal static class Fuzz
{
    public const string SeedVariable = "PARALLELLINT_FUZZ_SEED";
    public const string CountVariable = "PARALLELLINT_FUZZ_COUNT";

    /// <summary>CI's count: enough variants for most rules to report on some of them.</summary>
    public const int DefaultCount = 300;

    /// <summary>The fix tests make this many times fewer variants: fixing costs far more than analyzing.</summary>
    public const int FixSampling = 4;

    public static int Seed { get; } = Read(SeedVariable, 20240917);

    /// <summary>The variants the analyzer tests make (<see cref="FixSampling"/> times fewer for the fix tests).</summary>
    public static int Count { get; } = Read(CountVariable, DefaultCount);

    /// <summary>How to replay this run, for failure messages.</summary>
    public static string Replay => $"{SeedVariable}={Seed} {CountVariable}={Count}";

    public static IEnumerable<Variant> Variants(int seed, int count, IReadOnlyList<SourceFile> sources) =>
        Enumerable.Range(0, count).Select(index =>
        {
            var random = new Random(Mix(seed, index));
            var source = sources[random.Next(sources.Count)];
            return new Variant(seed, index, source, Damage.Apply(source.Text, random));
        });

    // Independent streams per variant: the seed and index mixed, not added (seed s + 1 must not replay seed s shifted).
    private static int Mix(int seed, int index) => unchecked((int)(((uint)seed * 2654435761u) ^ ((uint)index * 2246822519u + 374761393u)));

    private static int Read(string variable, int fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? int.TryParse(value, out var parsed) ? parsed : throw new FormatException($"{variable}={value} is not a whole number.")
            : fallback;
}
