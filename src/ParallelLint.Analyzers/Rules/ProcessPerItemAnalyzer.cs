using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL3001: a child process per item whose starts are concurrent: started in a loop or per-item lambda and not
/// waited for in the same iteration (every item's process at once), or started inside a parallel body (a thread
/// blocked per process). A sequential start-and-wait loop, and a few long-lived workers (a loop over the core
/// count or a small constant), are not findings. The same through a call (<see cref="MethodSummaries"/>): a per-item
/// body that calls a method which starts a process (in a parallel body), or which starts one and returns without
/// waiting for it nor returning it (in a loop or per-item lambda); a method group given as a parallel body.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ProcessPerItemAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: <c>Parallel</c> for a start inside a parallel body, <c>FanOut</c> for one not waited for.</summary>
    internal const string ShapeProperty = "Shape";

    /// <summary>Diagnostic property, set when the start is in a called method: that method's name. The fixes rewrite starts they can see.</summary>
    internal const string ThroughProperty = "Through";

    internal const string ParallelShape = "Parallel";
    internal const string FanOutShape = "FanOut";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.ProcessPerItem);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Of(start.Compilation);
            if (types.Process is null)
            {
                return;
            }

            var constructs = new ParallelConstructs(types);
            var summaries = MethodSummaries.Of(start.Compilation);

            // The locals of a block, gathered only for the rare blocks that start a process.
            var blocks = BlockLocals.Of(start.Compilation);
            start.RegisterOperationAction(
                context =>
                {
                    // Thread.Start, Task.Start... need no locals: only a Process start asks for the block's.
                    var method = ((IInvocationOperation)context.Operation).TargetMethod;
                    if (method.Name == "Start" && KnownTypes.Is(method.ContainingType, types.Process))
                    {
                        var locals = blocks.For(context.Operation);
                        if (ProcessStart.Recognize(context.Operation, types, locals) is { } process &&
                            process.PerItem(constructs, locals) is { } perItem)
                        {
                            Report(context, perItem, constructs, process.Name, process.IsWaitedWithin(perItem.Body, locals), through: null);
                        }
                    }
                    else
                    {
                        AnalyzeCall(context, method, constructs, blocks, summaries);
                    }
                },
                OperationKind.Invocation);
            start.RegisterOperationAction(
                context =>
                {
                    if (((IObjectCreationOperation)context.Operation).Constructor is { } constructor)
                    {
                        AnalyzeCall(context, constructor, constructs, blocks, summaries);
                    }
                },
                OperationKind.ObjectCreation);
            start.RegisterOperationAction(context => AnalyzeMethodGroup(context, constructs, blocks, summaries), OperationKind.MethodReference);
        });
    }

    /// <summary>A call, in a per-item body, to a method of this compilation that starts a process.</summary>
    private static void AnalyzeCall(OperationAnalysisContext context, IMethodSymbol callee, ParallelConstructs constructs, BlockLocals blocks, MethodSummaries summaries)
    {
        // Most calls go to other assemblies: ruled out before any walk up the tree.
        if (summaries.Follow(callee) is null)
        {
            return;
        }

        LocalUsages? locals = null;
        if (ProcessStart.PerItemBody(context.Operation, constructs, () => locals ??= blocks.For(context.Operation)) is not { } perItem)
        {
            return;
        }

        // In a sequential loop, a method that waits for its process is a sequential start-and-wait: only one that
        // leaves it running fans out. An async per-item lambda returns at its first await: any start fans out.
        var fanOut = perItem.Kind != PerItemKind.ParallelBody && perItem.Body is not IAnonymousFunctionOperation { Symbol.IsAsync: true };
        if (summaries.Reach(callee, fanOut ? Effect.LeavesProcessRunning : Effect.StartsProcess) is { } chain)
        {
            Report(context, perItem, constructs, chain.ToString(), waited: false, through: MethodSummaries.NameOf(chain.Functions[0]));
        }
    }

    /// <summary><c>Parallel.ForEach(items, Run)</c> where <c>Run</c> starts a process.</summary>
    private static void AnalyzeMethodGroup(OperationAnalysisContext context, ParallelConstructs constructs, BlockLocals blocks, MethodSummaries summaries)
    {
        var reference = (IMethodReferenceOperation)context.Operation;
        if (ParallelConstructs.InvokedWith(reference) is { } owner &&
            summaries.Follow(reference.Method) is not null &&
            constructs.Recognize(owner) is { } construct &&
            constructs.DegreeOf(construct, blocks.For(owner)).IsParallel() &&
            summaries.Reach(reference.Method, Effect.StartsProcess) is { } chain)
        {
            Report(context, (PerItemKind.ParallelBody, reference, construct.Operation), constructs, chain.ToString(), waited: false, through: MethodSummaries.NameOf(chain.Functions[0]));
        }
    }

    private static void Report(
        OperationAnalysisContext context,
        (PerItemKind Kind, IOperation Body, IOperation Owner) perItem,
        ParallelConstructs constructs,
        string start,
        bool waited,
        string? through)
    {
        if (IsGated(perItem.Body, constructs.Types))
        {
            return;
        }

        string where;
        string shape;
        switch (perItem.Kind)
        {
            case PerItemKind.ParallelBody:
                var outer = perItem.Body is IAnonymousFunctionOperation function ? constructs.OwnerOfBody(function) : constructs.Recognize(perItem.Owner);
                where = "inside the parallel body of " + outer!.Name +
                        ": a thread waits on each process, and the parent pays for every start one after another";
                shape = ParallelShape;
                break;

            // An async per-item lambda returns at its first await: awaiting the process there does not keep the
            // next item's process from starting.
            case PerItemKind.PerItemLambda when perItem.Body is IAnonymousFunctionOperation { Symbol.IsAsync: true }:
            case PerItemKind.Loop or PerItemKind.PerItemLambda when !waited:
                if (IsFewWorkers(perItem.Owner, constructs, RuleOptions.MaxConstantDegree(context.Options, context.Operation.Syntax.SyntaxTree)))
                {
                    return;
                }

                where = (perItem.Kind == PerItemKind.Loop ? "of this loop" : "of " + Name(perItem.Owner)) +
                        " without waiting for it: every item's process runs at once, however many cores there are";
                shape = FanOutShape;
                break;
            default:
                return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, shape);
        context.Report(Diagnostic.Create(
            Rules.ProcessPerItem,
            ParallelConstruct.GetLocation(context.Operation),
            through is null ? properties : properties.Add(ThroughProperty, through),
            start,
            where));
    }

    /// <summary>
    /// A loop or per-item call over a fixed small number of workers: a count up to the core count or to
    /// <c>parallellint.max_constant_degree</c> (<c>for (i = 0; i &lt; n; i++)</c>, <c>Enumerable.Range(0, n)</c>, an
    /// array written out with that many elements).
    /// </summary>
    private static bool IsFewWorkers(IOperation owner, ParallelConstructs constructs, int maxConstant)
    {
        bool IsSmall(IOperation? count) => count is not null && constructs.ValueDegree(count) switch
        {
            Degree.AllCores or Degree.Share => true,
            Degree.One => true,
            Degree.Bounded => count.WalkDownConversion().ConstantValue is { HasValue: true, Value: int constant } && constant <= maxConstant,
            _ => false,
        };

        bool IsSmallCollection(IOperation? collection) => collection?.WalkDownConversion() switch
        {
            IInvocationOperation { TargetMethod.Name: "Range", Arguments.Length: 2 } range
                when KnownTypes.Is(range.TargetMethod.ContainingType, constructs.Types.Enumerable) => range.Argument(1) is { } count && IsSmall(count.Value),
            IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues.Length <= maxConstant,
            _ => false,
        };

        switch (owner)
        {
            case IForLoopOperation { Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } condition }:
                return IsSmall(condition.RightOperand);
            case IForEachLoopOperation loop:
                return IsSmallCollection(loop.Collection);
            case IInvocationOperation call:
                // A per-item LINQ call: its source is the receiver.
                return IsSmallCollection(call.Receiver());
            default:
                return false;
        }
    }

    /// <summary>Starts that wait on a <c>SemaphoreSlim</c> in the same body are bounded by it.</summary>
    private static bool IsGated(IOperation body, KnownTypes types)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation { TargetMethod: { Name: "Wait" or "WaitAsync" } method } &&
                KnownTypes.Is(method.ContainingType, types.SemaphoreSlim))
            {
                return true;
            }
        }

        return false;
    }

    private static string Name(IOperation owner) =>
        owner is IInvocationOperation { TargetMethod: var method } ? method.Name : "this call";

}
