using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL2002's fix: bound the loop by the cores (ParallelLint.Runtime's <c>Cores.Available</c> when the project
/// references it, <c>Environment.ProcessorCount</c> otherwise), in a new options argument, in the loop's inline
/// options, or in the initializer of an options local created in the same method. Options from elsewhere get no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedBlockingLoopFixer))]
public sealed class UnboundedBlockingLoopFixer : RewriteFixer
{
    internal const string EquivalenceKey = "PL2002.BoundByCores";

    /// <summary>The fix for UnboundedBlockingLoop's diagnostics.</summary>
    public UnboundedBlockingLoopFixer()
        : base(RuleIds.UnboundedBlockingLoop, new Fix(EquivalenceKey, "Bound the loop by the available cores"))
    {
    }

    /// <inheritdoc/>
    private protected override Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation)
    {
        var types = KnownTypes.Of(finding.Model.Compilation);
        var degree = (types.Cores is null
                ? ParseExpression("System.Environment.ProcessorCount")
                : ParseExpression("ParallelLint.Runtime.Cores.Available"))
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var fixedRoot = finding.Node is InvocationExpressionSyntax node &&
                        finding.Model.GetOperation(node, cancellation) is IInvocationOperation invocation &&
                        new ParallelConstructs(types).Recognize(invocation) is { Kind: ConstructKind.ParallelFor or ConstructKind.ParallelForEach } loop
            ? Bound(finding.Root, node, loop, degree)
            : null;
        return finding.CompleteAsync(fixedRoot, cancellation);
    }

    private static SyntaxNode? Bound(SyntaxNode root, InvocationExpressionSyntax node, ParallelConstruct loop, ExpressionSyntax degree)
    {
        switch (loop.DegreeSource?.WalkDownConversion())
        {
            case null:
                if (node.ArgumentList.Arguments.Any(argument => argument.NameColon is not null))
                {
                    return null;
                }

                // Every For/ForEach overload has a ParallelOptions twin, taken right after the range or the source.
                var position = loop.Kind == ConstructKind.ParallelForEach ? 1 : 2;
                if (node.ArgumentList.Arguments.Count <= position)
                {
                    return null;
                }

                var options = ObjectCreationExpression(
                        ParseTypeName("System.Threading.Tasks.ParallelOptions").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation))
                    .WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SingletonSeparatedList<ExpressionSyntax>(Options.Assignment("MaxDegreeOfParallelism", degree))));
                return root.ReplaceNode(node.ArgumentList, node.ArgumentList.WithArguments(node.ArgumentList.Arguments.Insert(position, Argument(options))));

            case IObjectCreationOperation { Syntax: BaseObjectCreationExpressionSyntax inline }:
                return root.ReplaceNode(inline, Options.WithMaxDegree(inline, degree));

            case ILocalReferenceOperation { Local: var local }:
                // An options local created in this method: bounded where it is created, unless code sets the degree later.
                var block = loop.Operation.Root();
                var locals = LocalUsages.Of(new[] { block });
                if (locals.IsReassigned(local) ||
                    locals.InitialValue(local)?.WalkDownConversion() is not IObjectCreationOperation { Syntax: BaseObjectCreationExpressionSyntax created } ||
                    created.SyntaxTree != root.SyntaxTree ||
                    locals.References(local).Any(reference => reference.Parent is IMemberReferenceOperation { Member.Name: "MaxDegreeOfParallelism" } member &&
                                                               member.Parent is IAssignmentOperation assignment && assignment.Target == member))
                {
                    return null;
                }

                return root.ReplaceNode(created, Options.WithMaxDegree(created, degree));

            default:
                return null;
        }
    }

}
