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
    /// <summary>Fixes one diagnostic, given the spans of its primary and (if any) additional location.</summary>
    public delegate Task<Document?> FixOne(Document document, string equivalenceKey, TextSpan primary, TextSpan? additional, Diagnostic diagnostic, CancellationToken cancellation);

    /// <summary>The provider; <paramref name="locate"/> finds the node a span marks (<see cref="ConstructNode"/> by default).</summary>
    public static FixAllProvider Create(FixOne fix, bool firstInTextFirst = false, Func<SyntaxNode, TextSpan, SyntaxNode?>? locate = null) =>
        FixAllProvider.Create((context, document, diagnostics) => FixAllAsync(context, document, diagnostics, fix, firstInTextFirst, locate ?? ConstructNode));

    /// <summary>The call, creation or operator a diagnostic span marks: the called member or created type lies inside it.</summary>
    public static SyntaxNode? ConstructNode(SyntaxNode root, TextSpan span) =>
        root.FullSpan.Contains(span)
            ? root.FindNode(span, getInnermostNodeForTie: true)
                .AncestorsAndSelf()
                .FirstOrDefault(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax or BinaryExpressionSyntax)
            : null;

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
            var current = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var primarySpan = current?.GetAnnotatedNodes(primary).FirstOrDefault()?.Span;
            var additionalSpan = additional is null ? null : current?.GetAnnotatedNodes(additional).FirstOrDefault()?.Span;
            if (primarySpan is { } span &&
                await fix(document, key, span, additionalSpan, diagnostic, context.CancellationToken).ConfigureAwait(false) is { } fixedDocument)
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
