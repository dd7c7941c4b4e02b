using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL1002: inside a parallel body, a call that reaches parallel work through any chain of calls within the
/// compilation, a member marked <c>[RunsParallelWork]</c>, or an API listed in <c>parallellint.parallel_apis</c>.
/// </summary>
/// <remarks>
/// Every operation block is walked once, recording calls and parallel constructs per function (lambdas count
/// for the function they are written in; local functions are functions of their own). At the end of the
/// compilation one backward pass over the call graph finds every function that reaches parallel work, so the
/// cost stays linear: no callee is walked again per call site. Virtual calls count only where the runtime target
/// is certain (see <see cref="CallGraph.Target"/>).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HiddenNestedParallelismAnalyzer : DiagnosticAnalyzer
{
    internal const string ParallelApisOption = "parallellint.parallel_apis";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Rules.HiddenNestedParallelism);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var constructs = new ParallelConstructs(KnownTypes.Of(start.Compilation));
            var graph = new CallGraph();
            var sites = new ConcurrentBag<CallSite>();

            var listedAtStart = ApiList.FromOptions(start.Options, start.Compilation, ParallelApisOption);
            var attribute = constructs.Types.RunsParallelWorkAttribute;

            // Asked for every call into another assembly: each callee's attributes are read once.
            var marked = new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default);
            System.Func<ISymbol, bool> readMark = f => f.GetAttributes().Any(a => KnownTypes.Is(a.AttributeClass, attribute));
            bool IsMarked(ISymbol function) => attribute is not null && marked.GetOrAdd(function, readMark);
            bool External(ISymbol function) => IsMarked(function) || listedAtStart.Contains(function);
            start.RegisterOperationBlockAction(block => new BlockRecorder(constructs, graph, sites, External).Record(block.OperationBlocks, block.OwningSymbol));
            start.RegisterSymbolAction(symbol => graph.Implementations.Record((INamedTypeSymbol)symbol.Symbol), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end =>
            {
                if (sites.IsEmpty)
                {
                    return;
                }

                string? External(ISymbol function) =>
                    IsMarked(function) ? "[RunsParallelWork]"
                    : listedAtStart.Contains(function) ? "(" + ParallelApisOption + ")"
                    : null;
                var reached = graph.Resolve(External);
                Dictionary<ISymbol, (ISymbol? Next, string Construct)>? byDefault = null;
                foreach (var site in sites)
                {
                    if ((site.IsExact ? site.Callee : graph.Target(site.Callee)) is not { } target)
                    {
                        continue;
                    }

                    var chains = reached.ContainsKey(target) ? reached
                        : site.RunsDefaults ? byDefault ??= graph.Resolve(External, withDefaults: true)
                        : null;
                    if (chains is not null && chains.ContainsKey(target) && Chain(target, chains, site.Function) is { } chain)
                    {
                        end.Report(Diagnostic.Create(Rules.HiddenNestedParallelism, site.Location, new[] { site.OuterLocation }, chain, site.Outer));
                    }
                }
            });
        });
    }

    /// <summary>
    /// <c>Fit → Solve → Parallel.For</c>; null when the chain leads back to the calling function: a parallel body
    /// that calls its own method is recursive fork-join, nesting on purpose.
    /// </summary>
    private static string? Chain(ISymbol start, Dictionary<ISymbol, (ISymbol? Next, string Construct)> reached, ISymbol caller)
    {
        var names = new List<string>();
        for (ISymbol? function = start; function is not null; function = reached[function].Next)
        {
            if (SymbolEqualityComparer.Default.Equals(function, caller))
            {
                return null;
            }

            names.Add(MethodSummaries.NameOf(function));
            if (reached[function].Next is null)
            {
                names.Add(reached[function].Construct);
            }
        }

        return string.Join(" → ", names);
    }

    private sealed class CallSite
    {
        public CallSite(Location location, ISymbol callee, ISymbol function, string outer, Location outerLocation, bool isExact = false, bool runsDefaults = false)
        {
            Location = location;
            Callee = callee;
            IsExact = isExact;
            RunsDefaults = runsDefaults;
            Function = function;
            Outer = outer;
            OuterLocation = outerLocation;
        }

        public Location Location { get; }
        public ISymbol Callee { get; }

        /// <summary>The callee is the method that runs: the receiver's exact type is known.</summary>
        public bool IsExact { get; }

        /// <summary>
        /// The callee runs with the options its type gives by default: its object was just created and left alone, or
        /// it is this object, whose options (unbounded by default) already run the outer level. Only then does parallel
        /// work that is unbounded by default count.
        /// </summary>
        public bool RunsDefaults { get; }
        public ISymbol Function { get; }
        public string Outer { get; }
        public Location OuterLocation { get; }
    }

    /// <summary>Records, for one operation block, calls and constructs per function and the call sites in parallel bodies.</summary>
    private sealed class BlockRecorder
    {
        private readonly ParallelConstructs constructs;
        private readonly CallGraph graph;
        private readonly ConcurrentBag<CallSite> sites;
        private readonly ParallelBodyWalker walker;
        private readonly System.Func<ISymbol, bool> external;

        public BlockRecorder(ParallelConstructs constructs, CallGraph graph, ConcurrentBag<CallSite> sites, System.Func<ISymbol, bool> external)
        {
            this.constructs = constructs;
            this.graph = graph;
            this.sites = sites;
            this.external = external;
            walker = new ParallelBodyWalker(constructs);
        }

        public void Record(ImmutableArray<IOperation> blocks, ISymbol owner) => walker.Walk(blocks, owner, Visit);

        private void Visit(IOperation operation, ISymbol function, ParallelBody? body)
        {
            // By kind before any type test: this runs on every operation of every block.
            switch (operation.Kind)
            {
                case OperationKind.MethodReference when ParallelConstructs.InvokedWith(operation) is { } owner:
                    var reference = (IMethodReferenceOperation)operation;
                    Call(function, body, reference, reference.Method);
                    if (body is null && constructs.Recognize(owner) is { } construct && !IsProtected(construct) &&
                        constructs.DegreeOf(construct, walker.Locals).Nests())
                    {
                        // A method group run as the parallel body itself.
                        sites.Add(new CallSite(reference.Syntax.GetLocation(), reference.Method.OriginalDefinition, function, construct.Name, construct.Location));
                    }

                    break;

                case OperationKind.Invocation:
                    var invocation = (IInvocationOperation)operation;
                    Call(function, body, invocation, invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod);
                    break;

                case OperationKind.ObjectCreation when ((IObjectCreationOperation)operation).Constructor is { } constructor:
                    Call(function, body, operation, constructor);
                    break;

                case OperationKind.PropertyReference:
                    var property = (IPropertyReferenceOperation)operation;
                    var written = property.Parent is IAssignmentOperation assignment && assignment.Target == property;
                    if ((written ? property.Property.SetMethod : property.Property.GetMethod) is { } accessor)
                    {
                        Call(function, body, property, accessor);
                    }

                    break;

                case OperationKind.Binary when ((IBinaryOperation)operation).OperatorMethod is { } op:
                    Call(function, body, operation, op);
                    break;

                case OperationKind.Unary when ((IUnaryOperation)operation).OperatorMethod is { } op:
                    Call(function, body, operation, op);
                    break;

                case OperationKind.Conversion when ((IConversionOperation)operation).OperatorMethod is { } op:
                    Call(function, body, operation, op);
                    break;
            }

            if (constructs.Recognize(operation) is { } found && constructs.DegreeOf(found, walker.Locals) is var degree && degree.Nests())
            {
                graph.AddConstruct(function, found.Name, byDefault: !degree.IsParallel());
            }
        }

        // The runtime's executor gives each item its share, which callees sized by Cores.Available respect; what a
        // callee does is not known at the call, so calls from its items are left alone rather than guessed.
        private static bool IsProtected(ParallelConstruct construct) => construct.Kind == ConstructKind.RuntimeExecutor;

        private static bool IsInSource(ISymbol symbol)
        {
            foreach (var location in symbol.Locations)
            {
                if (location.IsInSource)
                {
                    return true;
                }
            }

            return false;
        }

        private void Call(ISymbol function, ParallelBody? body, IOperation site, IMethodSymbol callee)
        {
            // Calls into other assemblies lead nowhere in the graph unless marked or listed: most calls, not kept.
            ISymbol target = callee.OriginalDefinition;
            var isExact = false;
            var receiver = (site as IInvocationOperation)?.Instance ?? (site as IPropertyReferenceOperation)?.Instance;
            var creation = body is not null && site is IInvocationOperation && receiver is not null ? ExactReceivers.CreationOf(receiver, walker.Locals) : null;
            if (creation is { Type: { } type } && Implementations.CanBeOverridden(callee) && Implementations.ExactTarget(callee, type) is { } exact)
            {
                // A virtual call on an object just created: the method that runs is known.
                target = exact;
                isExact = true;
            }

            if (!IsInSource(target) && !external(target))
            {
                return;
            }

            graph.AddCall(function, target, isExact);
            if (body is null || IsProtected(body.Construct))
            {
                return;
            }

            // A local function declared inside the body is PL1001's: its constructs are already inside the body.
            if (target is IMethodSymbol { MethodKind: MethodKind.LocalFunction } local &&
                local.DeclaringSyntaxReferences.Any(r => body.Delegate.Syntax.Span.Contains(r.Span)))
            {
                return;
            }

            var runsDefaults = creation is not null ? ExactReceivers.HasDefaultOptions(creation, receiver!, walker.Locals)
                : receiver is null or IInstanceReferenceOperation && body.Degree == Degree.UnboundedByDefault;
            sites.Add(new CallSite(ParallelConstruct.GetLocation(site), target, function, body.Construct.Name, body.Construct.Location, isExact, runsDefaults));
        }
    }
}
