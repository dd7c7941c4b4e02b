using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit.Abstractions;

namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>
/// The analyzers read a call by what its arguments mean, not where they stand: the rule tests' code and the samples,
/// with every call's arguments named and reversed (<see cref="NamedArguments"/>), give the same findings.
/// </summary>
public class ArgumentOrderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Rule_test_code_gives_the_same_findings_with_its_arguments_named_and_reversed() =>
        await AssertSameFindingsAsync(Corpus.RuleTestCodeBase(Corpus.RuleTestSources), "the rule tests' code");

    [Fact]
    public async Task The_samples_give_the_same_findings_with_their_arguments_named_and_reversed() =>
        await AssertSameFindingsAsync(Corpus.RepositoryProjects.Single(project => project.Name == "samples/ParallelLint.Samples").Compilation, "the samples");

    private async Task AssertSameFindingsAsync(Compilation original, string input)
    {
        var rewritten = original;
        var lists = 0;
        foreach (var tree in original.SyntaxTrees)
        {
            var (named, count) = NamedArguments.Rewrite(original.GetSemanticModel(tree));
            rewritten = rewritten.ReplaceSyntaxTree(rewritten.SyntaxTrees.Single(t => t.FilePath == tree.FilePath), named);
            lists += count;
        }

        // The rewrite did something, and it is the same program: it adds no compiler error.
        Assert.True(lists > 0, $"No argument list of {input} could be named.");
        var newErrors = Errors(rewritten).Except(Errors(original)).ToList();
        Assert.True(newErrors.Count == 0, $"The rewrite broke {input}:{Environment.NewLine}{string.Join(Environment.NewLine, newErrors.Take(20))}");

        var before = await AnalyzerRun.RunAsync(original, RepositoryFiles.Analyzers, input);
        var after = await AnalyzerRun.RunAsync(rewritten, RepositoryFiles.Analyzers, input + ", arguments named and reversed");
        AnalyzerExceptionTests.AssertNoFailures(before.Failures.Concat(after.Failures));
        output.WriteLine($"{input}: {lists} argument lists named and reversed, {before.Diagnostics.Length} findings before, {after.Diagnostics.Length} after.");

        AnalyzerExceptionTests.AssertSameFindings(Findings(before.Diagnostics), Findings(after.Diagnostics), "Findings differ once the arguments are named and reversed");
        AnalyzerExceptionTests.AssertEveryRuleReports(before.Diagnostics);
    }

    private static string[] Errors(Compilation compilation) => compilation.GetDiagnostics()
        .Where(d => d.Severity == DiagnosticSeverity.Error)
        .Select(d => $"{d.Location.SourceTree?.FilePath}: {d.Id} {d.GetMessage()}")
        .ToArray();

    /// <summary>
    /// A finding by its rule, its file and the line of the member it is in (arguments move within a member, members
    /// keep their lines; messages quote the code, which the rewrite changes).
    /// </summary>
    private static IEnumerable<string> Findings(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.Select(d => $"{d.Id} {d.Location.SourceTree?.FilePath}:{MemberLine(d)}");

    private static int MemberLine(Diagnostic diagnostic)
    {
        var node = diagnostic.Location.SourceTree?.GetRoot().FindNode(diagnostic.Location.SourceSpan);
        var member = node?.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().FirstOrDefault();
        return (member ?? node)?.GetLocation().GetLineSpan().StartLinePosition.Line + 1 ?? 0;
    }
}

/// <summary>The rewrite the gate rests on: what it names and reverses, and what it leaves alone.</summary>
public class NamedArgumentsTests
{
    [Fact]
    public void Calls_get_named_reversed_arguments_and_unnameable_lists_are_left_alone()
    {
        var compilation = Corpus.Compile("Named", new[] { Corpus.Parse("""
            using System;
            using System.Linq;

            class C
            {
                static void M(int @event, int b) { }

                void Run(object[] rest)
                {
                    var range = Enumerable.Range(0, 3);
                    M(1,
                      2);
                    var list = new System.Collections.Generic.List<int>(4);
                    Console.WriteLine("{0} {1} {2} {3}", 1, 2, 3, 4);
                    var parsed = int.TryParse("1", out var x) && x > 0;
                    dynamic d = 1;
                    Console.WriteLine(d);
                }
            }
            """, "Named.cs") });
        var tree = compilation.SyntaxTrees.Single();

        var (named, count) = NamedArguments.Rewrite(compilation.GetSemanticModel(tree));

        var text = named.GetText().ToString();
        Assert.Contains("Enumerable.Range(count: 3, start: 0)", text);
        Assert.Contains("b: 2,", text);                                   // each argument moves with its own trivia
        Assert.Contains("@event: 1);", text);
        Assert.Contains("new System.Collections.Generic.List<int>(capacity: 4)", text);
        Assert.Contains("""Console.WriteLine("{0} {1} {2} {3}", 1, 2, 3, 4)""", text); // params, expanded
        Assert.Contains("""int.TryParse("1", out var x)""", text);       // declares a variable
        Assert.Contains("Console.WriteLine(d)", text);                    // dynamic
        Assert.Equal(3, count);
        Assert.Equal(tree.GetText().Lines.Count, named.GetText().Lines.Count);
        Assert.Empty(compilation.ReplaceSyntaxTree(tree, named).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }
}
