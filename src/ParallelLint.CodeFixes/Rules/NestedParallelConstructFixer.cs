using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL1001's fixes: make the inner level sequential (first, so that <c>dotnet format</c> applies it), or bound
/// both levels within the available cores. A fix is offered only when its result compiles.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NestedParallelConstructFixer))]
public sealed class NestedParallelConstructFixer : CodeFixProvider
{
    internal const string MakeInnerSequential = "PL1001.MakeInnerSequential";
    internal const string BoundBothLevels = "PL1001.BoundBothLevels";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NestedParallelConstruct);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() =>
        SequentialFixAll.Create((document, key, inner, outer, diagnostic, cancellation) => FixAsync(document, key, inner, outer, Levels(diagnostic), cancellation));

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var (key, title) in new[]
            {
                (MakeInnerSequential, "Make the inner level sequential"),
                (BoundBothLevels, "Bound both levels within the available cores"),
            })
            {
                var outer = diagnostic.AdditionalLocations.FirstOrDefault()?.SourceSpan;
                var fixedDocument = await FixAsync(context.Document, key, diagnostic.Location.SourceSpan, outer, Levels(diagnostic), context.CancellationToken).ConfigureAwait(false);
                if (fixedDocument is not null)
                {
                    context.RegisterCodeFix(CodeAction.Create(title, _ => Task.FromResult(fixedDocument), key), diagnostic);
                }
            }
        }
    }

    private static async Task<Document?> FixAsync(Document document, string key, TextSpan innerSpan, TextSpan? outerSpan, int levels, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return null;
        }

        var constructs = new ParallelConstructs(KnownTypes.Of(model.Compilation));
        var inner = Construct(root, model, innerSpan, constructs, cancellation);
        if (inner is null)
        {
            return null;
        }

        var fixedRoot = key switch
        {
            MakeInnerSequential => InnerLevelSequential.Rewrite(root, model, inner, constructs, cancellation),
            BoundBothLevels when levels == 2 && outerSpan is { } span && Construct(root, model, span, constructs, cancellation) is { } outer =>
                BothLevelsBounded.Rewrite(root, outer, inner, constructs.Types),
            _ => null,
        };
        if (fixedRoot is null)
        {
            return null;
        }

        return await FixedDocument.CompleteAsync(model, document.WithSyntaxRoot(fixedRoot), cancellation).ConfigureAwait(false);
    }

    /// <summary>The construct whose call or creation the span marks (the diagnostic's location convention).</summary>
    private static ParallelConstruct? Construct(SyntaxNode root, SemanticModel model, TextSpan span, ParallelConstructs constructs, CancellationToken cancellation)
    {
        return SequentialFixAll.ConstructNode(root, span) is { } node &&
               model.GetOperation(node, cancellation) is { } operation &&
               constructs.Recognize(operation) is { } construct &&
               construct.Operation.Syntax == node
            ? construct
            : null;
    }

    private static int Levels(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue(NestedParallelConstructAnalyzer.LevelsProperty, out var value) &&
        int.TryParse(value, out var levels) ? levels : 0;
}
