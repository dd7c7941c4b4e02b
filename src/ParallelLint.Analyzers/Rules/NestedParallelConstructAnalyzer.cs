using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL1001: a parallel construct inside the parallel body of another one in the same method, including through
/// lambdas, anonymous methods and local functions declared inside that body.
/// </summary>
/// <remarks>
/// One operation action on calls and creations, the cheapest registration the driver has: everything else (the
/// block's locals, which constructs enclose others) is computed only for the rare blocks that hold a construct.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NestedParallelConstructAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: how many parallel levels the chain through the reported one has.</summary>
    internal const string LevelsProperty = "Levels";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Rules.NestedParallelConstruct);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var constructs = new ParallelConstructs(KnownTypes.Of(start.Compilation));

            // Facts about a whole operation block, gathered only for the rare blocks with a parallel construct.
            var blocks = new ConditionalWeakTable<IOperation, BlockFacts>();
            start.RegisterOperationAction(
                context =>
                {
                    if (constructs.Recognize(context.Operation) is { } construct)
                    {
                        Analyze(context, construct, constructs, blocks.GetValue(context.Operation.Root(), root => new BlockFacts(root, constructs)));
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, ParallelConstruct inner, ParallelConstructs constructs, BlockFacts block)
    {
        if (!block.OuterOf.TryGetValue(inner.Operation, out var nest))
        {
            return;
        }

        // Count the levels above the outer one too: the bounding fix only splits a chain of two.
        var levels = 2;
        for (var above = EnclosingParallelConstruct(nest.Outer, constructs, block.Locals, requireUnbounded: false);
             above is not null;
             above = EnclosingParallelConstruct(above.Value.Outer, constructs, block.Locals, requireUnbounded: false))
        {
            levels++;
        }

        // A level that itself encloses parallel work makes the chain longer than two as well.
        if (block.Outers.Contains(inner.Operation))
        {
            levels++;
        }

        context.Report(Diagnostic.Create(
            Rules.NestedParallelConstruct,
            inner.Location,
            new[] { nest.Outer.Location },
            ImmutableDictionary<string, string?>.Empty.Add(LevelsProperty, levels.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            inner.Name,
            nest.Outer.Name,
            nest.Why));
    }

    /// <summary>One block's locals and nestings, found in one walk and read by every construct of the block.</summary>
    private sealed class BlockFacts
    {
        public BlockFacts(IOperation root, ParallelConstructs constructs)
        {
            // Options objects, tasks and threads kept in locals: their degree, start and join are followed.
            Locals = LocalUsages.Of(new[] { root });
            foreach (var operation in root.DescendantsAndSelf())
            {
                if (constructs.Recognize(operation) is { } inner && constructs.DegreeOf(inner, Locals) != Degree.One &&
                    EnclosingParallelConstruct(inner, constructs, Locals) is { } nest)
                {
                    OuterOf[operation] = nest;
                    Outers.Add(nest.Outer.Operation);
                }
            }
        }

        public LocalUsages Locals { get; }

        /// <summary>Each reported construct's nearest enclosing parallel construct.</summary>
        public Dictionary<IOperation, (ParallelConstruct Outer, string Why)> OuterOf { get; } = new();

        /// <summary>The constructs that directly enclose another (parallel) one.</summary>
        public HashSet<IOperation> Outers { get; } = new();
    }

    private const string EveryCore = "both levels use every core, so their threads multiply";

    private const string EveryCoreByDefault = "both levels use every core by default (their options are unbounded until set), so their threads multiply";

    /// <summary>
    /// The nearest construct whose parallel body contains <paramref name="inner"/>, and why the two multiply (the
    /// message's last part). With
    /// <paramref name="requireUnbounded"/>, a pair where both levels carry an explicit bound is the user's chosen
    /// split and not a finding; one options object bounding both levels is no split: the nest runs d × d.
    /// </summary>
    private static (ParallelConstruct Outer, string Why)? EnclosingParallelConstruct(
        ParallelConstruct inner,
        ParallelConstructs constructs,
        LocalUsages locals,
        bool requireUnbounded = true)
    {
        var innerDegree = constructs.DegreeOf(inner, locals);
        for (var node = inner.Operation.Parent; node is not null; node = node.Parent)
        {
            if (node is not IAnonymousFunctionOperation function ||
                constructs.OwnerOfBody(function) is not { } outer)
            {
                continue;
            }

            var outerDegree = constructs.DegreeOf(outer, locals);

            // Inside an executor's item, Cores.Available is the item's share: nested work sized by it is protected.
            if (outer.Kind == ConstructKind.RuntimeExecutor && innerDegree == Degree.Share && outerDegree != Degree.One)
            {
                return null;
            }

            if (outerDegree != Degree.One && constructs.Flow.SharedOptions(outer, inner, function) is { } shared)
            {
                // Whatever the degree d the options carry (one is sequential, seen above), both levels take it.
                return (outer, $"the same options ({shared.Name}) bound both levels, so the nest runs d × d bodies at once");
            }

            if (!outerDegree.Nests())
            {
                // A sequential construct's body is like a loop body: keep looking outwards (an unknown level may
                // still share its options with one further out).
                continue;
            }

            if (!innerDegree.Nests())
            {
                continue;
            }

            // A level unbounded only by default may be bounded by its user: with an explicit bound on the other, maybe a split.
            var bounded = innerDegree is Degree.Bounded or Degree.UnboundedByDefault && outerDegree is Degree.Bounded or Degree.UnboundedByDefault &&
                          (innerDegree == Degree.Bounded || outerDegree == Degree.Bounded);
            if (requireUnbounded && bounded)
            {
                return null;
            }

            return (outer, innerDegree == Degree.UnboundedByDefault || outerDegree == Degree.UnboundedByDefault
                ? EveryCoreByDefault
                : EveryCore);
        }

        return null;
    }
}
