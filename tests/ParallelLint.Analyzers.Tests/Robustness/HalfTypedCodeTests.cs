using Microsoft.CodeAnalysis.CSharp;
using ParallelLint.Analyzers.Tests.Verifiers;

namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>
/// What the IDE hands the analyzers while the user types, systematically on one source dense in nested constructs:
/// every prefix and every third token deleted must analyze cleanly (the random variants are <see cref="AnalyzerExceptionTests"/>').
/// </summary>
public class HalfTypedCodeTests
{
    private const string Source = TestSources.Usings + """
        class C
        {
            async Task M(int n, int[] items, List<Task> tasks)
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = 1 };
                Parallel.For(0, n, options, i =>
                {
                    Parallel.ForEach(items, x => { _ = items.AsParallel().WithDegreeOfParallelism(2).Sum(y => y * x); });
                    foreach (var x in items) tasks.Add(Task.Factory.StartNew(() => Parallel.Invoke(() => { }, delegate { })));
                    var t = new Thread(() => { Parallel.For(0, n, j => { }); }); t.Start();
                });
                await Parallel.ForEachAsync(items, async (x, ct) =>
                {
                    var block = new ActionBlock<int>(y => Parallel.For(0, y, k => { }), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = -1 });
                    await Task.WhenAll(items.Select(y => Task.Run(() => ThreadPool.QueueUserWorkItem(s => { }))));
                    Run(); void Run() { _ = (from z in items.AsParallel() select z).ToList(); }
                });
            }
        }
        """;

    [Fact]
    public async Task Every_prefix_of_the_source_analyzes_without_an_analyzer_exception() =>
        // Every prefix a user passes through while typing, in steps small enough to stop inside every token kind.
        await AssertNoAnalyzerExceptions(Damage.Prefixes(Source, step: 7));

    [Fact]
    public async Task Sources_with_tokens_deleted_analyze_without_an_analyzer_exception() =>
        await AssertNoAnalyzerExceptions(Damage.TokenDeletions(Source, every: 3));

    [Fact]
    public async Task The_complete_source_reports_the_nestings()
    {
        // The control for the tests above: the same pipeline does find the nestings in the intact source:
        // AsParallel in ForEach, Invoke in StartNew per item, the block, the Parallel.For in the block,
        // Task.Run in Select and the query in the local function (the outer Parallel.For is bounded to one).
        var result = await Analyze(new DamagedText(Source, "intact"));
        Assert.Empty(result.Failures);
        Assert.Equal(6, result.Diagnostics.Count(d => d.Id == RuleIds.NestedParallelConstruct));
    }

    private static async Task AssertNoAnalyzerExceptions(IEnumerable<DamagedText> variants)
    {
        var failures = new List<string>();
        foreach (var variant in variants)
        {
            failures.AddRange((await Analyze(variant)).Failures);
        }

        AnalyzerExceptionTests.AssertNoFailures(failures);
    }

    private static Task<AnalyzerRunResult> Analyze(DamagedText variant) =>
        AnalyzerRun.RunAsync(TestReferences.Compile("HalfTyped", new[] { CSharpSyntaxTree.ParseText(variant.Text) }), RepositoryFiles.Analyzers, $"the half-typed source, {variant.Description}");
}
