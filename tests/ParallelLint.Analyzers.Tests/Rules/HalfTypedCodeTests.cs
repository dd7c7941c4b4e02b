using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Tests.Verifiers;
using Xunit;

namespace ParallelLint.Analyzers.Tests.Rules;

/// <summary>What the IDE hands the analyzers while the user types: every prefix and damaged variant must analyze cleanly.</summary>
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
    public async Task Every_prefix_of_the_source_analyzes_without_an_analyzer_exception()
    {
        // Every prefix a user passes through while typing, in steps small enough to stop inside every token kind.
        var variants = Enumerable.Range(1, Source.Length / 7).Select(i => Source[..(i * 7)]);
        await AssertNoAnalyzerExceptions(variants);
    }

    [Fact]
    public async Task Sources_with_tokens_deleted_analyze_without_an_analyzer_exception()
    {
        var tokens = CSharpSyntaxTree.ParseText(Source).GetRoot().DescendantTokens().ToArray();
        var variants = tokens
            .Where((_, index) => index % 3 == 0)
            .Select(token => Source.Remove(token.SpanStart, token.Span.Length));
        await AssertNoAnalyzerExceptions(variants);
    }

    [Fact]
    public async Task The_complete_source_reports_the_nestings()
    {
        // The control for the tests above: the same pipeline does find the nestings in the intact source:
        // AsParallel in ForEach, Invoke in StartNew per item, the block, the Parallel.For in the block,
        // Task.Run in Select and the query in the local function (the outer Parallel.For is bounded to one).
        var diagnostics = await Analyze(Source, new ConcurrentBag<Exception>());
        Assert.Equal(6, diagnostics.Count(d => d.Id == RuleIds.NestedParallelConstruct));
    }

    private static async Task AssertNoAnalyzerExceptions(System.Collections.Generic.IEnumerable<string> variants)
    {
        var exceptions = new ConcurrentBag<Exception>();
        foreach (var variant in variants)
        {
            var diagnostics = await Analyze(variant, exceptions);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        }

        Assert.Empty(exceptions);
    }

    private static async Task<ImmutableArray<Diagnostic>> Analyze(string source, ConcurrentBag<Exception> exceptions)
    {
        var compilation = TestReferences.Compile("HalfTyped", new[] { CSharpSyntaxTree.ParseText(source) });
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        return await compilation
            .WithAnalyzers(RepositoryFiles.Analyzers, options)
            .GetAnalyzerDiagnosticsAsync();
    }
}
