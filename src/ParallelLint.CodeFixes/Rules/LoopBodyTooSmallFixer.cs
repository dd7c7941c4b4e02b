using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL2005's fix: range partitioning. <c>Parallel.For(from, to, [options,] i => body)</c> becomes
/// <c>Parallel.ForEach(Partitioner.Create(from, to), [options,] range => { for (var i = range.Item1; i &lt; range.Item2; i++) body })</c>:
/// the same iterations, exceptions still gathered in an <c>AggregateException</c>, and the iterations of a chunk in
/// order. Offered only where the loop's result is unused, and the body neither writes its index nor returns from
/// inside a nested loop.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LoopBodyTooSmallFixer))]
public sealed class LoopBodyTooSmallFixer : RewriteFixer
{
    internal const string EquivalenceKey = "PL2005.PartitionRange";

    /// <summary>The fix for LoopBodyTooSmall's diagnostics.</summary>
    public LoopBodyTooSmallFixer()
        : base(RuleIds.LoopBodyTooSmall, new Fix(EquivalenceKey, "Partition the range (Partitioner.Create) and loop over each chunk"))
    {
    }

    /// <inheritdoc/>
    private protected override Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation) =>
        finding.CompleteAsync(
            finding.Node is InvocationExpressionSyntax { Parent: ExpressionStatementSyntax } call &&
            finding.Model.GetOperation(call, cancellation) is IInvocationOperation invocation &&
            LoopBodyTooSmallAnalyzer.Body(invocation) is { Syntax: AnonymousFunctionExpressionSyntax lambda } function &&
            Rewrite(call, invocation, function, lambda, finding.Model) is { } partitioned
                ? finding.Root.ReplaceNode(call, partitioned)
                : null,
            cancellation);

    private static InvocationExpressionSyntax? Rewrite(
        InvocationExpressionSyntax call,
        IInvocationOperation invocation,
        IAnonymousFunctionOperation function,
        AnonymousFunctionExpressionSyntax lambda,
        SemanticModel model)
    {
        var from = Delegates.Argument(invocation, "fromInclusive");
        var to = Delegates.Argument(invocation, "toExclusive");
        var options = Delegates.ArgumentOfType(invocation, KnownTypes.Of(model.Compilation).ParallelOptions);
        var index = Index(lambda);
        if (Delegates.Expression(from) is not { } fromSyntax || Delegates.Expression(to) is not { } toSyntax || index is null ||
            WritesIndex(function) || Statements.AsLoopBody(lambda) is not { } body)
        {
            return null;
        }

        ExpressionSyntax start = fromSyntax.WithoutTrivia();
        var isLong = invocation.TargetMethod.Parameters[0].Type.SpecialType == SpecialType.System_Int64;
        if (isLong && !IsLong(from!.Value) && !IsLong(to!.Value))
        {
            // Parallel.For(0, n, (long i) => ...): the partitioner must produce long ranges too.
            start = CastExpression(PredefinedType(Token(SyntaxKind.LongKeyword)), ParenthesizedExpression(start).WithAdditionalAnnotations(Simplifier.Annotation));
        }

        var range = Names.Unique("range", model, call.SpanStart, call);
        var partitioner = InvocationExpression(
            MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression,
                ParseName("System.Collections.Concurrent.Partitioner").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation),
                IdentifierName("Create")),
            ArgumentList(SeparatedList(new[] { Argument(start), Argument(toSyntax.WithoutTrivia()) })));
        var loop = ((ForStatementSyntax)ParseStatement($"for (var {index} = {range}.Item1; {index} < {range}.Item2; {index}++) {{ }}"))
            .WithStatement(body);
        var chunk = SimpleLambdaExpression(Parameter(Identifier(range)), Statements.MultiLineBlock(new StatementSyntax[] { loop }));

        var arguments = new List<ArgumentSyntax> { Argument(partitioner) };
        if (Delegates.Expression(options) is { } optionsSyntax)
        {
            arguments.Add(Argument(optionsSyntax.WithoutTrivia()));
        }

        arguments.Add(Argument(chunk));
        ExpressionSyntax? forEach = call.Expression switch
        {
            MemberAccessExpressionSyntax access => access.WithName(IdentifierName("ForEach")),
            IdentifierNameSyntax name => IdentifierName("ForEach").WithTriviaFrom(name),
            _ => null,
        };
        return forEach is null
            ? null
            : call.WithExpression(forEach)
                .WithArgumentList(call.ArgumentList.WithArguments(SeparatedList(arguments)))
                .WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>The index parameter as written (with its <c>@</c>, if any).</summary>
    private static string? Index(AnonymousFunctionExpressionSyntax lambda) => lambda switch
    {
        SimpleLambdaExpressionSyntax simple => simple.Parameter.Identifier.Text,
        ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters: { Count: 1 } parameters } => parameters[0].Identifier.Text,
        AnonymousMethodExpressionSyntax { ParameterList.Parameters: { Count: 1 } parameters } => parameters[0].Identifier.Text,
        _ => null,
    };

    private static bool IsLong(IOperation value) => value.WalkDownConversion().Type?.SpecialType == SpecialType.System_Int64;

    /// <summary>A body that assigns its index would move the loop variable of the chunk's <c>for</c>.</summary>
    private static bool WritesIndex(IAnonymousFunctionOperation function)
    {
        var index = function.Symbol.Parameters[0];
        return function.Body.Descendants().OfType<IParameterReferenceOperation>().Any(reference =>
            SymbolEqualityComparer.Default.Equals(reference.Parameter, index) &&
            reference.Parent switch
            {
                IAssignmentOperation assignment => assignment.Target == reference,
                IIncrementOrDecrementOperation => true,
                IArgumentOperation { Parameter.RefKind: not RefKind.None } => true,
                _ => false,
            });
    }
}
