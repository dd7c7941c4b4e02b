using Microsoft.CodeAnalysis.CodeFixes;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL1001's fixes: make the inner level sequential (first, so that <c>dotnet format</c> applies it), or bound
/// both levels within the available cores. A fix is offered only when its result compiles.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NestedParallelConstructFixer))]
public sealed class NestedParallelConstructFixer : RewriteFixer
{
    internal const string MakeInnerSequential = "PL1001.MakeInnerSequential";
    internal const string BoundBothLevels = "PL1001.BoundBothLevels";

    /// <summary>The fixes for NestedParallelConstruct's diagnostics.</summary>
    public NestedParallelConstructFixer()
        : base(
            RuleIds.NestedParallelConstruct,
            new Fix(MakeInnerSequential, "Make the inner level sequential"),
            new Fix(BoundBothLevels, "Bound both levels within the available cores"))
    {
    }

    /// <inheritdoc/>
    /// <remarks>The diagnostic marks the inner construct; its additional location, the outer one.</remarks>
    private protected override Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation)
    {
        var (root, model) = (finding.Root, finding.Model);
        var constructs = new ParallelConstructs(KnownTypes.Of(model.Compilation));
        var fixedRoot = Construct(model, finding.Node, constructs, cancellation) is not { } inner ? null : equivalenceKey switch
        {
            MakeInnerSequential => InnerLevelSequential.Rewrite(root, model, inner, constructs, cancellation),
            BoundBothLevels when Levels(finding) == 2 && Construct(model, finding.Additional, constructs, cancellation) is { } outer =>
                BothLevelsBounded.Rewrite(root, outer, inner, constructs.Types),
            _ => null,
        };
        return finding.CompleteAsync(fixedRoot, cancellation);
    }

    /// <summary>The construct whose call or creation the node is (the diagnostic's location convention).</summary>
    internal static ParallelConstruct? Construct(SemanticModel model, SyntaxNode? node, ParallelConstructs constructs, CancellationToken cancellation) =>
        node is not null &&
        model.GetOperation(node, cancellation) is { } operation &&
        constructs.Recognize(operation) is { } construct &&
        construct.Operation.Syntax == node
            ? construct
            : null;

    private static int Levels(Finding finding) =>
        int.TryParse(finding.Property(NestedParallelConstructAnalyzer.LevelsProperty), out var levels) ? levels : 0;
}
