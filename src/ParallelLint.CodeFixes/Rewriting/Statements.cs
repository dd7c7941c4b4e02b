using Microsoft.CodeAnalysis.Formatting;

namespace ParallelLint.CodeFixes.Rewriting;

/// <summary>Turning a call that runs delegates into the statements those delegates contained.</summary>
internal static class Statements
{
    /// <summary>
    /// Replaces <paramref name="expression"/> (a call used as a statement, or a lambda's expression body) by
    /// <paramref name="statements"/>; null where the expression is used for its value.
    /// </summary>
    public static SyntaxNode? ReplaceExpression(SyntaxNode root, ExpressionSyntax expression, IReadOnlyList<StatementSyntax> statements)
    {
        statements = statements.Select(statement => statement.WithAdditionalAnnotations(Formatter.Annotation)).ToList();
        switch (expression.Parent)
        {
            case ExpressionStatementSyntax statement when statement.Parent is BlockSyntax or SwitchSectionSyntax:
                return root.ReplaceNode(statement, WithTriviaOf(statement, statements));
            case ExpressionStatementSyntax { Parent: GlobalStatementSyntax global } statement:
                return root.ReplaceNode(global, WithTriviaOf(statement, statements).Select(GlobalStatement));
            case ExpressionStatementSyntax statement:
                return root.ReplaceNode(statement, MultiLineBlock(statements).WithTriviaFrom(statement).WithAdditionalAnnotations(Formatter.Annotation));
            case LambdaExpressionSyntax lambda when lambda.ExpressionBody == expression:
                return root.ReplaceNode(
                    lambda,
                    lambda.WithExpressionBody(null).WithBlock(MultiLineBlock(statements)).WithAdditionalAnnotations(Formatter.Annotation));
            default:
                return null;
        }
    }

    /// <summary>
    /// The body of a delegate as a loop body: its block (or expression as a statement) with every <c>return;</c>
    /// of its own level turned into <c>continue;</c>. Null when a return sits in a nested loop, where
    /// <c>continue</c> would continue the wrong loop, or returns a value.
    /// </summary>
    public static BlockSyntax? AsLoopBody(AnonymousFunctionExpressionSyntax function)
    {
        var block = Body(function);
        var returns = OwnReturns(block).ToList();
        if (returns.Any(r => r.Expression is not null || r.Ancestors().TakeWhile(a => a != block).Any(IsLoop)))
        {
            return null;
        }

        return MultiLineBlock(block.ReplaceNodes(returns, (original, _) => ContinueStatement().WithTriviaFrom(original)).Statements);
    }

    /// <summary>The body of a delegate as a block.</summary>
    public static BlockSyntax Body(AnonymousFunctionExpressionSyntax function) =>
        function.Block ?? Block(ExpressionStatement((ExpressionSyntax)function.ExpressionBody!));

    /// <summary>
    /// A block laid out on lines of its own: the formatter keeps a block on one line when its braces are, which
    /// reads badly once a one-line lambda body has become a loop body.
    /// </summary>
    public static BlockSyntax MultiLineBlock(IEnumerable<StatementSyntax> statements) =>
        Block(
            Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(ElasticLineFeed),
            List(statements.Select(statement => statement.WithoutTrailingTrivia().WithTrailingTrivia(ElasticLineFeed))),
            Token(SyntaxKind.CloseBraceToken));

    /// <summary>The return statements that leave this function (not those of functions nested in it).</summary>
    public static IEnumerable<ReturnStatementSyntax> OwnReturns(SyntaxNode body) =>
        body.DescendantNodes(node => node == body || !IsFunction(node)).OfType<ReturnStatementSyntax>();

    private static IEnumerable<StatementSyntax> WithTriviaOf(StatementSyntax original, IReadOnlyList<StatementSyntax> statements) =>
        statements.Select((statement, index) =>
        {
            if (index == 0)
            {
                statement = statement.WithLeadingTrivia(original.GetLeadingTrivia());
            }

            return index == statements.Count - 1 ? statement.WithTrailingTrivia(original.GetTrailingTrivia()) : statement;
        });

    private static bool IsFunction(SyntaxNode node) =>
        node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax;

    private static bool IsLoop(SyntaxNode node) =>
        node is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax;
}
