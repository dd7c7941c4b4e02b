using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL3001: a child process per item whose starts are concurrent: started in a loop or per-item lambda and not
/// waited for in the same iteration (every item's process at once), or started inside a parallel body (a thread
/// blocked per process). A sequential start-and-wait loop, and a few long-lived workers (a loop over the core
/// count or a small constant), are not findings.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ProcessPerItemAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: <c>Parallel</c> for a start inside a parallel body, <c>FanOut</c> for one not waited for.</summary>
    internal const string ShapeProperty = "Shape";

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

            // The locals of a block, gathered only for the rare blocks that start a process.
            var blocks = BlockLocals.Of(start.Compilation);
            start.RegisterOperationAction(
                context =>
                {
                    // Thread.Start, Task.Start... need no locals: only a Process start asks for the block's.
                    if (context.Operation is IInvocationOperation { TargetMethod: { Name: "Start" } method } &&
                        KnownTypes.Is(method.ContainingType, types.Process))
                    {
                        var locals = blocks.For(context.Operation);
                        if (ProcessStart.Recognize(context.Operation, types, locals) is { } process)
                        {
                            Analyze(context, process, constructs, locals);
                        }
                    }
                },
                OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, ProcessStart process, ParallelConstructs constructs, LocalUsages locals)
    {
        if (process.PerItem(constructs, locals) is not { } perItem || IsGated(perItem.Body, constructs.Types))
        {
            return;
        }

        string where;
        string shape;
        switch (perItem.Kind)
        {
            case PerItemKind.ParallelBody:
                where = "inside the parallel body of " + constructs.OwnerOfBody((IAnonymousFunctionOperation)perItem.Body)!.Name +
                        ": a thread waits on each process, and the parent pays for every start one after another";
                shape = ParallelShape;
                break;

            // An async per-item lambda returns at its first await: awaiting the process there does not keep the
            // next item's process from starting.
            case PerItemKind.PerItemLambda when perItem.Body is IAnonymousFunctionOperation { Symbol.IsAsync: true }:
            case PerItemKind.Loop or PerItemKind.PerItemLambda when !process.IsWaitedWithin(perItem.Body, locals):
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

        context.Report(Diagnostic.Create(
            Rules.ProcessPerItem,
            ParallelConstruct.GetLocation(process.Invocation),
            ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, shape),
            process.Name,
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
