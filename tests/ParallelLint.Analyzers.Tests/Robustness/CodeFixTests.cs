using Xunit.Abstractions;

namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>
/// Every fix offered for what the analyzers find, one at a time and Fix All in the document, neither throws nor
/// leaves code with compiler errors it did not have: on the repository, the rule tests' code and damaged variants.
/// </summary>
/// <remarks>
/// Fixing costs far more than analyzing, so the fix tests take a quarter of the variants the analyzer tests do
/// (<see cref="Fuzz.FixSampling"/>); the larger run is the one in <see cref="AnalyzerExceptionTests"/>.
/// </remarks>
public class CodeFixTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fixes_of_the_repository_s_findings_neither_throw_nor_break_the_build()
    {
        var projects = (await AnalyzerExceptionTests.RepositoryAnalysis.Value)
            .Where(project => project.Result.Diagnostics.Length > 0)
            .Select(project => ($"project {project.Project.Name}", (Compilation)project.Project.Compilation));

        var (failures, applied) = await FixAsync(projects);

        AnalyzerExceptionTests.AssertNoFailures(failures);
        Assert.True(applied.Count > 0, "No fix was applied to the repository: the samples' findings are no longer fixed.");
    }

    [Fact]
    public async Task Fixes_of_the_rule_test_code_s_findings_neither_throw_nor_break_the_build()
    {
        // Only the sources with findings have anything to fix (the code base holds all but a few, which are taken as well).
        var withFindings = (await AnalyzerExceptionTests.RuleTestCodeAnalysis.Value).Diagnostics.Select(finding => finding.Location.SourceTree!.FilePath).ToHashSet();
        var sources = Corpus.RuleTestSources
            .Where(source => withFindings.Contains(source.Name) || !Corpus.FitsInCodeBase(source))
            .Select(source => (source.Name, (Compilation)Corpus.Compile("RuleTestCode", new[] { Corpus.Parse(source) })));

        var (failures, applied) = await FixAsync(sources);

        AnalyzerExceptionTests.AssertNoFailures(failures);
        // The control: every fixer has findings to fix in the rule tests' code, so a fixer that stopped offering its fix shows here.
        var idle = CodeFixRun.Fixers.Select(fixer => fixer.GetType().Name).Where(name => !applied.Any(fix => fix.Contains(name, StringComparison.Ordinal))).ToList();
        Assert.True(idle.Count == 0, $"No fix of {string.Join(", ", idle)} was applied to the rule tests' code.");
    }

    [Fact]
    public async Task Fixes_of_damaged_code_s_findings_neither_throw_nor_add_compiler_errors()
    {
        // Variants of the rule tests' code: the repository's other files have no findings to fix.
        var variants = Fuzz.Variants(Fuzz.Seed, Fuzz.Count / Fuzz.FixSampling, Corpus.RuleTestSources)
            .Select(variant => (variant.Describe(), (Compilation)Corpus.Compile("RuleTestCode", new[] { Corpus.Parse(variant.Damaged.Text, variant.Source.Name) })));

        var (failures, applied) = await FixAsync(variants);
        output.WriteLine($"{Fuzz.Replay}: {Fuzz.Count / Fuzz.FixSampling} variants, {applied.Count} fixes applied, {failures.Count} failures.");

        AnalyzerExceptionTests.AssertNoFailures(failures);
        Assert.True(applied.Count > 0, "No fix was applied to a damaged variant: the harness no longer reaches the fixers.");
    }

    /// <summary>Every fix for every finding of each input, in a workspace project of its own.</summary>
    private static async Task<(List<string> Failures, List<string> Applied)> FixAsync(IEnumerable<(string Input, Compilation Compilation)> inputs)
    {
        var failures = new List<string>();
        var applied = new List<string>();
        foreach (var (input, compilation) in inputs)
        {
            var result = await CodeFixRun.RunAsync(CodeFixRun.CreateProject(compilation), RepositoryFiles.Analyzers, CodeFixRun.Fixers, input);
            failures.AddRange(result.Failures);
            applied.AddRange(result.Applied);
        }

        return (failures, applied);
    }
}
