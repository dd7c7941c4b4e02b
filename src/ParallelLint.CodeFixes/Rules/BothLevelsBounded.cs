using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL1001's second fix, for a chain of two levels: both bounded so that their product stays within the cores,
/// through ParallelLint.Runtime's <c>Cores.ForLevel</c> when the project references it, the BCL otherwise. Under
/// the runtime's executor, only the inner level changes: to <c>Cores.Available</c>, the item's share.
/// </summary>
internal static class BothLevelsBounded
{
    public static SyntaxNode? Rewrite(SyntaxNode root, ParallelConstruct outer, ParallelConstruct inner, KnownTypes types)
    {
        if (outer.Kind == ConstructKind.RuntimeExecutor)
        {
            // The executor already bounds its items and gives each its share: the inner level takes that share.
            var share = ParseExpression("ParallelLint.Runtime.Cores.Available").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
            return Edit(inner, share) is { } edit ? root.ReplaceNode(edit.Node, edit.Apply(edit.Node)) : null;
        }

        var outerEdit = Edit(outer, Degree(types, level: 0));
        var innerEdit = Edit(inner, Degree(types, level: 1));
        if (outerEdit is null || innerEdit is null)
        {
            return null;
        }

        // The inner edit lies inside the outer call's arguments: ReplaceNodes hands the outer edit the rewritten node.
        return root.ReplaceNodes(
            new[] { outerEdit.Value.Node, innerEdit.Value.Node },
            (original, rewritten) => original == outerEdit.Value.Node ? outerEdit.Value.Apply(rewritten) : innerEdit.Value.Apply(rewritten));
    }

    /// <summary>Which node to change so that the construct runs at most <paramref name="degree"/> bodies at once.</summary>
    private static (SyntaxNode Node, Func<SyntaxNode, SyntaxNode> Apply)? Edit(ParallelConstruct construct, ExpressionSyntax degree)
    {
        switch (construct.Kind, construct.Operation)
        {
            case (ConstructKind.Plinq, IInvocationOperation asParallel):
                // Replace the degree of WithDegreeOfParallelism(..), or add the call right after AsParallel().
                return construct.DegreeSource?.Syntax is { } existing
                    ? (existing, _ => degree.WithTriviaFrom(existing))
                    : (asParallel.Syntax, node => InvocationExpression(
                        MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, (ExpressionSyntax)node, IdentifierName("WithDegreeOfParallelism")),
                        ArgumentList(SingletonSeparatedList(Argument(degree)))));

            case (_, _) when construct.DegreeSource is not null:
                return construct.DegreeSource.WalkDownConversion().Syntax is BaseObjectCreationExpressionSyntax options
                    ? (options, node => Options.WithMaxDegree((BaseObjectCreationExpressionSyntax)node, degree))
                    : null;

            case (ConstructKind.DataflowBlock, IObjectCreationOperation { Syntax: BaseObjectCreationExpressionSyntax { ArgumentList: { } arguments } }):
                return (arguments, node => ((ArgumentListSyntax)node).AddArguments(Argument(NewOptions("System.Threading.Tasks.Dataflow.ExecutionDataflowBlockOptions", degree))));

            case (ConstructKind.ParallelFor or ConstructKind.ParallelForAsync or ConstructKind.ParallelForEach or
                  ConstructKind.ParallelForEachAsync or ConstructKind.ParallelInvoke,
                  IInvocationOperation { Syntax: InvocationExpressionSyntax { ArgumentList: var arguments } } call):
                if (arguments.Arguments.Any(argument => argument.NameColon is not null))
                {
                    return null;
                }

                // The async loops take a token where the options go: the options carry it instead.
                if (call.Arguments.FirstOrDefault(a => a.Parameter?.Type.Name == "CancellationToken") is { Syntax: ArgumentSyntax token })
                {
                    return (token.Expression, node => NewOptions(
                        "System.Threading.Tasks.ParallelOptions",
                        degree,
                        Options.Assignment("CancellationToken", ((ExpressionSyntax)node).WithoutTrivia())));
                }

                var position = construct.Kind switch
                {
                    ConstructKind.ParallelInvoke => 0,
                    ConstructKind.ParallelForEach or ConstructKind.ParallelForEachAsync => 1,
                    _ => 2,
                };
                return (arguments, node => ((ArgumentListSyntax)node).WithArguments(
                    ((ArgumentListSyntax)node).Arguments.Insert(position, Argument(NewOptions("System.Threading.Tasks.ParallelOptions", degree)))));

            default:
                return null;
        }
    }

    private static ExpressionSyntax Degree(KnownTypes types, int level)
    {
        if (types.Cores?.GetMembers("ForLevel").Any() == true)
        {
            var forLevel = ParseExpression($"ParallelLint.Runtime.Cores.ForLevel(level: {level}, levels: 2)");
            return forLevel.WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        }

        // The same split from the BCL: the inner level gets the integer square root, the outer one the rest.
        var text = level == 0
            ? "System.Environment.ProcessorCount / (int)System.Math.Sqrt(System.Environment.ProcessorCount)"
            : "(int)System.Math.Sqrt(System.Environment.ProcessorCount)";
        return ParseExpression(text).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
    }

    private static ObjectCreationExpressionSyntax NewOptions(string type, ExpressionSyntax degree, params ExpressionSyntax[] more) =>
        ObjectCreationExpression(ParseTypeName(type).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation))
            .WithInitializer(InitializerExpression(
                SyntaxKind.ObjectInitializerExpression,
                SeparatedList(new[] { (ExpressionSyntax)Options.Assignment("MaxDegreeOfParallelism", degree) }.Concat(more))));
}
