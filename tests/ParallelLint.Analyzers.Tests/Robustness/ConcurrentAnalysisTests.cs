using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>
/// The analyzers run concurrently (each enables it, and the IDE and the build run them so): their findings do not
/// depend on the interleaving, even with several analyses of one compilation at once sharing the analyzer instances.
/// </summary>
public class ConcurrentAnalysisTests
{
    private const int ConcurrentRuns = 8;

    // A third of every rule test file's sources: every rule reports, and nine analyses of it stay within CI's time.
    private const int SourceShare = 3;

    [Fact]
    public async Task Every_analyzer_enables_concurrent_execution()
    {
        var compilation = Corpus.Compile("Small", new[] { Corpus.Parse("class C { void M() { } }", "C.cs") });
        var control = new SequentialOnlyAnalyzer();
        var withAnalyzers = compilation.WithAnalyzers(RepositoryFiles.Analyzers.Add(control), AnalyzerRun.Options(onAnalyzerException: null));
        await withAnalyzers.GetAnalyzerDiagnosticsAsync();

        // The driver's own record of what each analyzer asked for in Initialize.
        var sequential = new List<string>();
        foreach (var analyzer in RepositoryFiles.Analyzers)
        {
            if (!(await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None)).Concurrent)
            {
                sequential.Add(analyzer.GetType().Name);
            }
        }

        Assert.True(sequential.Count == 0, $"Not concurrent: {string.Join(", ", sequential)} (call context.EnableConcurrentExecution()).");
        Assert.False((await withAnalyzers.GetAnalyzerTelemetryInfoAsync(control, CancellationToken.None)).Concurrent);
    }

    [Fact]
    public async Task Concurrent_analyses_of_one_compilation_report_what_a_sequential_one_does()
    {
        var sources = Corpus.RuleTestSources.GroupBy(source => source.Name.Split(':')[0]).SelectMany(file => file.Where((_, index) => index % SourceShare == 0));
        var compilation = Corpus.RuleTestCodeBase(sources);

        var sequential = await AnalyzerRun.RunAsync(compilation, RepositoryFiles.Analyzers, "the rule tests' code, sequentially", concurrentAnalysis: false);
        AnalyzerExceptionTests.AssertEveryRuleReports(sequential.Diagnostics);

        var expected = Fingerprints(sequential.Diagnostics).ToList();
        var runs = await Task.WhenAll(Enumerable.Range(0, ConcurrentRuns).Select(index => Task.Run(() =>
            AnalyzerRun.RunAsync(compilation, RepositoryFiles.Analyzers, $"the rule tests' code, concurrent run {index}"))));
        AnalyzerExceptionTests.AssertNoFailures(runs.Prepend(sequential).SelectMany(run => run.Failures));
        for (var index = 0; index < runs.Length; index++)
        {
            AnalyzerExceptionTests.AssertSameFindings(expected, Fingerprints(runs[index].Diagnostics), $"Concurrent run {index} differs from the sequential one");
        }
    }

    /// <summary>Everything a diagnostic says: id, place, message, related places, properties.</summary>
    private static IEnumerable<string> Fingerprints(ImmutableArray<Diagnostic> diagnostics) => diagnostics
        .Select(d => string.Join(
            " | ",
            d.Id,
            Place(d.Location),
            d.GetMessage(),
            string.Join(", ", d.AdditionalLocations.Select(Place)),
            string.Join(", ", d.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))));

    private static string Place(Location location) => $"{location.SourceTree?.FilePath}{location.SourceSpan}";

    /// <summary>The control: an analyzer that does not enable concurrent execution is seen as such.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class SequentialOnlyAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            new DiagnosticDescriptor("TEST0001", "Test", "Test", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true));

#pragma warning disable RS1026 // Deliberately not concurrent: it is the control.
        public override void Initialize(AnalysisContext context)
#pragma warning restore RS1026
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSyntaxTreeAction(_ => { });
        }
    }
}
