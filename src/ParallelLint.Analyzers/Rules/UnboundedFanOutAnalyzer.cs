using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL2003: a task, thread or work item started once per item of a loop or per-item lambda
/// (<c>Task.WhenAll(items.Select(x => Task.Run(..)))</c>, <c>foreach (..) tasks.Add(Task.Run(..))</c>), not joined in
/// the iteration, with nothing bounding how many run at once. A worker pool (a loop over the core count, a
/// worker/thread/partition count or a constant up to 16), starts gated by a semaphore, a <c>Task.WhenAny</c> throttle
/// or a counter cap, and starts inside another parallel body (PL1001's case) are not findings.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedFanOutAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The catalogue's "small constant" for a worker pool: a fixed count this small is a pool, not a fan-out.</summary>
    internal const int MaxWorkerConstant = 16;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.UnboundedFanOut);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Of(start.Compilation);
            var constructs = new ParallelConstructs(types);
            var semaphore = types.Semaphore;
            var interlocked = types.Interlocked;

            // The locals of a block, gathered only for the rare blocks that start a task or thread.
            var blocks = BlockLocals.Of(start.Compilation);
            start.RegisterOperationAction(
                context =>
                {
                    if (constructs.Recognize(context.Operation) is { Kind: var kind } construct && kind.IsFanOut())
                    {
                        var locals = blocks.For(context.Operation);
                        if (IsUnbounded(construct, constructs, locals, semaphore, interlocked))
                        {
                            context.Report(Diagnostic.Create(Rules.UnboundedFanOut, construct.Location, Name(kind)));
                        }
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
        });
    }

    internal static string Name(ConstructKind kind) => kind switch
    {
        ConstructKind.TaskRun => "Task.Run",
        ConstructKind.TaskFactoryStartNew => "Task.Factory.StartNew",
        ConstructKind.Thread => "Thread",
        ConstructKind.TaskStart => "Task.Start",
        _ => "ThreadPool.QueueUserWorkItem",
    };

    private static bool IsUnbounded(
        ParallelConstruct construct,
        ParallelConstructs constructs,
        LocalUsages locals,
        INamedTypeSymbol? semaphore,
        INamedTypeSymbol? interlocked)
    {
        var start = construct.Operation;
        if (FanOut.IterationBody(start, constructs) is not { Parent: { } owner } iteration)
        {
            return false;
        }

        // An async per-item lambda returns at its first await: awaiting the task there does not keep the next
        // item's task from starting.
        var awaitedPerItem = owner is IAnonymousFunctionOperation { Symbol.IsAsync: true } && construct.Kind is not (ConstructKind.Thread or ConstructKind.TaskStart) && IsAwaited(start);
        if (!awaitedPerItem && constructs.DegreeOf(construct, locals) != Degree.Unbounded)
        {
            return false;
        }

        var loop = owner as ILoopOperation ?? (IOperation?)ParallelConstructs.InvokedWith(owner);
        return loop is not null &&
               !IsInsideParallelBody(start, constructs, locals) &&
               !IsWorkerPool(loop, constructs) &&
               !IsGated(iteration, start, constructs.Types, semaphore, interlocked);
    }

    private static bool IsAwaited(IOperation start)
    {
        var parent = start.Parent;
        while (parent is IConversionOperation or IInvocationOperation { TargetMethod.Name: "ConfigureAwait" })
        {
            parent = parent.Parent;
        }

        return parent is IAwaitOperation;
    }

    /// <summary>A start inside another construct's parallel body is nested parallelism: PL1001 reports it.</summary>
    private static bool IsInsideParallelBody(IOperation start, ParallelConstructs constructs, LocalUsages locals)
    {
        for (var node = start.Parent; node is not null; node = node.Parent)
        {
            if (node is IAnonymousFunctionOperation function &&
                constructs.OwnerOfBody(function) is { } outer &&
                constructs.DegreeOf(outer, locals).IsParallel())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A loop or per-item call over a fixed number of workers: up to the core count, a count named for workers
    /// (<c>workerCount</c>, <c>threads</c>, <c>partitions</c>, <c>degree</c>...), or a constant up to 16.
    /// </summary>
    private static bool IsWorkerPool(IOperation owner, ParallelConstructs constructs)
    {
        bool IsCollection(IOperation? collection) => collection?.WalkDownConversion() switch
        {
            IInvocationOperation { TargetMethod.Name: "Range", Arguments.Length: 2 } range
                when KnownTypes.Is(range.TargetMethod.ContainingType, constructs.Types.Enumerable) => range.Argument(1) is { } count && IsWorkerCount(count.Value, constructs),
            IInvocationOperation { TargetMethod.Name: "Repeat", Arguments.Length: 2 } repeat
                when KnownTypes.Is(repeat.TargetMethod.ContainingType, constructs.Types.Enumerable) => repeat.Argument(1) is { } times && IsWorkerCount(times.Value, constructs),
            IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues.Length <= MaxWorkerConstant,

            // A collection of workers (foreach (var worker in workers)).
            ILocalReferenceOperation local => IsWorkerName(local.Local.Name),
            IParameterReferenceOperation parameter => IsWorkerName(parameter.Parameter.Name),
            IFieldReferenceOperation field => IsWorkerName(field.Field.Name),
            IPropertyReferenceOperation property => IsWorkerName(property.Property.Name),
            _ => false,
        };

        switch (owner)
        {
            case IForLoopOperation { Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } condition }:
                return IsWorkerCount(condition.RightOperand, constructs);
            case IForLoopOperation { Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual } condition }:
                return IsWorkerCount(condition.LeftOperand, constructs);
            case IForEachLoopOperation loop:
                return IsCollection(loop.Collection);
            case IInvocationOperation call:
                // A per-item LINQ call: its source is the receiver.
                return IsCollection(call.Receiver());
            default:
                return false;
        }
    }

    private static bool IsWorkerCount(IOperation count, ParallelConstructs constructs)
    {
        count = count.WalkDownConversion();
        if (count.ConstantValue is { HasValue: true, Value: int constant })
        {
            return constant <= MaxWorkerConstant;
        }

        // The core count, or arithmetic on it (Environment.ProcessorCount - 1, Cores.Available * 2).
        foreach (var operation in count.DescendantsAndSelf())
        {
            if (operation is IPropertyReferenceOperation && constructs.ValueDegree(operation) is Degree.AllCores or Degree.Share)
            {
                return true;
            }

            var name = operation switch
            {
                ILocalReferenceOperation local => local.Local.Name,
                IParameterReferenceOperation parameter => parameter.Parameter.Name,
                IFieldReferenceOperation field => field.Field.Name,
                IPropertyReferenceOperation property => property.Property.Name,
                _ => null,
            };
            if (name is not null && IsWorkerName(name))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly string[] WorkerWords =
    {
        "worker", "thread", "partition", "degree", "parallelism", "concurren", "core", "cpu", "processor", "slot", "consumer", "shard",
    };

    private static bool IsWorkerName(string name)
    {
        foreach (var word in WorkerWords)
        {
            if (name.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Starts bounded by the iteration: a semaphore waited in it (before the start, or inside the started body), a
    /// <c>Task.WhenAny</c>/<c>WaitAny</c> throttle, or a counter cap (a comparison on a count the iteration changes,
    /// or on an <c>Interlocked</c> result). Conservative: any such check anywhere in the iteration counts.
    /// </summary>
    private static bool IsGated(IOperation iteration, IOperation start, KnownTypes types, INamedTypeSymbol? semaphore, INamedTypeSymbol? interlocked)
    {
        var changed = new System.Collections.Generic.HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var comparisons = new System.Collections.Generic.List<IBinaryOperation>();
        foreach (var operation in iteration.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IInvocationOperation { TargetMethod: { Name: "Wait" or "WaitAsync" or "WaitOne" } method }
                    when KnownTypes.Is(method.ContainingType, types.SemaphoreSlim) || KnownTypes.Is(method.ContainingType, semaphore):
                    return true;
                case IInvocationOperation { TargetMethod: { Name: "WhenAny" or "WaitAny" } method } when KnownTypes.Is(method.ContainingType, types.Task):
                    return true;
                case IInvocationOperation { TargetMethod: var method } call when KnownTypes.Is(method.ContainingType, interlocked):
                    foreach (var argument in call.Arguments)
                    {
                        if (argument.Parameter?.RefKind == RefKind.Ref && Counted(argument.Value) is { } counter)
                        {
                            changed.Add(counter);
                        }
                    }

                    break;
                case IIncrementOrDecrementOperation step when Counted(step.Target) is { } counter:
                    changed.Add(counter);
                    break;
                case ICompoundAssignmentOperation compound when Counted(compound.Target) is { } counter:
                    changed.Add(counter);
                    break;
                case IBinaryOperation
                {
                    OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or
                        BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual
                } comparison when comparison.Syntax.SpanStart < start.Syntax.SpanStart || start.Syntax.Span.Contains(comparison.Syntax.Span):
                    comparisons.Add(comparison);
                    break;
            }
        }

        foreach (var comparison in comparisons)
        {
            foreach (var side in new[] { comparison.LeftOperand.WalkDownConversion(), comparison.RightOperand.WalkDownConversion() })
            {
                if ((side is IInvocationOperation { TargetMethod: var method } && KnownTypes.Is(method.ContainingType, interlocked)) ||
                    (Counted(side) is { } counter && changed.Contains(counter)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The variable a counter expression names: a local, parameter or field, also read through <c>Volatile.Read(ref x)</c>.</summary>
    private static ISymbol? Counted(IOperation value) => value.WalkDownConversion() switch
    {
        IInvocationOperation { Arguments.Length: 1 } read when read.Arguments[0].Parameter is { RefKind: not RefKind.None and not RefKind.Out } =>
            Counted(read.Arguments[0].Value),
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        _ => null,
    };

}
