using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL2004's fix, inside an async function only: <c>Parallel.ForEach</c> → <c>await Parallel.ForEachAsync</c>,
/// <c>Parallel.For</c> → <c>await Parallel.ForAsync</c> (where the framework has it), the body given the loop's
/// cancellation token (passed on to the awaited calls that take one, where that compiles), and
/// <c>Parallel.Invoke</c> of parameterless async lambdas → <c>await Task.WhenAll(Task.Run(..), ..)</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsyncDelegateToParallelLoopFixer))]
public sealed class AsyncDelegateToParallelLoopFixer : RewriteFixer
{
    internal const string EquivalenceKey = "PL2004.AwaitAsyncLoop";

    private const string TokenName = "cancellationToken";

    /// <summary>The fix for AsyncDelegateToParallelLoop's diagnostics.</summary>
    public AsyncDelegateToParallelLoopFixer()
        : base(RuleIds.AsyncDelegateToParallelLoop, new Fix(EquivalenceKey, finding =>
            finding.Property(AsyncDelegateToParallelLoopAnalyzer.ConstructProperty) == AsyncDelegateToParallelLoopAnalyzer.Invoke
                ? "Await Task.WhenAll of the async delegates"
                : "Await the async parallel loop"))
    {
    }

    /// <inheritdoc/>
    private protected override async Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation)
    {
        var model = finding.Model;
        if (finding.Node is not InvocationExpressionSyntax { Parent: ExpressionStatementSyntax } node ||
            model.GetOperation(node, cancellation) is not IInvocationOperation invocation ||
            !KnownTypes.Is(invocation.TargetMethod.ContainingType, KnownTypes.Of(model.Compilation).Parallel) ||
            !Names.IsInAsyncFunction(node) ||
            node.ArgumentList.Arguments.Any(argument => argument.NameColon is not null))
        {
            return null;
        }

        // With the token passed on to the awaited calls first; where that does not compile, the bodies unchanged.
        foreach (var threadToken in new[] { true, false })
        {
            var rewritten = invocation.TargetMethod.Name switch
            {
                "ForEach" => AsyncLoop(model, node, invocation, "ForEachAsync", threadToken, cancellation),
                "For" when KnownTypes.Of(model.Compilation).Parallel!.GetMembers("ForAsync").Any() =>
                    AsyncLoop(model, node, invocation, "ForAsync", threadToken, cancellation),
                "Invoke" => WhenAll(node, invocation),
                _ => null,
            };
            if (rewritten is null)
            {
                return null;
            }

            var awaited = AwaitExpression(Token(SyntaxKind.AwaitKeyword).WithTrailingTrivia(Space), rewritten.WithoutTrivia()).WithTriviaFrom(node);
            if (await finding.CompleteAsync(finding.Root.ReplaceNode(node, awaited), cancellation).ConfigureAwait(false) is { } fixedDocument)
            {
                return fixedDocument;
            }

            if (invocation.TargetMethod.Name == "Invoke")
            {
                break;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>Parallel.ForEach(source, [options,] async x => body)</c> as <c>Parallel.ForEachAsync(source, [options,] async (x, token) => body)</c>,
    /// and the same for <c>For</c>/<c>ForAsync</c>. Null for the overloads with loop state, thread-local state or a partitioner.
    /// </summary>
    private static InvocationExpressionSyntax? AsyncLoop(
        SemanticModel model, InvocationExpressionSyntax node, IInvocationOperation invocation, string asyncName, bool threadToken, CancellationToken cancellation)
    {
        var parameters = invocation.TargetMethod.Parameters.Select(parameter => parameter.Name).ToArray();
        var expected = asyncName == "ForEachAsync" ? new[] { "source", "body" } : new[] { "fromInclusive", "toExclusive", "body" };
        var withOptions = expected.Take(expected.Length - 1).Concat(new[] { "parallelOptions", "body" });
        if ((!parameters.SequenceEqual(expected) && !parameters.SequenceEqual(withOptions)) ||
            Delegates.Function(Delegates.Argument(invocation, "body"), 1) is not { } body ||
            !body.Symbol.IsAsync ||
            body.Syntax.Parent is not ArgumentSyntax)
        {
            return null;
        }

        var token = Names.Unique(TokenName, model, body.Syntax.SpanStart, body.Syntax, firstSuffix: 1);
        var function = threadToken ? PassToken(model, body.Syntax, token, cancellation) : body.Syntax;
        var lambda = WithToken(function, token);
        if (lambda is null)
        {
            return null;
        }

        ExpressionSyntax? expression = node.Expression switch
        {
            MemberAccessExpressionSyntax access => access.WithName(Renamed(access.Name, asyncName)),
            SimpleNameSyntax name => Renamed(name, asyncName),
            _ => null,
        };
        if (expression is null)
        {
            return null;
        }

        var bodyArgument = (ArgumentSyntax)body.Syntax.Parent;
        return node
            .ReplaceNode(bodyArgument, bodyArgument.WithExpression(lambda))
            .WithExpression(expression);
    }

    private static SimpleNameSyntax Renamed(SimpleNameSyntax name, string newName) =>
        name.WithIdentifier(Identifier(newName).WithTriviaFrom(name.Identifier));

    /// <summary>The function with a second parameter, the loop's cancellation token.</summary>
    private static ExpressionSyntax? WithToken(AnonymousFunctionExpressionSyntax function, string token)
    {
        var typedToken = Parameter(Identifier(token))
            .WithType(ParseTypeName("System.Threading.CancellationToken").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
        switch (function)
        {
            case SimpleLambdaExpressionSyntax simple:
                return ParenthesizedLambdaExpression(
                        simple.AsyncKeyword,
                        ParameterList(SeparatedList(new[] { simple.Parameter.WithoutTrivia(), Parameter(Identifier(token)) })).WithAdditionalAnnotations(Formatter.Annotation),
                        simple.ArrowToken,
                        simple.Block,
                        simple.ExpressionBody)
                    .WithTriviaFrom(simple);
            case ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized:
                return parenthesized.WithParameterList(
                    parenthesized.ParameterList.AddParameters(parenthesized.ParameterList.Parameters[0].Type is null ? Parameter(Identifier(token)) : typedToken)
                        .WithAdditionalAnnotations(Formatter.Annotation));
            case AnonymousMethodExpressionSyntax { ParameterList.Parameters.Count: 1 } method:
                return method.WithParameterList(method.ParameterList!.AddParameters(typedToken).WithAdditionalAnnotations(Formatter.Annotation));
            default:
                return null;
        }
    }

    /// <summary>
    /// The function with <paramref name="token"/> passed to each call it awaits itself whose method takes a token
    /// last (left to its default) or has an overload that does; the compile check of the whole fix decides.
    /// </summary>
    private static AnonymousFunctionExpressionSyntax PassToken(SemanticModel model, AnonymousFunctionExpressionSyntax function, string token, CancellationToken cancellation)
    {
        var tokenType = KnownTypes.Of(model.Compilation).CancellationToken;
        var edits = new Dictionary<InvocationExpressionSyntax, ArgumentSyntax>();
        foreach (var awaitExpression in function.Body.DescendantNodesAndSelf(node => node == function.Body || node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                     .OfType<AwaitExpressionSyntax>())
        {
            var awaited = awaitExpression.Expression;
            if (awaited is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: var configured } })
            {
                awaited = configured;
            }

            if (awaited is InvocationExpressionSyntax call &&
                model.GetOperation(call, cancellation) is IInvocationOperation operation &&
                TokenArgument(operation, tokenType, token) is { } argument)
            {
                edits[call] = argument;
            }
        }

        return function.ReplaceNodes(edits.Keys, (original, rewritten) => rewritten.AddArgumentListArguments(edits[original]));
    }

    private static ArgumentSyntax? TokenArgument(IInvocationOperation call, ITypeSymbol? tokenType, string token)
    {
        var method = call.TargetMethod;
        if (tokenType is null || call.Arguments.Any(argument => argument.ArgumentKind == ArgumentKind.ParamArray))
        {
            return null;
        }

        // A token parameter already there, left to its default: pass it by name, after whatever else is left out.
        if (method.Parameters.LastOrDefault() is { } last && KnownTypes.Is(last.Type, tokenType))
        {
            if (!call.Arguments.Any(argument => argument.Parameter?.Ordinal == last.Ordinal && argument.ArgumentKind == ArgumentKind.DefaultValue))
            {
                return null;
            }

            // Positional when every parameter before it is given in order; named when some optional one is left out.
            var inOrder = call.Arguments.Count(argument => argument.ArgumentKind == ArgumentKind.Explicit) == last.Ordinal &&
                          call.Arguments.All(argument => argument.ArgumentKind != ArgumentKind.Explicit || argument.Syntax is not ArgumentSyntax { NameColon: not null });
            return inOrder ? Argument(IdentifierName(token)) : Argument(NameColon(IdentifierName(last.Name)), default, IdentifierName(token));
        }

        // An overload with the same parameters and a token after them (Task.Delay, Stream.ReadAsync, HttpClient.GetStringAsync).
        if (method.Parameters.Any(parameter => KnownTypes.Is(parameter.Type, tokenType)) ||
            call.Arguments.Any(argument => argument.ArgumentKind != ArgumentKind.Explicit) ||
            method.IsGenericMethod || method.ReducedFrom is not null)
        {
            return null;
        }

        var overload = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Any(candidate =>
            candidate.IsStatic == method.IsStatic &&
            !candidate.IsGenericMethod &&
            candidate.Parameters.Length == method.Parameters.Length + 1 &&
            KnownTypes.Is(candidate.Parameters.Last().Type, tokenType) &&
            method.Parameters.All(parameter =>
                candidate.Parameters[parameter.Ordinal].RefKind == parameter.RefKind &&
                SymbolEqualityComparer.Default.Equals(candidate.Parameters[parameter.Ordinal].Type, parameter.Type)));
        return overload ? Argument(IdentifierName(token)) : null;
    }

    /// <summary><c>Parallel.Invoke(async () => a, async () => b)</c> as <c>Task.WhenAll(Task.Run(async () => a), Task.Run(async () => b))</c>.</summary>
    private static InvocationExpressionSyntax? WhenAll(InvocationExpressionSyntax node, IInvocationOperation invocation)
    {
        if (invocation.Arguments.Length != 1 ||
            invocation.Arguments[0] is not { Parameter.Name: "actions", ArgumentKind: ArgumentKind.ParamArray, Value: IArrayCreationOperation { Initializer: { } actions } } ||
            actions.ElementValues.IsEmpty ||
            actions.ElementValues.Any(action => action.Syntax is not ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 0 } lambda ||
                                                !lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword)))
        {
            return null;
        }

        // Task.Run keeps what Parallel.Invoke did with the code before each first await: run it on the pool, at once.
        var arguments = node.ArgumentList.ReplaceNodes(
            node.ArgumentList.Arguments,
            (original, _) => original.WithExpression(InvocationExpression(TaskMember("Run"), ArgumentList(SingletonSeparatedList(Argument(original.Expression))))));
        return InvocationExpression(TaskMember("WhenAll"), arguments);
    }

    private static ExpressionSyntax TaskMember(string method) =>
        ParseExpression("System.Threading.Tasks.Task." + method).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
}
