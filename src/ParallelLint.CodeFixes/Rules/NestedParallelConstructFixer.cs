using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;
using ParallelLint.Analyzers;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes
{
    /// <summary>
    /// PL1001's fixes: make the inner level sequential (first, so that <c>dotnet format</c> applies it), or bound
    /// both levels within the available cores. A fix is offered only when its result compiles.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NestedParallelConstructFixer)), Shared]
    public sealed class NestedParallelConstructFixer : CodeFixProvider
    {
        internal const string MakeInnerSequential = "PL1001.MakeInnerSequential";
        internal const string BoundBothLevels = "PL1001.BoundBothLevels";

        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.NestedParallelConstruct);

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

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

        /// <summary>
        /// Applies one fix per diagnostic, innermost first, each on the document the previous ones left: nested
        /// diagnostics overlap, so their edits cannot be merged as independent text changes.
        /// </summary>
        private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || context.CodeActionEquivalenceKey is not { } key)
            {
                return null;
            }

            // Mark every construct node so that it can be found again after the edits before it.
            var marks = new Dictionary<SyntaxNode, List<SyntaxAnnotation>>();
            var work = new List<(SyntaxAnnotation Inner, SyntaxAnnotation? Outer, int Levels)>();
            foreach (var diagnostic in diagnostics.OrderByDescending(d => d.Location.SourceSpan.Start))
            {
                var inner = Mark(root, diagnostic.Location.SourceSpan, marks);
                var outer = diagnostic.AdditionalLocations.FirstOrDefault() is { } location ? Mark(root, location.SourceSpan, marks) : null;
                if (inner is not null)
                {
                    work.Add((inner, outer, Levels(diagnostic)));
                }
            }

            root = root.ReplaceNodes(marks.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(marks[original]));
            document = document.WithSyntaxRoot(root);
            foreach (var (inner, outer, levels) in work)
            {
                var current = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
                var innerSpan = current?.GetAnnotatedNodes(inner).FirstOrDefault()?.Span;
                var outerSpan = outer is null ? null : current?.GetAnnotatedNodes(outer).FirstOrDefault()?.Span;
                if (innerSpan is { } span &&
                    await FixAsync(document, key, span, outerSpan, levels, context.CancellationToken).ConfigureAwait(false) is { } fixedDocument)
                {
                    document = fixedDocument;
                }
            }

            return document;
        }

        private static async Task<Document?> FixAsync(Document document, string key, TextSpan innerSpan, TextSpan? outerSpan, int levels, CancellationToken cancellation)
        {
            var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return null;
            }

            var constructs = new ParallelConstructs(new KnownTypes(model.Compilation));
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

            var fixedDocument = await CleanUpAsync(document.WithSyntaxRoot(fixedRoot), cancellation).ConfigureAwait(false);
            return await AddsErrorsAsync(model, fixedDocument, cancellation).ConfigureAwait(false) ? null : fixedDocument;
        }

        /// <summary>The construct whose call or creation the span marks (the diagnostic's location convention).</summary>
        private static ParallelConstruct? Construct(SyntaxNode root, SemanticModel model, TextSpan span, ParallelConstructs constructs, CancellationToken cancellation)
        {
            return ConstructNode(root, span) is { } node &&
                   model.GetOperation(node, cancellation) is { } operation &&
                   constructs.Recognize(operation) is { } construct &&
                   construct.Operation.Syntax == node
                ? construct
                : null;
        }

        /// <summary>The call or creation a diagnostic span marks: the called member or created type lies inside it.</summary>
        private static SyntaxNode? ConstructNode(SyntaxNode root, TextSpan span) =>
            root.FullSpan.Contains(span)
                ? root.FindNode(span, getInnermostNodeForTie: true)
                    .AncestorsAndSelf()
                    .FirstOrDefault(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax)
                : null;

        /// <summary>Imports, simplified names and formatting where the rewrite marked them, done here so that every host sees the same result.</summary>
        private static async Task<Document> CleanUpAsync(Document document, CancellationToken cancellation)
        {
            document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellation).ConfigureAwait(false);
            document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellation).ConfigureAwait(false);
            return await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: cancellation).ConfigureAwait(false);
        }

        /// <summary>A fix that leaves more compiler errors than it found is withdrawn rather than offered.</summary>
        private static async Task<bool> AddsErrorsAsync(SemanticModel before, Document after, CancellationToken cancellation)
        {
            var model = await after.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
            return model is null || Errors(model, cancellation) > Errors(before, cancellation);
        }

        private static int Errors(SemanticModel model, CancellationToken cancellation) =>
            model.GetDiagnostics(cancellationToken: cancellation).Count(d => d.Severity == DiagnosticSeverity.Error);

        private static SyntaxAnnotation? Mark(SyntaxNode root, TextSpan span, Dictionary<SyntaxNode, List<SyntaxAnnotation>> marks)
        {
            if (ConstructNode(root, span) is not { } node)
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

        private static int Levels(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(NestedParallelConstructAnalyzer.LevelsProperty, out var value) &&
            int.TryParse(value, out var levels) ? levels : 0;
    }
}
