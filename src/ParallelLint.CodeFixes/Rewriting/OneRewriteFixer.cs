using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.CodeFixes.Rewriting;

/// <summary>
/// A fix that rewrites the code around one diagnostic: computed before it is offered (so it is offered only when it
/// applies and compiles), and applied by Fix All one diagnostic after another on the document as it stands.
/// </summary>
public abstract class OneRewriteFixer : CodeFixProvider
{
    private readonly string title;
    private readonly string equivalenceKey;

    private protected OneRewriteFixer(string diagnosticId, string title, string equivalenceKey)
    {
        FixableDiagnosticIds = ImmutableArray.Create(diagnosticId);
        this.title = title;
        this.equivalenceKey = equivalenceKey;
    }

    /// <inheritdoc/>
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() =>
        SequentialFixAll.Create((document, _, span, _, _, cancellation) => FixAsync(document, span, cancellation));

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (await FixAsync(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false) is { } fixedDocument)
            {
                context.RegisterCodeFix(CodeAction.Create(title, _ => Task.FromResult(fixedDocument), equivalenceKey), diagnostic);
            }
        }
    }

    /// <summary>The document with the diagnostic at <paramref name="span"/> fixed, or null when no fix applies.</summary>
    private protected abstract Task<Document?> FixAsync(Document document, TextSpan span, CancellationToken cancellation);
}
