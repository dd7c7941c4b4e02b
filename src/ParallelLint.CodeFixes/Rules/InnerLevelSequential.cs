using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL1001's first fix: the inner level made sequential (<c>Parallel.For</c> → <c>for</c>, <c>AsParallel()</c>
/// dropped...). Each rewrite returns null where it would change what the code means.
/// </summary>
internal static class InnerLevelSequential
{
    public static SyntaxNode? Rewrite(SyntaxNode root, SemanticModel model, ParallelConstruct inner, ParallelConstructs constructs, CancellationToken cancellation)
    {
        return (inner.Operation, inner.Kind) switch
        {
            (IInvocationOperation call, ConstructKind.ParallelFor) => ForLoop(root, model, call, isAsync: false),
            (IInvocationOperation call, ConstructKind.ParallelForAsync) => ForLoop(root, model, call, isAsync: true),
            (IInvocationOperation call, ConstructKind.ParallelForEach) => ForEachLoop(root, model, call, isAsync: false),
            (IInvocationOperation call, ConstructKind.ParallelForEachAsync) => ForEachLoop(root, model, call, isAsync: true),
            (IInvocationOperation call, ConstructKind.ParallelInvoke) => PlainCalls(root, call, constructs.Types),
            (IInvocationOperation call, ConstructKind.Plinq) => SequentialQuery(root, call, constructs),
            (IObjectCreationOperation creation, ConstructKind.DataflowBlock) => DataflowDegreeOne(root, inner),

            // Per-item fan-out has no one-to-one sequential form here: PL2003 rewrites it to a bounded loop.
            _ => null,
        };
    }

    private static SyntaxNode? ForLoop(SyntaxNode root, SemanticModel model, IInvocationOperation call, bool isAsync)
    {
        var from = Delegates.Expression(Delegates.Argument(call, "fromInclusive"));
        var to = Delegates.Expression(Delegates.Argument(call, "toExclusive"));
        var index = call.TargetMethod.Parameters.FirstOrDefault(p => p.Name == "fromInclusive")?.Type;
        if (from is null || to is null || index is null || index.TypeKind == TypeKind.TypeParameter || !Delegates.IsRepeatable(to))
        {
            return null;
        }

        var (body, variable) = LoopBody(model, call, isAsync);
        if (body is null)
        {
            return null;
        }

        var loop = ForStatement(
            VariableDeclaration(
                ParseTypeName(index.ToMinimalDisplayString(model, call.Syntax.SpanStart)),
                SingletonSeparatedList(VariableDeclarator(variable).WithInitializer(EqualsValueClause(from)))),
            default,
            BinaryExpression(SyntaxKind.LessThanExpression, IdentifierName(variable), to),
            SingletonSeparatedList<ExpressionSyntax>(PostfixUnaryExpression(SyntaxKind.PostIncrementExpression, IdentifierName(variable))),
            body);
        return ReplaceCall(root, call, isAsync, loop);
    }

    private static SyntaxNode? ForEachLoop(SyntaxNode root, SemanticModel model, IInvocationOperation call, bool isAsync)
    {
        var sourceArgument = Delegates.Argument(call, "source");
        var source = Delegates.Expression(sourceArgument);
        if (source is null || sourceArgument?.Parameter?.Type is not INamedTypeSymbol { TypeArguments.Length: 1 } sourceType ||
            sourceType.OriginalDefinition.SpecialType != SpecialType.System_Collections_Generic_IEnumerable_T &&
            sourceType.OriginalDefinition.ToDisplayString() != "System.Collections.Generic.IAsyncEnumerable<T>")
        {
            return null;
        }

        var (body, variable) = LoopBody(model, call, isAsync);
        if (body is null)
        {
            return null;
        }

        var awaitsItems = sourceType.OriginalDefinition.SpecialType != SpecialType.System_Collections_Generic_IEnumerable_T;
        var loop = ForEachStatement(IdentifierName("var"), Identifier(variable), source, body);
        if (awaitsItems)
        {
            loop = loop.WithAwaitKeyword(Token(SyntaxKind.AwaitKeyword));
        }

        return ReplaceCall(root, call, isAsync, loop);
    }

    /// <summary>
    /// The body delegate as a loop body and the name of its item parameter. For the async loops, the body's
    /// cancellation token parameter becomes the token the call was given (or none).
    /// </summary>
    private static (BlockSyntax? Body, string Variable) LoopBody(SemanticModel model, IInvocationOperation call, bool isAsync)
    {
        if (call.TargetMethod.Parameters.Any(p => p.Name == "localInit") ||
            Delegates.Function(Delegates.Argument(call, "body"), isAsync ? 2 : 1) is not { } body)
        {
            return (null, "");
        }

        var (function, symbol) = body;

        if (isAsync)
        {
            if (function.AsyncKeyword.IsKind(SyntaxKind.None) || CallsToken(model, call) is not { } token)
            {
                return (null, "");
            }

            var tokenParameter = symbol.Parameters[1];
            var uses = function.Body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
                .Where(name => SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, tokenParameter))
                .ToList();
            if (uses.Count > 0 && !Delegates.IsRepeatable(token))
            {
                return (null, "");
            }

            function = function.ReplaceNodes(uses, (original, _) => token.WithTriviaFrom(original));
        }

        return (Statements.AsLoopBody(function), symbol.Parameters[0].Name);
    }

    /// <summary>The token the async loop observes: its token argument, its options' token, or none.</summary>
    private static ExpressionSyntax? CallsToken(SemanticModel model, IInvocationOperation call)
    {
        var none = ParseExpression("System.Threading.CancellationToken.None").WithAdditionalAnnotations(Simplifier.Annotation);
        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter?.Type.Name == "CancellationToken")
            {
                return Delegates.Expression(argument);
            }

            if (argument.Parameter?.Type.Name == "ParallelOptions")
            {
                return Delegates.Expression(argument) switch
                {
                    BaseObjectCreationExpressionSyntax creation => OptionsValue(creation, "CancellationToken") ?? none,
                    IdentifierNameSyntax options => MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, options, IdentifierName("CancellationToken")),
                    _ => null,
                };
            }
        }

        return none;
    }

    private static SyntaxNode? PlainCalls(SyntaxNode root, IInvocationOperation call, KnownTypes types)
    {
        var statements = new List<StatementSyntax>();
        foreach (var argument in call.Arguments)
        {
            if (KnownTypes.Is(argument.Parameter?.Type, types.ParallelOptions))
            {
                continue;
            }

            // Parallel.Invoke(actions) with an array in hand: its length is not known here.
            if (argument.ArgumentKind != ArgumentKind.ParamArray ||
                argument.Value is not IArrayCreationOperation { Initializer: { } actions })
            {
                return null;
            }

            foreach (var action in actions.ElementValues)
            {
                if (action.WalkDownConversion() is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Syntax: AnonymousFunctionExpressionSyntax function } })
                {
                    // Inlined, a return would leave the enclosing method instead of the action.
                    if (Statements.OwnReturns(Statements.Body(function)).Any())
                    {
                        return null;
                    }

                    var body = Statements.Body(function);
                    statements.Add(body.Statements.Count == 1 ? body.Statements[0] : Statements.MultiLineBlock(body.Statements));
                }
                else if (action.Syntax is ExpressionSyntax callable)
                {
                    statements.Add(ExpressionStatement(InvocationExpression(callable.WithoutTrivia())));
                }
                else
                {
                    return null;
                }
            }
        }

        return call.Syntax is ExpressionSyntax expression ? Statements.ReplaceExpression(root, expression, statements) : null;
    }

    private static SyntaxNode? SequentialQuery(SyntaxNode root, IInvocationOperation anchor, ParallelConstructs constructs)
    {
        var chain = constructs.PlinqChain(anchor).ToList();
        if (chain.Any(op => op.TargetMethod.Name == "ForAll"))
        {
            return null;
        }

        // The result must not be needed as a ParallelQuery, unless a foreach just enumerates it.
        var top = chain[chain.Count - 1];
        if (top.Type?.Name is "ParallelQuery" or "OrderedParallelQuery" && top.Parent is not IForEachLoopOperation)
        {
            return null;
        }

        var parallelOnly = chain
            .Where(op => op.TargetMethod.Name is "AsParallel" or "WithDegreeOfParallelism" or "WithCancellation" or "WithExecutionMode" or
                "WithMergeOptions" or "AsOrdered" or "AsUnordered" or "AsSequential" or "AsEnumerable")
            .Select(op => op.Syntax)
            .ToList();
        if (parallelOnly.Any(node => node is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax }))
        {
            return null;
        }

        return root.ReplaceNodes(
            parallelOnly,
            (_, rewritten) => ((MemberAccessExpressionSyntax)((InvocationExpressionSyntax)rewritten).Expression).Expression
                .WithTrailingTrivia(rewritten.GetTrailingTrivia()));
    }

    private static SyntaxNode? DataflowDegreeOne(SyntaxNode root, ParallelConstruct block) =>
        block.DegreeSource?.Syntax is BaseObjectCreationExpressionSyntax options
            ? root.ReplaceNode(options, Options.WithMaxDegree(options, LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(1))))
            : null;

    private static SyntaxNode? ReplaceCall(SyntaxNode root, IInvocationOperation call, bool isAsync, StatementSyntax loop)
    {
        ExpressionSyntax? expression = isAsync ? call.Syntax.Parent as AwaitExpressionSyntax : call.Syntax as ExpressionSyntax;
        return expression is null ? null : Statements.ReplaceExpression(root, expression, new[] { loop });
    }

    private static ExpressionSyntax? OptionsValue(BaseObjectCreationExpressionSyntax creation, string property) =>
        creation.Initializer?.Expressions.OfType<AssignmentExpressionSyntax>()
            .FirstOrDefault(a => a.Left is IdentifierNameSyntax { Identifier.ValueText: var name } && name == property)?.Right;
}
