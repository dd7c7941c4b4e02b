using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL3002's fix: the copy made once, in a local declared just before the statement that runs the loop (or the
/// parallel or LINQ call), and the body reads that local. Offered only where that statement sits in a block, a
/// switch section or the top-level statements.
/// </summary>
/// <remarks>
/// A copy equal to one already hoisted just above the same statement (and only read) reuses that local instead of
/// adding another, whether the copies are fixed one by one or all at once.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LoopInvariantCopyFixer))]
public sealed class LoopInvariantCopyFixer : RewriteFixer
{
    internal const string EquivalenceKey = "PL3002.Hoist";

    /// <summary>The fix for LoopInvariantCopy's diagnostics.</summary>
    public LoopInvariantCopyFixer()
        : base(RuleIds.LoopInvariantCopy, new Fix(EquivalenceKey, "Hoist the copy above the loop"))
    {
    }

    // First in the text first, as fixing one at a time would: a later copy may reuse a local an earlier fix hoisted.
    private protected override bool FirstInTextFirst => true;

    /// <inheritdoc/>
    private protected override Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation) =>
        finding.CompleteAsync(Hoist(finding.Root, finding.Model, finding.Node, BaseName(finding), cancellation), cancellation);

    private static SyntaxNode? Hoist(SyntaxNode root, SemanticModel model, SyntaxNode node, string baseName, CancellationToken cancellation)
    {
        if (node is not ExpressionSyntax copy || model.GetOperation(copy, cancellation) is not { } operation)
        {
            return null;
        }

        // The statement that runs the loop: the loop itself, or the statement holding the per-item lambda.
        var constructs = new ParallelConstructs(KnownTypes.Of(model.Compilation));
        var body = PerItemBody.Of(operation, constructs);
        var statement = body?.Kind == PerItemBodyKind.LocalFunction ? null : body?.Scope.Syntax switch
        {
            StatementSyntax loop => loop,
            { } lambda => lambda.FirstAncestorOrSelf<StatementSyntax>(),
            null => null,
        };
        if (statement?.Parent is not (BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax) || ChangedByStatement(model, statement, operation, cancellation))
        {
            return null;
        }

        var anchor = statement.Parent is GlobalStatementSyntax global ? (SyntaxNode)global : statement;
        var hoisted = Hoisted(model, anchor, copy, cancellation);
        var name = hoisted ?? Names.Unique(baseName, model, statement.SpanStart, Names.EnclosingMember(statement, cancellation));
        var rewritten = statement.ReplaceNode(copy, IdentifierName(name).WithTriviaFrom(copy));
        if (hoisted is not null)
        {
            return root.ReplaceNode(statement, rewritten);
        }

        var (declaration, kept) = Declaration(name, copy, rewritten, NewLine(root, statement));
        return anchor is GlobalStatementSyntax globalStatement
            ? root.ReplaceNode(globalStatement, new SyntaxNode[] { GlobalStatement(declaration), globalStatement.WithStatement(kept) })
            : root.ReplaceNode(statement, new SyntaxNode[] { declaration, kept });
    }

    /// <summary>
    /// True when the statement changes the copied data outside the per-item lambda (<c>Prepare(data).Select(x =&gt;
    /// data.ToArray())</c>): made before the statement, the copy would miss that change.
    /// </summary>
    private static bool ChangedByStatement(SemanticModel model, StatementSyntax statement, IOperation copy, CancellationToken cancellation)
    {
        if (model.GetOperation(statement, cancellation) is not { } whole)
        {
            return true;
        }

        foreach (var part in copy.DescendantsAndSelf())
        {
            var symbol = Uses.Referenced(part);
            if (symbol is not null && !PerItemBody.DeclaredWithin(symbol, statement) && !Uses.Of(model.Compilation).OnlyReads(symbol, whole))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>var name = copy;</c>, above the statement: blank lines and indentation move up with it, comments stay with
    /// the loop they describe.
    /// </summary>
    private static (LocalDeclarationStatementSyntax Declaration, StatementSyntax Statement) Declaration(
        string name, ExpressionSyntax copy, StatementSyntax statement, SyntaxTrivia newLine)
    {
        var leading = statement.GetLeadingTrivia();
        var indentation = leading.LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
        var hasComments = leading.Any(t => !t.IsKind(SyntaxKind.WhitespaceTrivia) && !t.IsKind(SyntaxKind.EndOfLineTrivia));
        var declaration = LocalDeclarationStatement(
                VariableDeclaration(IdentifierName("var"))
                    .AddVariables(VariableDeclarator(Identifier(name)).WithInitializer(EqualsValueClause(copy.WithoutTrivia()))))
            .WithLeadingTrivia(hasComments ? TriviaList(indentation) : leading)
            .WithTrailingTrivia(newLine)
            .WithAdditionalAnnotations(Formatter.Annotation);
        return (declaration, hasComments ? statement : statement.WithLeadingTrivia(indentation));
    }

    /// <summary>
    /// The local that an earlier fix (or the user) declared for an equal copy among the declarations just above the
    /// statement, if every declaration in between only copies and the local is only read: the same value serves both.
    /// </summary>
    private static string? Hoisted(SemanticModel model, SyntaxNode anchor, ExpressionSyntax copy, CancellationToken cancellation)
    {
        var siblings = anchor.Parent?.ChildNodes().ToList();
        var index = siblings?.IndexOf(anchor) ?? -1;
        for (var i = index - 1; i >= 0; i--)
        {
            var previous = siblings![i] is GlobalStatementSyntax global ? global.Statement : siblings[i];
            if (previous is not LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } ||
                variables[0].Initializer?.Value is not { } value ||
                model.GetOperation(value, cancellation) is not { } initializer ||
                Copies.Of(model.Compilation).Recognize(initializer.WalkDownConversion()) is null)
            {
                return null;
            }

            if (SyntaxFactory.AreEquivalent(value, copy, topLevel: false) &&
                model.GetDeclaredSymbol(variables[0], cancellation) is ILocalSymbol local &&
                Body(model, anchor, cancellation) is { } body &&
                Uses.Of(model.Compilation).OnlyReads(local, body))
            {
                return local.Name;
            }
        }

        return null;
    }

    private static IOperation? Body(SemanticModel model, SyntaxNode anchor, CancellationToken cancellation)
    {
        var operation = model.GetOperation(anchor, cancellation);
        while (operation?.Parent is { } parent)
        {
            operation = parent;
        }

        return operation;
    }

    /// <summary>The document's own line break: the statement's, else the first in the document.</summary>
    private static SyntaxTrivia NewLine(SyntaxNode root, StatementSyntax statement)
    {
        var newLine = statement.GetTrailingTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (!newLine.IsKind(SyntaxKind.EndOfLineTrivia))
        {
            newLine = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        }

        return newLine.IsKind(SyntaxKind.EndOfLineTrivia) ? newLine : ElasticCarriageReturnLineFeed;
    }

    private static string BaseName(Finding finding) =>
        finding.Property(LoopInvariantCopyAnalyzer.NameProperty) is { } name &&
        SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None &&
        SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.None
            ? name
            : "copy";
}
