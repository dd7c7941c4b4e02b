using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL2001's fix: the hard-coded degree becomes the detected core count, <c>Cores.Available</c> where
/// ParallelLint.Runtime is referenced, <c>Environment.ProcessorCount</c> otherwise. Only the use site changes: a
/// constant it was read from stays as it is (other code may use it).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HardCodedDegreeFixer))]
public sealed class HardCodedDegreeFixer : CodeFixProvider
{
    internal const string EquivalenceKey = "PL2001.DetectedCores";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.HardCodedDegree);

    /// <inheritdoc/>
    /// <remarks>The degrees are separate expressions: all of them are replaced at once, then completed once.</remarks>
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create((context, document, diagnostics) => FixAsync(document, diagnostics.Select(d => d.Location.SourceSpan), context.CancellationToken));

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return;
        }

        var title = KnownTypes.Of(model.Compilation).Cores is null
            ? "Use Environment.ProcessorCount"
            : "Use the detected core count (Cores.Available)";
        foreach (var diagnostic in context.Diagnostics)
        {
            if (await FixAsync(context.Document, new[] { diagnostic.Location.SourceSpan }, context.CancellationToken).ConfigureAwait(false) is { } fixedDocument)
            {
                context.RegisterCodeFix(CodeAction.Create(title, _ => Task.FromResult(fixedDocument), EquivalenceKey), diagnostic);
            }
        }
    }

    private static async Task<Document?> FixAsync(Document document, IEnumerable<TextSpan> spans, CancellationToken cancellation)
    {
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return null;
        }

        var degrees = spans.Select(span => Degree(root, span)).OfType<ExpressionSyntax>().Distinct().ToList();
        if (degrees.Count == 0)
        {
            return null;
        }

        var cores = KnownTypes.Of(model.Compilation).Cores is null ? "System.Environment.ProcessorCount" : "ParallelLint.Runtime.Cores.Available";
        var fixedRoot = root.ReplaceNodes(degrees, (original, _) => SyntaxFactory.ParseExpression(cores)
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation)
            .WithTriviaFrom(original));
        return await FixedDocument.CompleteAsync(model, document.WithSyntaxRoot(fixedRoot), cancellation).ConfigureAwait(false);
    }

    /// <summary>The degree expression the diagnostic marks (its location is exactly that expression).</summary>
    private static ExpressionSyntax? Degree(SyntaxNode root, TextSpan span) =>
        root.FullSpan.Contains(span)
            ? root.FindNode(span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<ExpressionSyntax>().FirstOrDefault(e => e.Span == span)
            : null;
}
