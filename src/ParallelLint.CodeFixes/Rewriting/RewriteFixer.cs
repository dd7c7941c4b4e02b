using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.CodeFixes.Rewriting;

/// <summary>
/// The base of every fixer: the rule it fixes, the fixes it offers for each diagnostic, and how a fix rewrites the
/// code (<see cref="FixAsync"/>), which is all a fixer writes. A fix is computed before it is offered, so it is offered
/// only when it applies and compiles; Fix All applies it one diagnostic after another (<see cref="SequentialFixAll"/>).
/// </summary>
public abstract class RewriteFixer : CodeFixProvider
{
    private readonly ImmutableArray<Fix> fixes;

    private protected RewriteFixer(string diagnosticId, params Fix[] fixes)
    {
        FixableDiagnosticIds = ImmutableArray.Create(diagnosticId);
        this.fixes = fixes.ToImmutableArray();
    }

    /// <inheritdoc/>
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <summary>The document with <paramref name="finding"/> fixed by the fix of <paramref name="equivalenceKey"/>, or null when that fix does not apply.</summary>
    private protected abstract Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation);

    /// <summary>
    /// Fix All's order: last in the text first, unless a fix reuses what an earlier one inserted above it, which then
    /// must come first, as fixing one at a time would.
    /// </summary>
    private protected virtual bool FirstInTextFirst => false;

    /// <summary>
    /// The node a diagnostic's location (and additional location) marks: by default the call, creation or operator
    /// it lies in, where the rules put their locations (the called member or created type lies inside it).
    /// </summary>
    private protected virtual SyntaxNode? Locate(SyntaxNode root, TextSpan span) =>
        root.FullSpan.Contains(span)
            ? root.FindNode(span, getInnermostNodeForTie: true)
                .AncestorsAndSelf()
                .FirstOrDefault(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax or BinaryExpressionSyntax)
            : null;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        var root = model?.SyntaxTree.GetRoot(context.CancellationToken);
        if (model is null || root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Locate(root, diagnostic.Location.SourceSpan) is not { } node)
            {
                continue;
            }

            var additional = diagnostic.AdditionalLocations.FirstOrDefault() is { } location ? Locate(root, location.SourceSpan) : null;
            var finding = new Finding(context.Document, model, diagnostic, node, additional);
            foreach (var fix in fixes)
            {
                if (await FixAsync(finding, fix.EquivalenceKey, context.CancellationToken).ConfigureAwait(false) is { } fixedDocument)
                {
                    context.RegisterCodeFix(CodeAction.Create(fix.Title(finding), _ => Task.FromResult(fixedDocument), fix.EquivalenceKey), diagnostic);
                }
            }
        }
    }

    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() =>
        SequentialFixAll.Create(
            (document, model, node, additional, diagnostic, equivalenceKey, cancellation) =>
                FixAsync(new Finding(document, model, diagnostic, node, additional), equivalenceKey, cancellation),
            Locate,
            FirstInTextFirst);

    /// <summary>One fix a fixer offers: the equivalence key Fix All goes by, and the title, which may depend on the finding.</summary>
    private protected sealed class Fix
    {
        public Fix(string equivalenceKey, string title)
            : this(equivalenceKey, _ => title)
        {
        }

        /// <param name="equivalenceKey">The key Fix All goes by.</param>
        /// <param name="title">The title, from the diagnostic's properties or the code, never from its message (translated, reworded).</param>
        public Fix(string equivalenceKey, Func<Finding, string> title)
        {
            EquivalenceKey = equivalenceKey;
            Title = title;
        }

        public string EquivalenceKey { get; }

        public Func<Finding, string> Title { get; }
    }

    /// <summary>
    /// A diagnostic to fix, in the document as it now stands (Fix All moves it as earlier fixes edit the document).
    /// Its facts are its properties: its message is for people, translated and reworded, and stays out of reach.
    /// </summary>
    private protected sealed class Finding
    {
        private readonly Document document;
        private readonly Diagnostic diagnostic;

        public Finding(Document document, SemanticModel model, Diagnostic diagnostic, SyntaxNode node, SyntaxNode? additional)
        {
            this.document = document;
            this.diagnostic = diagnostic;
            Model = model;
            Node = node;
            Additional = additional;
        }

        public SemanticModel Model { get; }

        /// <summary>The document's root, which <see cref="Node"/> and <see cref="Additional"/> belong to.</summary>
        public SyntaxNode Root => Model.SyntaxTree.GetRoot();

        /// <summary>What the diagnostic's location marks (<see cref="Locate"/>).</summary>
        public SyntaxNode Node { get; }

        /// <summary>What its first additional location marks, if it has one.</summary>
        public SyntaxNode? Additional { get; }

        /// <summary>The diagnostic's property <paramref name="name"/>, null when it has none.</summary>
        public string? Property(string name) => diagnostic.Properties.TryGetValue(name, out var value) ? value : null;

        /// <summary>The document with <paramref name="fixedRoot"/>, completed (<see cref="FixedDocument.CompleteAsync"/>); null for no root or a fix that does not compile.</summary>
        public async Task<Document?> CompleteAsync(SyntaxNode? fixedRoot, CancellationToken cancellation) =>
            fixedRoot is null ? null : await FixedDocument.CompleteAsync(Model, document.WithSyntaxRoot(fixedRoot), cancellation).ConfigureAwait(false);
    }
}
