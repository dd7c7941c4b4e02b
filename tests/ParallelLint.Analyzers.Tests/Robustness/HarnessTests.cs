using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ParallelLint.Analyzers.Tests.Robustness;

/// <summary>The robustness harness catches what it is there to catch: analyzers that throw, fixes that throw or break the build.</summary>
public class HarnessTests
{
    private const string TwoFiles = "Work.cs";

    [Fact]
    public async Task An_analyzer_that_throws_on_damaged_code_fails_the_run_with_analyzer_file_variant_and_seed()
    {
        var variants = Fuzz.Variants(seed: 7, count: 12, Corpus.All).ToList();

        var (failures, _) = await AnalyzerExceptionTests.AnalyzeVariantsAsync(ImmutableArray.Create<DiagnosticAnalyzer>(new ThrowsOnInvalidCodeAnalyzer()), variants);

        Assert.NotEmpty(failures);
        Assert.All(failures, failure =>
        {
            Assert.Contains(nameof(ThrowsOnInvalidCodeAnalyzer), failure);
            Assert.Contains("of seed 7", failure);
            Assert.Contains(nameof(ThrowsOnInvalidCodeAnalyzer.Thrown), failure);
            Assert.Contains(variants, variant => failure.Contains($"{variant.Source.Name}, variant {variant.Index} of seed 7 ({variant.Damaged.Description})", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task A_rule_that_goes_silent_on_damaged_code_fails_the_control_and_a_working_one_does_not()
    {
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new ParallelForAnalyzer(), new IntactCodeOnlyAnalyzer());
        var withFor = Corpus.RuleTestSources.Where(source => source.Text.Contains("Parallel.For(", StringComparison.Ordinal) && Corpus.FitsInCodeBase(source)).Take(10);
        var intact = await AnalyzerRun.RunAsync(Corpus.RuleTestCodeBase(withFor), analyzers, "rule test sources with Parallel.For");
        Assert.Equal(new[] { ParallelForAnalyzer.Id, IntactCodeOnlyAnalyzer.Id }, intact.Diagnostics.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal));

        var (silent, failures, analyzed) = await AnalyzerExceptionTests.RuleControlAsync(seed: 7, analyzers, intact);

        Assert.Empty(failures);
        var dead = Assert.Single(silent);
        Assert.StartsWith($"{IntactCodeOnlyAnalyzer.Id} reported on none of {Fuzz.MaxPerRule} damaged variants", dead);
        Assert.InRange(analyzed, Fuzz.MaxPerRule + 1, 2 * Fuzz.MaxPerRule);
    }

    [Fact]
    public void Strata_replay_from_seed_and_differ_between_strata()
    {
        var first = Fuzz.Stratum(seed: 7, "A", 10, Corpus.RuleTestSources).ToList();
        var again = Fuzz.Stratum(seed: 7, "A", 20, Corpus.RuleTestSources).Take(10).ToList();
        var other = Fuzz.Stratum(seed: 7, "B", 10, Corpus.RuleTestSources).ToList();

        Assert.Equal(10, first.Count);
        Assert.Equal(first.Select(v => v.Damaged), again.Select(v => v.Damaged));
        Assert.NotEqual(first.Select(v => v.Damaged), other.Select(v => v.Damaged));
        Assert.All(first, variant => Assert.Contains(Corpus.Parse(variant.Damaged.Text, variant.Source.Name).GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error));
        Assert.All(first, variant => Assert.Contains("of stratum A of seed 7", variant.Describe()));
    }

    [Fact]
    public void Variants_replay_from_seed_and_index_and_differ_between_seeds()
    {
        var first = Fuzz.Variants(seed: 7, count: 20, Corpus.All).ToList();
        var longer = Fuzz.Variants(seed: 7, count: 40, Corpus.All).Take(20).ToList();
        var other = Fuzz.Variants(seed: 8, count: 20, Corpus.All).ToList();

        Assert.Equal(first.Select(v => v.Damaged), longer.Select(v => v.Damaged));
        Assert.NotEqual(first.Select(v => v.Damaged), other.Select(v => v.Damaged));
        Assert.All(first, variant => Assert.NotEqual(variant.Source.Text, variant.Damaged.Text));
    }

    [Fact]
    public async Task Fixes_that_throw_or_add_errors_to_their_text_fail_the_run_and_a_harmless_fix_does_not()
    {
        var project = CodeFixRun.CreateProject(Corpus.Compile("Harness", new[]
        {
            Corpus.Parse("class C { void M() { System.Threading.Tasks.Parallel.For(0, 9, i => { }); System.Threading.Tasks.Parallel.For(0, 9, i => { }); } }", "C.cs"),
        }));

        var result = await CodeFixRun.RunAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new ParallelForAnalyzer()), ImmutableArray.Create<CodeFixProvider>(new TestFixer()), "the harness source");

        Assert.Contains(result.Failures, failure => failure.Contains($"'{TestFixer.Throwing}' of {nameof(TestFixer)} on {ParallelForAnalyzer.Id} at C.cs(1,22)", StringComparison.Ordinal) && failure.Contains("threw"));
        Assert.Contains(result.Failures, failure => failure.Contains($"'{TestFixer.Breaking}'", StringComparison.Ordinal) && failure.Contains("CS0103"));
        Assert.Contains(result.Failures, failure => failure.StartsWith($"Fix All in document '{TestFixer.Breaking}'", StringComparison.Ordinal) && failure.Contains("CS0103"));
        Assert.Contains(result.Failures, failure => failure.Contains($"'{TestFixer.Glued}'", StringComparison.Ordinal) && failure.Contains("CS0103 The name 'newobject'"));
        Assert.Contains(result.Applied, fix => fix.Contains(TestFixer.Harmless, StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures, failure => failure.Contains(TestFixer.Harmless, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fix_that_breaks_another_document_fails_the_run()
    {
        // The run recompiles only the fixed document unless the fix changed its declarations: this one renames a method another file calls.
        var project = CodeFixRun.CreateProject(Corpus.Compile("Harness", new[]
        {
            Corpus.Parse("partial class C { public static void Work() => System.Threading.Tasks.Parallel.For(0, 9, i => { }); }", "C.cs"),
            Corpus.Parse("partial class C { void Caller() => Work(); }", TwoFiles),
        }));

        var result = await CodeFixRun.RunAsync(project, ImmutableArray.Create<DiagnosticAnalyzer>(new ParallelForAnalyzer()), ImmutableArray.Create<CodeFixProvider>(new RenamingFixer()), "the harness source");

        var failure = Assert.Single(result.Failures);
        Assert.True(failure.Contains($"CS0103 The name 'Work' does not exist in the current context at {TwoFiles}(1,36)", StringComparison.Ordinal), failure);
    }

    /// <summary>Throws where the code is broken, as an analyzer that trusts the operation tree would.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ThrowsOnInvalidCodeAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(ParallelForAnalyzer.Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterSyntaxTreeAction(tree =>
            {
                if (tree.Tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
                {
                    throw new Thrown();
                }
            });
        }

        public sealed class Thrown : Exception
        {
        }
    }

    /// <summary>TEST0002 on every Parallel.For call.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class ParallelForAnalyzer : DiagnosticAnalyzer
    {
        public const string Id = "TEST0002";

        public static readonly DiagnosticDescriptor Rule = new(Id, "Test", "Test", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationAction(
                operation =>
                {
                    if (operation.Operation is IInvocationOperation { TargetMethod.Name: "For" } invocation)
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation()));
                    }
                },
                OperationKind.Invocation);
        }
    }

    /// <summary>TEST0003 on every Parallel.For call, but only in a tree without syntax errors: a rule dead on damaged code.</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class IntactCodeOnlyAnalyzer : DiagnosticAnalyzer
    {
        public const string Id = "TEST0003";

        private static readonly DiagnosticDescriptor Rule = new(Id, "Test", "Test", "Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterOperationAction(
                operation =>
                {
                    if (operation.Operation is IInvocationOperation { TargetMethod.Name: "For" } invocation &&
                        !invocation.Syntax.SyntaxTree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation()));
                    }
                },
                OperationKind.Invocation);
        }
    }

    /// <summary>
    /// Four fixes per call: one throws when applied, one calls a method that does not exist, one is a tree that reads
    /// back otherwise from its text (<c>new object()</c> without its space), one only adds a comment.
    /// </summary>
    private sealed class TestFixer : CodeFixProvider
    {
        public const string Throwing = "Throw";
        public const string Breaking = "Call what does not exist";
        public const string Glued = "Glue the tokens";
        public const string Harmless = "Comment";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ParallelForAnalyzer.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = (await context.Document.GetSyntaxRootAsync())!;
            var call = root.FindNode(context.Span, getInnermostNodeForTie: true);
            context.RegisterCodeFix(CodeAction.Create(Throwing, Task<Document> (_) => throw new InvalidOperationException(), Throwing), context.Diagnostics);
            context.RegisterCodeFix(Replace(Breaking, context.Document, root, call, SyntaxFactory.ParseExpression("Missing()")), context.Diagnostics);
            var creation = SyntaxFactory.ParseExpression("new object()");
            context.RegisterCodeFix(Replace(Glued, context.Document, root, call, creation.ReplaceTokens(creation.DescendantTokens(), (_, token) => token.WithoutTrivia())), context.Diagnostics);
            context.RegisterCodeFix(Replace(Harmless, context.Document, root, call, call.WithTrailingTrivia(SyntaxFactory.Comment("/* fixed */"))), context.Diagnostics);
        }

        private static CodeAction Replace(string title, Document document, SyntaxNode root, SyntaxNode node, SyntaxNode replacement) =>
            CodeAction.Create(title, _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(node, replacement))), title);
    }

    /// <summary>Renames the method around the call: its own document still compiles, its callers' do not.</summary>
    private sealed class RenamingFixer : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ParallelForAnalyzer.Id);

        public override FixAllProvider? GetFixAllProvider() => null;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = (await context.Document.GetSyntaxRootAsync())!;
            var method = root.FindNode(context.Span).FirstAncestorOrSelf<MethodDeclarationSyntax>()!;
            context.RegisterCodeFix(
                CodeAction.Create("Rename", _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(method, method.WithIdentifier(SyntaxFactory.Identifier("Renamed"))))), "Rename"),
                context.Diagnostics);
        }
    }
}
