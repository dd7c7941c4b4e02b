using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>
/// Never an AD0001: every analyzer over every C# file of the repository, over the rule tests' code, and over damaged
/// variants of both (what the IDE hands the analyzers while the user types) throws nothing.
/// </summary>
/// <remarks>
/// CI runs a fixed seed and count (<see cref="Fuzz"/>). A larger run, with any seed, the fix tests' variants scaled alike:
/// <code>
/// PARALLELLINT_FUZZ_SEED=1 PARALLELLINT_FUZZ_COUNT=3000 dotnet test tests/ParallelLint.Analyzers.Tests --filter "FullyQualifiedName~Robustness"
/// </code>
/// A failure names the analyzer (or fix), the file, the variant (its index and damage) and the seed: the same seed
/// with a count above the index replays it.
/// </remarks>
public class AnalyzerExceptionTests(ITestOutputHelper output)
{
    /// <summary>Each repository project analyzed whole, as a build does; shared with the fix tests, which fix what it found.</summary>
    internal static Lazy<Task<ImmutableArray<(SourceProject Project, AnalyzerRunResult Result)>>> RepositoryAnalysis { get; } = new(async () =>
    {
        var results = ImmutableArray.CreateBuilder<(SourceProject, AnalyzerRunResult)>();
        foreach (var project in Corpus.RepositoryProjects)
        {
            results.Add((project, await AnalyzerRun.RunAsync(project.Compilation, RepositoryFiles.Analyzers, $"project {project.Name}")));
        }

        return results.ToImmutable();
    });

    /// <summary>The rule tests' code analyzed whole; shared with the fix tests, which choose what to fix by what it found.</summary>
    internal static Lazy<Task<AnalyzerRunResult>> RuleTestCodeAnalysis { get; } = new(() =>
        AnalyzerRun.RunAsync(Corpus.RuleTestCodeBase(Corpus.RuleTestSources), RepositoryFiles.Analyzers, "the rule tests' code"));

    [Fact]
    public async Task Repository_files_analyze_without_an_analyzer_exception()
    {
        var results = await RepositoryAnalysis.Value;

        AssertNoFailures(results.SelectMany(project => project.Result.Failures));
        // The control: the projects bind (the samples' findings are found), so the analyzers went past the error types.
        Assert.Contains(results, project => project.Project.Name == "samples/ParallelLint.Samples" && project.Result.Diagnostics.Length > 0);
    }

    [Fact]
    public async Task Rule_test_code_analyzes_without_an_analyzer_exception()
    {
        var result = await RuleTestCodeAnalysis.Value;

        AssertNoFailures(result.Failures);
        AssertEveryRuleReports(result.Diagnostics);
    }

    [Fact]
    public async Task Damaged_variants_analyze_without_an_analyzer_exception()
    {
        var (failures, diagnostics) = await AnalyzeVariantsAsync(RepositoryFiles.Analyzers, Fuzz.Variants(Fuzz.Seed, Fuzz.Count, Corpus.All));
        output.WriteLine($"{Fuzz.Replay}: {Fuzz.Count} variants analyzed, {diagnostics.Count} findings, {failures.Count} failures.");

        AssertNoFailures(failures);
        if (Fuzz.Count >= Fuzz.DefaultCount)
        {
            // The control: damaged code still reaches the rules (the damage is local), not only the analyzers' early exits.
            // Which rules report depends on which sources the seed draws, so most rules must, not every one.
            AssertMostRulesReport(diagnostics);
        }
    }

    /// <summary>
    /// Each variant analyzed where it lives: a repository file in its project, the one open document the IDE
    /// analyzes; a rule test source alone and whole, as a build does (compilation-end rules included).
    /// </summary>
    internal static async Task<(List<string> Failures, List<Diagnostic> Diagnostics)> AnalyzeVariantsAsync(
        ImmutableArray<DiagnosticAnalyzer> analyzers,
        IEnumerable<Variant> variants)
    {
        var failures = new List<string>();
        var diagnostics = new List<Diagnostic>();
        foreach (var variant in variants)
        {
            var damaged = Corpus.Parse(variant.Damaged.Text, variant.Source.Name);
            var result = Corpus.ProjectOf(variant.Source) is { } project
                ? await AnalyzerRun.RunAsync(
                    project.Compilation.ReplaceSyntaxTree(project.Compilation.SyntaxTrees.Single(tree => tree.FilePath == variant.Source.Name), damaged),
                    analyzers,
                    variant.Describe(),
                    damaged)
                : await AnalyzerRun.RunAsync(Corpus.Compile("RuleTestCode", new[] { damaged }), analyzers, variant.Describe());
            failures.AddRange(result.Failures);
            diagnostics.AddRange(result.Diagnostics);
        }

        return (failures, diagnostics);
    }

    internal static void AssertNoFailures(IEnumerable<string> failures)
    {
        var all = failures.ToList();
        Assert.True(
            all.Count == 0,
            $"{all.Count} failures (this run: {Fuzz.Replay}):{Environment.NewLine}{string.Join(Environment.NewLine, all.Take(20))}");
    }

    /// <summary>
    /// The same findings, as many times each (<paramref name="expected"/> and <paramref name="actual"/> describe one
    /// finding a line); the message lists what is missing and what is extra.
    /// </summary>
    internal static void AssertSameFindings(IEnumerable<string> expected, IEnumerable<string> actual, string what)
    {
        var (before, after) = (Numbered(expected), Numbered(actual));
        var missing = before.Except(after).ToList();
        var extra = after.Except(before).ToList();
        Assert.True(
            missing.Count == 0 && extra.Count == 0,
            $"{what} ({after.Length} findings against {before.Length}):{Environment.NewLine}" +
            $"missing:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", missing.Take(20))}{Environment.NewLine}" +
            $"extra:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", extra.Take(20))}");
    }

    // Each finding numbered among its equals, so that a lost or added duplicate counts.
    private static string[] Numbered(IEnumerable<string> findings) =>
        findings.GroupBy(finding => finding).SelectMany(group => group.Select((finding, i) => $"{finding} #{i + 1}")).ToArray();

    internal static void AssertMostRulesReport(IEnumerable<Diagnostic> diagnostics)
    {
        var reported = diagnostics.Select(d => d.Id).ToHashSet();
        var rules = RepositoryFiles.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).ToList();
        var silent = rules.Where(id => !reported.Contains(id)).ToList();
        Assert.True(
            silent.Count <= rules.Count / 2,
            $"No diagnostics of {string.Join(", ", silent)}: the damaged input no longer exercises most rules.");
    }

    internal static void AssertEveryRuleReports(IEnumerable<Diagnostic> diagnostics)
    {
        var reported = diagnostics.Select(d => d.Id).ToHashSet();
        var silent = RepositoryFiles.Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Where(id => !reported.Contains(id)).ToList();
        Assert.True(silent.Count == 0, $"No diagnostics of {string.Join(", ", silent)}: the input no longer exercises those rules.");
    }
}
