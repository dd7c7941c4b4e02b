using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Operations;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL1002's fix: the outer level made sequential (PL1001's rewrite, <see cref="InnerLevelSequential"/>), where the
/// parallel body is nothing but the call that parallelizes: <c>Parallel.ForEach(models, m => Fit(m))</c> becomes
/// <c>foreach (var m in models) { Fit(m); }</c>, and the callee keeps the cores.
/// </summary>
/// <remarks>
/// A body that does more than the call would lose its own parallelism for a guess about the callee's, so it gets
/// no fix; nor does the callee: bounding its loop by the available cores still multiplies with the outer level
/// outside the runtime's executors, and every other caller of it would change too.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HiddenNestedParallelismFixer))]
public sealed class HiddenNestedParallelismFixer : RewriteFixer
{
    internal const string MakeOuterSequential = "PL1002.MakeOuterSequential";

    /// <summary>The fix for HiddenNestedParallelism's diagnostics.</summary>
    public HiddenNestedParallelismFixer()
        : base(RuleIds.HiddenNestedParallelism, new Fix(MakeOuterSequential, "Make the outer level sequential: the call runs in parallel already"))
    {
    }

    /// <inheritdoc/>
    /// <remarks>The diagnostic marks the call in the parallel body; its additional location, the outer construct.</remarks>
    private protected override Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation)
    {
        var (root, model) = (finding.Root, finding.Model);
        var constructs = new ParallelConstructs(KnownTypes.Of(model.Compilation));
        var fixedRoot = NestedParallelConstructFixer.Construct(model, finding.Additional, constructs, cancellation) is { } outer &&
                        IsTheWholeBody(finding.Node, outer, constructs)
            ? InnerLevelSequential.Rewrite(root, model, outer, constructs, cancellation)
            : null;
        return finding.CompleteAsync(fixedRoot, cancellation);
    }

    /// <summary>
    /// The call is all the outer construct runs per item: the body of its one delegate (for PLINQ, the one
    /// delegate of the whole query), as an expression body, awaited, or a block's only statement.
    /// </summary>
    private static bool IsTheWholeBody(SyntaxNode call, ParallelConstruct outer, ParallelConstructs constructs)
    {
        if (outer.Operation is not IInvocationOperation invocation ||
            outer.Kind is not (ConstructKind.ParallelFor or ConstructKind.ParallelForEach or ConstructKind.ParallelForAsync or ConstructKind.ParallelForEachAsync or ConstructKind.Plinq))
        {
            return false;
        }

        var calls = outer.Kind == ConstructKind.Plinq ? constructs.PlinqChain(invocation).ToList() : new List<IInvocationOperation> { invocation };
        var delegates = calls.SelectMany(c => c.Arguments).Where(a => a.Parameter?.Type.TypeKind == TypeKind.Delegate).ToList();
        if (delegates.Count != 1 || Delegates.Expression(delegates[0]) is not AnonymousFunctionExpressionSyntax function)
        {
            return false;
        }

        var body = function.ExpressionBody ?? (function.Block?.Statements.Count == 1 ? function.Block.Statements[0] : null) switch
        {
            ExpressionStatementSyntax statement => statement.Expression,
            ReturnStatementSyntax statement => statement.Expression,
            _ => null,
        };
        return (body is AwaitExpressionSyntax awaited ? awaited.Expression : body) == call;
    }
}
