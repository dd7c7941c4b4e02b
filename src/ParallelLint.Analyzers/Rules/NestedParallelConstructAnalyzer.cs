using System.Collections.Generic;
using System.Collections.Immutable;
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
                start.RegisterOperationBlockStartAction(block => AnalyzeBlock(block, constructs));
            });
        }

        private static void AnalyzeBlock(OperationBlockStartAnalysisContext block, ParallelConstructs constructs)
        {
            var found = new List<ParallelConstruct>();

            block.RegisterOperationAction(
                context =>
                {
                    if (constructs.Recognize(context.Operation) is { } construct)
                    {
                        lock (found)
                        {
                            found.Add(construct);
                        }
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);

            block.RegisterOperationBlockEndAction(end =>
            {
                if (found.Count == 0)
                {
                    return;
                }

                // Options objects, tasks and threads kept in locals: their degree, start and join are followed.
                var locals = LocalUsages.Of(end.OperationBlocks);

                var nestings = new List<(ParallelConstruct Inner, ParallelConstruct Outer, int Levels)>();
                var outers = new HashSet<IOperation>();
                foreach (var inner in found)
                {
                    if (!constructs.DegreeOf(inner, locals).IsParallel() ||
                        EnclosingParallelConstruct(inner, constructs, locals) is not { } outer)
                    {
                        continue;
                    }

                    // Count the levels above the outer one too: the bounding fix only splits a chain of two.
                    var levels = 2;
                    for (var above = EnclosingParallelConstruct(outer, constructs, locals, requireUnbounded: false);
                         above is not null;
                         above = EnclosingParallelConstruct(above, constructs, locals, requireUnbounded: false))
                    {
                        levels++;
                    }

                    nestings.Add((inner, outer, levels));
                    outers.Add(outer.Operation);
                }

                foreach (var (inner, outer, levels) in nestings)
                {
                    // A level that itself encloses parallel work makes the chain longer than two as well.
                    var chain = outers.Contains(inner.Operation) ? levels + 1 : levels;
                    end.ReportDiagnostic(Diagnostic.Create(
                        Rules.NestedParallelConstruct,
                        inner.Location,
                        new[] { outer.Location },
                        ImmutableDictionary<string, string?>.Empty.Add(LevelsProperty, chain.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        inner.Name,
                        outer.Name));
                }
            });
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
