using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.CodeFixes.Rewriting;

/// <summary>
/// Fix All that applies one fix per diagnostic, last in the text first (or first first, where a fix reuses what an
/// earlier one inserted above it), each on the document the previous ones left. Diagnostics of these rules overlap
/// (nested levels, one outer loop for several calls), so their edits cannot be merged as independent text changes.
/// Each diagnostic's nodes are marked first, so that they are found again wherever the edits before them moved them.
/// </summary>
internal static class SequentialFixAll
{
    /// <summary>Fixes one diagnostic, given the nodes its primary and (if any) additional location mark in <paramref name="model"/>'s tree.</summary>
    public delegate Task<Document?> FixOne(Document document, SemanticModel model, SyntaxNode node, SyntaxNode? additional, Diagnostic diagnostic, string equivalenceKey, CancellationToken cancellation);

    /// <summary>The provider; <paramref name="locate"/> finds the node a diagnostic's span marks.</summary>
    public static FixAllProvider Create(FixOne fix, Func<SyntaxNode, TextSpan, SyntaxNode?> locate, bool firstInTextFirst) =>
        FixAllProvider.Create((context, document, diagnostics) => FixAllAsync(context, document, diagnostics, fix, firstInTextFirst, locate));

    private static async Task<Document?> FixAllAsync(
        FixAllContext context,
        Document document,
        ImmutableArray<Diagnostic> diagnostics,
        FixOne fix,
        bool firstInTextFirst,
        Func<SyntaxNode, TextSpan, SyntaxNode?> locate)
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || context.CodeActionEquivalenceKey is not { } key)
        {
            return null;
        }

        var marks = new Dictionary<SyntaxNode, List<SyntaxAnnotation>>();
        var work = new List<(SyntaxAnnotation Primary, SyntaxAnnotation? Additional, Diagnostic Diagnostic)>();
        var ordered = firstInTextFirst
            ? diagnostics.OrderBy(d => d.Location.SourceSpan.Start)
            : diagnostics.OrderByDescending(d => d.Location.SourceSpan.Start);
        foreach (var diagnostic in ordered)
        {
            var primary = Mark(locate(root, diagnostic.Location.SourceSpan), marks);
            var additional = diagnostic.AdditionalLocations.FirstOrDefault() is { } location ? Mark(locate(root, location.SourceSpan), marks) : null;
            if (primary is not null)
            {
                work.Add((primary, additional, diagnostic));
            }
        }

        document = document.WithSyntaxRoot(root.ReplaceNodes(marks.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(marks[original])));
        foreach (var (primary, additional, diagnostic) in work)
        {
            // A node an earlier fix replaced has lost its mark: that diagnostic is gone with it.
            var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (model?.SyntaxTree.GetRoot(context.CancellationToken) is { } current &&
                current.GetAnnotatedNodes(primary).FirstOrDefault() is { } node &&
                await fix(document, model, node, additional is null ? null : current.GetAnnotatedNodes(additional).FirstOrDefault(), diagnostic, key, context.CancellationToken)
                    .ConfigureAwait(false) is { } fixedDocument)
            {
                document = fixedDocument;
            }
        }

        return document;
    }

    private static SyntaxAnnotation? Mark(SyntaxNode? node, Dictionary<SyntaxNode, List<SyntaxAnnotation>> marks)
    {
        if (node is null)
        {
            return null;
        }

        var annotation = new SyntaxAnnotation();
        if (!marks.TryGetValue(node, out var list))
        {
            marks[node] = list = new List<SyntaxAnnotation>();
        }

        list.Add(annotation);
        return annotation;
    }
}
