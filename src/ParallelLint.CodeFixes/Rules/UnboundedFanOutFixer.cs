using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL2003's fix for <c>await Task.WhenAll(items.Select(x => Task.Run(..)))</c> (also over <c>.ToList()</c>/<c>.ToArray()</c>):
/// with the results discarded, <c>await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism =
/// Cores.Available }, (x, cancellationToken) => ..)</c> (<c>Environment.ProcessorCount</c> without the runtime); with
/// the results used, <c>await Executor.MapAsync(items, (x, cancellationToken) => ..)</c>, which keeps them in the
/// items' order (runtime only). Loops that collect tasks get no fix. Offered only where the result compiles.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedFanOutFixer))]
public sealed class UnboundedFanOutFixer : RewriteFixer
{
    internal const string Key = "PL2003.BoundedLoop";

    private const string CompletedTask = "System.Threading.Tasks.ValueTask.CompletedTask";

    /// <summary>The fix for UnboundedFanOut's diagnostics.</summary>
    public UnboundedFanOutFixer()
        : base(RuleIds.UnboundedFanOut, new Fix(Key, "Run the items through a loop bounded by the cores"))
    {
    }

    /// <inheritdoc/>
    private protected override async Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation)
    {
        var model = finding.Model;
        if (finding.Node is not InvocationExpressionSyntax run)
        {
            return null;
        }

        var types = KnownTypes.Of(model.Compilation);
        if (model.GetSymbolInfo(run, cancellation).Symbol is not IMethodSymbol { Name: "Run" } runMethod ||
            !KnownTypes.Is(runMethod.ContainingType, types.Task) ||
            run.ArgumentList.Arguments.Count != 1 ||
            run.ArgumentList.Arguments[0] is not { NameColon: null, Expression: ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 0 } work } ||
            model.GetSymbolInfo(work, cancellation).Symbol is not IMethodSymbol workSymbol ||
            run.Parent is not LambdaExpressionSyntax perItem || perItem.ExpressionBody != run || perItem.AsyncKeyword != default ||
            ItemName(perItem) is not { } item ||
            perItem.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax select } } ||
            select.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Select", Expression: var source } ||
            model.GetSymbolInfo(select, cancellation).Symbol is not IMethodSymbol selectMethod ||
            !KnownTypes.Is((selectMethod.ReducedFrom ?? selectMethod).ContainingType, types.Enumerable) ||
            WhenAll(select, model, types, cancellation) is not { } whenAll ||
            Awaited(whenAll) is not { } awaited)
        {
            return null;
        }

        var taken = model.LookupSymbols(run.SpanStart).Select(symbol => symbol.Name)
            .Concat(work.DescendantTokens().Where(token => token.IsKind(SyntaxKind.IdentifierToken)).Select(token => token.ValueText))
            .ToImmutableHashSet();
        var token = Fresh("cancellationToken", taken);
        // Awaited as a statement, or as the whole body of a function that returns no value.
        var discarded = awaited.Parent is ExpressionStatementSyntax ||
            (awaited.Parent is ArrowExpressionClauseSyntax or LambdaExpressionSyntax &&
             model.GetEnclosingSymbol(awaited.SpanStart, cancellation) is IMethodSymbol { IsAsync: true } function &&
             (function.ReturnsVoid || function.ReturnType is INamedTypeSymbol { IsGenericType: false }));

        ExpressionSyntax replacement;
        if (discarded)
        {
            if (Body(work, workSymbol, forResults: false) is not { } body)
            {
                return null;
            }

            var degree = types.Cores is null ? "System.Environment.ProcessorCount" : "ParallelLint.Runtime.Cores.Available";
            replacement = InvocationExpression(
                Qualified("System.Threading.Tasks.Parallel.ForEachAsync"),
                ArgumentList(SeparatedList(new[]
                {
                    Argument(source.WithoutTrivia()),
                    Argument(Qualified($"new System.Threading.Tasks.ParallelOptions {{ MaxDegreeOfParallelism = {degree} }}")),
                    Argument(Lambda(work, item, token, body)),
                })));
        }
        else
        {
            if (types.Executor is null || Body(work, workSymbol, forResults: true) is not { } body)
            {
                return null;
            }

            replacement = InvocationExpression(
                Qualified("ParallelLint.Runtime.Executor.MapAsync"),
                ArgumentList(SeparatedList(new[] { Argument(source.WithoutTrivia()), Argument(Lambda(work, item, token, body)) })));
        }

        var fixedRoot = finding.Root.ReplaceNode(whenAll, replacement.WithTriviaFrom(whenAll).WithAdditionalAnnotations(Formatter.Annotation));
        return await finding.CompleteAsync(fixedRoot, cancellation).ConfigureAwait(false);
    }

    private static string? ItemName(LambdaExpressionSyntax lambda) => lambda switch
    {
        SimpleLambdaExpressionSyntax simple => simple.Parameter.Identifier.ValueText,
        ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters: { Count: 1 } parameters } when parameters[0].Type is null => parameters[0].Identifier.ValueText,
        _ => null,
    };

    /// <summary><c>Task.WhenAll(select)</c>, or over <c>select.ToList()</c> / <c>select.ToArray()</c>.</summary>
    private static InvocationExpressionSyntax? WhenAll(InvocationExpressionSyntax select, SemanticModel model, KnownTypes types, CancellationToken cancellation)
    {
        ExpressionSyntax tasks = select;
        if (select.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToList" or "ToArray" } materialize &&
            materialize.Parent is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } materialized)
        {
            tasks = materialized;
        }

        return tasks.Parent is ArgumentSyntax { NameColon: null, Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax whenAll } } &&
               model.GetSymbolInfo(whenAll, cancellation).Symbol is IMethodSymbol { Name: "WhenAll" } method &&
               KnownTypes.Is(method.ContainingType, types.Task)
            ? whenAll
            : null;
    }

    /// <summary>The <c>await</c> of the call, directly or through <c>ConfigureAwait</c>.</summary>
    private static AwaitExpressionSyntax? Awaited(ExpressionSyntax call)
    {
        var current = call;
        if (current.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure &&
            configure.Parent is InvocationExpressionSyntax configured)
        {
            current = configured;
        }

        return current.Parent as AwaitExpressionSyntax;
    }

    /// <summary>
    /// The body of the new per-item delegate, returning <c>ValueTask</c> (or <c>ValueTask&lt;TResult&gt;</c> for
    /// <paramref name="forResults"/>): an async task body stays as it is; a synchronous one returns a completed task.
    /// </summary>
    private static CSharpSyntaxNode? Body(ParenthesizedLambdaExpressionSyntax work, IMethodSymbol symbol, bool forResults)
    {
        if (symbol.IsAsync)
        {
            // An async body already returns a task: the same body as a ValueTask (with a result when one is needed).
            return !forResults || symbol.ReturnType is INamedTypeSymbol { IsGenericType: true } ? work.Body : null;
        }

        var returnsTask = symbol.ReturnType is INamedTypeSymbol { Name: "Task", ContainingNamespace.Name: "Tasks" };
        if (returnsTask)
        {
            // () => WorkAsync(x): the task itself, as a ValueTask.
            if (work.ExpressionBody is not { } task)
            {
                return null;
            }

            if (!forResults)
            {
                return ObjectCreationExpression(ParseTypeName("System.Threading.Tasks.ValueTask").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation))
                    .WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(task.WithoutTrivia()))));
            }

            if (symbol.ReturnType is not INamedTypeSymbol { TypeArguments.Length: 1 } generic || generic.TypeArguments[0] is not { IsAnonymousType: false } result)
            {
                return null;
            }

            return ObjectCreationExpression(
                    ParseTypeName($"System.Threading.Tasks.ValueTask<{result.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}>")
                        .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation))
                .WithArgumentList(ArgumentList(SingletonSeparatedList(Argument(task.WithoutTrivia()))));
        }

        if (forResults)
        {
            // () => Compute(x): ValueTask.FromResult(Compute(x)), also at every return of a block.
            if (symbol.ReturnsVoid)
            {
                return null;
            }

            ExpressionSyntax FromResult(ExpressionSyntax value) =>
                InvocationExpression(Qualified("System.Threading.Tasks.ValueTask.FromResult"), ArgumentList(SingletonSeparatedList(Argument(value.WithoutTrivia()))));

            if (work.ExpressionBody is { } value)
            {
                return FromResult(value);
            }

            var block = work.Block!;
            var returns = Statements.OwnReturns(block).ToList();
            return returns.All(r => r.Expression is not null)
                ? block.ReplaceNodes(returns, (original, _) => original.WithExpression(FromResult(original.Expression!)))
                : null;
        }

        // A synchronous body whose result (if any) was discarded: run it, return a completed task.
        var completed = ReturnStatement(Qualified(CompletedTask));
        if (work.ExpressionBody is { } expression)
        {
            var statement = IsStatementExpression(expression) && symbol.ReturnsVoid
                ? ExpressionStatement(expression.WithoutTrivia())
                : ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, ParseExpression("_") /* parsed: a built `_` is no discard */, expression.WithoutTrivia()));
            return Statements.MultiLineBlock(new StatementSyntax[] { statement, completed });
        }

        var body = work.Block!;
        var ownReturns = Statements.OwnReturns(body).ToList();
        if (!symbol.ReturnsVoid || ownReturns.Any(r => r.Expression is not null))
        {
            return null;
        }

        body = body.ReplaceNodes(ownReturns, (original, _) => completed.WithTriviaFrom(original));
        var statements = body.Statements.ToList();
        if (statements.LastOrDefault() is not ReturnStatementSyntax)
        {
            statements.Add(completed);
        }

        return Statements.MultiLineBlock(statements);
    }

    private static bool IsStatementExpression(ExpressionSyntax expression) =>
        expression is InvocationExpressionSyntax or AssignmentExpressionSyntax or AwaitExpressionSyntax or BaseObjectCreationExpressionSyntax or
            PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax { OperatorToken.ValueText: "++" or "--" };

    private static ParenthesizedLambdaExpressionSyntax Lambda(ParenthesizedLambdaExpressionSyntax work, string item, string token, CSharpSyntaxNode body)
    {
        var lambda = ParenthesizedLambdaExpression(ParameterList(SeparatedList(new[] { Parameter(Identifier(item)), Parameter(Identifier(token)) })), body.WithoutTrivia());
        return work.AsyncKeyword == default ? lambda : lambda.WithAsyncKeyword(Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(Space));
    }

    private static ExpressionSyntax Qualified(string code) =>
        ParseExpression(code).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

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
