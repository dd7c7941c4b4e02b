using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL2006's fix, for the accumulation shape only: <c>Parallel.For(a, b, i => { lock (gate) { total += F(i); } })</c>
/// (or <c>Parallel.ForEach</c>, with or without <c>ParallelOptions</c>) becomes a thread-local subtotal,
/// <c>Parallel.For(a, b, () => 0.0, (i, state, subtotal) => subtotal + F(i), subtotal => { lock (gate) { total += subtotal; } })</c>:
/// the lock is taken once per worker instead of once per item. Offered only where the result compiles.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BodySerializedByLockFixer))]
public sealed class BodySerializedByLockFixer : RewriteFixer
{
    internal const string Key = "PL2006.ThreadLocalAccumulation";

    /// <summary>The fix for BodySerializedByLock's diagnostics.</summary>
    public BodySerializedByLockFixer()
        : base(RuleIds.BodySerializedByLock, new Fix(Key, "Accumulate per thread, combine under the lock once per worker"))
    {
    }

    /// <inheritdoc/>
    /// <remarks>The diagnostic marks the lock; its additional location, the parallel call that is rewritten.</remarks>
    private protected override Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation) =>
        finding.CompleteAsync(finding.Additional is InvocationExpressionSyntax call ? Rewrite(finding.Root, finding.Model, call, cancellation) : null, cancellation);

    private static SyntaxNode? Rewrite(SyntaxNode root, SemanticModel model, InvocationExpressionSyntax call, CancellationToken cancellation)
    {
        if (model.GetSymbolInfo(call, cancellation).Symbol is not IMethodSymbol { Name: "For" or "ForEach" } method ||
            !KnownTypes.Is(method.ContainingType, KnownTypes.Of(model.Compilation).Parallel) ||
            call.ArgumentList.Arguments.Count is not (2 or 3 or 4) ||
            call.ArgumentList.Arguments.Last() is not { NameColon: null, Expression: LambdaExpressionSyntax body } ||
            ItemName(body) is not { } item ||
            body.Block is not { Statements.Count: 1 } block || block.Statements[0] is not LockStatementSyntax @lock ||
            Accumulation(@lock.Statement) is not { } accumulation ||
            model.GetTypeInfo(accumulation.Total, cancellation).Type is not { } type ||
            Zero(type.SpecialType) is not { } zero ||
            !IsSharedTotal(model.GetSymbolInfo(accumulation.Total, cancellation).Symbol, accumulation.Total, body) ||
            !IsSafeOutsideTheLock(model, accumulation, body, cancellation))
        {
            return null;
        }

        // Names that nothing in scope or in the body uses.
        var taken = model.LookupSymbols(body.SpanStart).Select(symbol => symbol.Name)
            .Concat(body.DescendantTokens().Where(token => token.IsKind(SyntaxKind.IdentifierToken)).Select(token => token.ValueText))
            .ToImmutableHashSet();
        var state = Fresh("state", taken);
        var subtotal = Fresh("subtotal", taken);

        // Written as text, on one line like the original body.
        var term = accumulation.Term.WithoutTrivia().ToString();
        var init = ParseExpression("() => " + zero);
        var step = ParseExpression($"({item}, {state}, {subtotal}) => {subtotal} + {(NeedsParentheses(accumulation.Term) ? "(" + term + ")" : term)}");
        var combine = ParseExpression($"{subtotal} => {{ lock ({@lock.Expression.WithoutTrivia()}) {{ {accumulation.Total.WithoutTrivia()} += {subtotal}; }} }}");

        var arguments = call.ArgumentList.Arguments.RemoveAt(call.ArgumentList.Arguments.Count - 1)
            .AddRange(new[] { Argument(init), Argument(step), Argument(combine) });
        var rewritten = call.WithArgumentList(call.ArgumentList.WithArguments(
            SeparatedList(arguments, Enumerable.Repeat(Token(SyntaxKind.CommaToken).WithTrailingTrivia(Space), arguments.Count - 1))));
        return root.ReplaceNode(call, rewritten);
    }

    /// <summary>The total is one variable for every iteration: a field (static or of <c>this</c>), or a local or parameter from outside.</summary>
    private static bool IsSharedTotal(ISymbol? symbol, ExpressionSyntax total, LambdaExpressionSyntax body) =>
        symbol switch
        {
            IFieldSymbol { IsConst: false } => total is IdentifierNameSyntax || total is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } ||
                (symbol.IsStatic && total is MemberAccessExpressionSyntax),
            ILocalSymbol or IParameterSymbol => total is IdentifierNameSyntax && !Inside(symbol, body),
            _ => false,
        };

    /// <summary>
    /// The term moves out of the lock: not when it reads the total, nor when it calls members of variables from
    /// outside the body (a shared <c>Random</c> or list that the lock may protect as well).
    /// </summary>
    private static bool IsSafeOutsideTheLock(SemanticModel model, (ExpressionSyntax Total, ExpressionSyntax Term) accumulation, LambdaExpressionSyntax body, CancellationToken cancellation)
    {
        var total = model.GetSymbolInfo(accumulation.Total, cancellation).Symbol;
        foreach (var name in accumulation.Term.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
        {
            var symbol = model.GetSymbolInfo(name, cancellation).Symbol;
            if (SymbolEqualityComparer.Default.Equals(symbol, total))
            {
                return false;
            }

            var outside = symbol is IFieldSymbol { IsConst: false } || (symbol is ILocalSymbol or IParameterSymbol && !Inside(symbol, body));
            if (outside && name.Parent is MemberAccessExpressionSyntax access && access.Expression == name)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Inside(ISymbol symbol, SyntaxNode node) =>
        symbol.DeclaringSyntaxReferences.Any(reference => reference.SyntaxTree == node.SyntaxTree && node.Span.Contains(reference.Span));

    private static string? ItemName(LambdaExpressionSyntax lambda) => lambda switch
    {
        SimpleLambdaExpressionSyntax simple => simple.Parameter.Identifier.ValueText,
        ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters: { Count: 1 } parameters } when parameters[0].Type is null => parameters[0].Identifier.ValueText,
        _ => null,
    };

    /// <summary><c>total += term</c> or <c>total = total + term</c>, alone in the lock, on a local or field.</summary>
    private static (ExpressionSyntax Total, ExpressionSyntax Term)? Accumulation(StatementSyntax statement)
    {
        if (statement is BlockSyntax { Statements.Count: 1 } block)
        {
            statement = block.Statements[0];
        }

        return statement is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment } && IsVariable(assignment.Left)
            ? assignment switch
            {
                { RawKind: (int)SyntaxKind.AddAssignmentExpression } => (assignment.Left, assignment.Right),
                { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Right: BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } sum }
                    when SyntaxFactory.AreEquivalent(sum.Left, assignment.Left) => (assignment.Left, sum.Right),
                _ => null,
            }
            : null;
    }

    private static bool IsVariable(ExpressionSyntax expression) =>
        expression is IdentifierNameSyntax or MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or IdentifierNameSyntax, Name: IdentifierNameSyntax };

    private static string? Zero(SpecialType type) => type switch
    {
        SpecialType.System_Int32 => "0",
        SpecialType.System_Int64 => "0L",
        SpecialType.System_Single => "0f",
        SpecialType.System_Double => "0.0",
        SpecialType.System_Decimal => "0m",
        _ => null,
    };

    /// <summary>
    /// <c>subtotal + term</c> groups as <c>subtotal + (term)</c> unless the term binds tighter than <c>+</c>; an added
    /// sum keeps its parentheses, so that floating-point terms are added as the original added them.
    /// </summary>
    private static bool NeedsParentheses(ExpressionSyntax term) => term switch
    {
        BinaryExpressionSyntax binary => !binary.IsKind(SyntaxKind.MultiplyExpression) && !binary.IsKind(SyntaxKind.DivideExpression) &&
                                         !binary.IsKind(SyntaxKind.ModuloExpression),
        IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax or
            LiteralExpressionSyntax or ParenthesizedExpressionSyntax or CastExpressionSyntax or PrefixUnaryExpressionSyntax => false,
        _ => true,
    };

    private static string Fresh(string name, ImmutableHashSet<string> taken)
    {
        var candidate = name;
        for (var i = 2; taken.Contains(candidate); i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
