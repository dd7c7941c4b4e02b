using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers
{
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
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
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
                            Analyze(context, construct, constructs, blocks.GetValue(Root(context.Operation), root => new BlockFacts(root)));
                        }
                    },
                    OperationKind.Invocation,
                    OperationKind.ObjectCreation);
            });
        }

        private static void Analyze(OperationAnalysisContext context, ParallelConstruct inner, ParallelConstructs constructs, BlockFacts block)
        {
            // Options objects, tasks and threads kept in locals: their degree, start and join are followed.
            var locals = block.Locals;
            if (!constructs.DegreeOf(inner, locals).IsParallel() ||
                EnclosingParallelConstruct(inner, constructs, locals) is not { } outer)
            {
                return;
            }

            // Count the levels above the outer one too: the bounding fix only splits a chain of two.
            var levels = 2;
            for (var above = EnclosingParallelConstruct(outer, constructs, locals, requireUnbounded: false);
                 above is not null;
                 above = EnclosingParallelConstruct(above, constructs, locals, requireUnbounded: false))
            {
                levels++;
            }

            // A level that itself encloses parallel work makes the chain longer than two as well.
            if (block.Outers(constructs).Contains(inner.Operation))
            {
                levels++;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Rules.NestedParallelConstruct,
                inner.Location,
                new[] { outer.Location },
                ImmutableDictionary<string, string?>.Empty.Add(LevelsProperty, levels.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                inner.Name,
                outer.Name));
        }

        private static IOperation Root(IOperation operation)
        {
            while (operation.Parent is { } parent)
            {
                operation = parent;
            }

            return operation;
        }

        private sealed class BlockFacts
        {
            private readonly IOperation root;
            private LocalUsages? locals;
            private HashSet<IOperation>? outers;

            public BlockFacts(IOperation root) => this.root = root;

            public LocalUsages Locals
            {
                get
                {
                    lock (this)
                    {
                        return locals ??= LocalUsages.Of(new[] { root });
                    }
                }
            }

            /// <summary>The constructs of the block that directly enclose another (parallel) one.</summary>
            public HashSet<IOperation> Outers(ParallelConstructs constructs)
            {
                var usages = Locals;
                lock (this)
                {
                    if (outers is null)
                    {
                        outers = new HashSet<IOperation>();
                        foreach (var operation in root.DescendantsAndSelf())
                        {
                            if (constructs.Recognize(operation) is { } inner && constructs.DegreeOf(inner, usages).IsParallel() &&
                                EnclosingParallelConstruct(inner, constructs, usages) is { } outer)
                            {
                                outers.Add(outer.Operation);
                            }
                        }
                    }

                    return outers;
                }
            }
        }

        /// <summary>
        /// The nearest construct whose parallel body contains <paramref name="inner"/>. With
        /// <paramref name="requireUnbounded"/>, a pair where both levels carry an explicit bound is the user's chosen
        /// split and not a finding.
        /// </summary>
        private static ParallelConstruct? EnclosingParallelConstruct(
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
                if (!outerDegree.IsParallel())
                {
                    // A sequential construct's body is like a loop body: keep looking outwards.
                    continue;
                }

                // Inside an executor's item, Cores.Available is the item's share: nested work sized by it is protected.
                if (outer.Kind == ConstructKind.RuntimeExecutor && innerDegree == Degree.Share)
                {
                    return null;
                }

                return requireUnbounded && innerDegree == Degree.Bounded && outerDegree == Degree.Bounded ? null : outer;
            }

            return null;
        }
    }
}
