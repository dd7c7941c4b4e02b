namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>
/// One damaged variant of a corpus source, drawn from the seed's variants or from one <paramref name="Stratum"/>
/// (<see cref="Fuzz.Stratum"/>); <see cref="Describe"/> is all it takes to make it again.
/// </summary>
internal sealed record Variant(int Seed, int Index, SourceFile Source, DamagedText Damaged, string? Stratum = null)
{
    public string Describe() => Stratum is null
        ? $"{Source.Name}, variant {Index} of seed {Seed} ({Damaged.Description})"
        : $"{Source.Name}, variant {Index} of stratum {Stratum} of seed {Seed} ({Damaged.Description})";
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

    /// <summary>CI's count. The control that every rule still reports on damaged code draws its own variants (<see cref="Stratum"/>).</summary>
    public const int DefaultCount = 300;

    /// <summary>The most damaged variants the control analyzes for a rule (<see cref="Stratum"/>); why this many: AnalyzerExceptionTests.RuleControlAsync.</summary>
    public const int MaxPerRule = 60;

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

    /// <summary>
    /// <paramref name="count"/> damaged variants of <paramref name="sources"/> that hold a syntax error (damage may
    /// leave valid code, as a cut in the trailing whitespace does), from a stream of the stratum's own: the same for a
    /// seed whatever <see cref="Count"/> is, and independent of the other strata.
    /// </summary>
    public static IEnumerable<Variant> Stratum(int seed, string stratum, int count, IReadOnlyList<SourceFile> sources)
    {
        if (sources.Count == 0)
        {
            return Enumerable.Empty<Variant>();
        }

        var stream = Mix(seed, StableHash(stratum));
        return Enumerable.Range(0, 20 * count) // a bound: nearly every variant holds an error
            .Select(index =>
            {
                var random = new Random(Mix(stream, index));
                var source = sources[random.Next(sources.Count)];
                return new Variant(seed, index, source, Damage.Apply(source.Text, random), stratum);
            })
            .Where(variant => Corpus.Parse(variant.Damaged.Text, variant.Source.Name).GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
            .Take(count);
    }

    // FNV-1a: string.GetHashCode differs from one process to the next.
    private static int StableHash(string text) =>
        unchecked((int)text.Aggregate(2166136261u, (hash, c) => (hash ^ c) * 16777619u));

    // Independent streams per variant: the seed and index mixed, not added (seed s + 1 must not replay seed s shifted).
    private static int Mix(int seed, int index) => unchecked((int)(((uint)seed * 2654435761u) ^ ((uint)index * 2246822519u + 374761393u)));

    private static int Read(string variable, int fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? int.TryParse(value, out var parsed) ? parsed : throw new FormatException($"{variable}={value} is not a whole number.")
            : fallback;
}
