using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL2002: a <c>Parallel.For</c>/<c>Parallel.ForEach</c> with no bound on its degree whose body blocks (sleeps, waits,
/// synchronous file or network I/O): the thread pool injects a thread for every blocked one. Only the body lambda
/// itself is read, with the per-item lambdas it runs (LINQ, <c>List.ForEach</c>); a lambda it merely creates, a
/// local function and a called method are not followed.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedBlockingLoopAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.UnboundedBlockingLoop);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Of(start.Compilation);
            if (types.Parallel is null)
            {
                return;
            }

            var constructs = new ParallelConstructs(types);
            var blocking = BlockingCalls.Of(start.Compilation);

            // The locals of a block (an options object kept in a local), gathered only for blocks with a loop.
            var blocks = BlockLocals.Of(start.Compilation);
            start.RegisterOperationAction(
                context =>
                {
                    if (context.Operation is IInvocationOperation { TargetMethod.Name: "For" or "ForEach" } &&
                        constructs.Recognize(context.Operation) is { Kind: ConstructKind.ParallelFor or ConstructKind.ParallelForEach } loop)
                    {
                        Analyze(context, loop, constructs, blocking, blocks);
                    }
                },
                OperationKind.Invocation);
        });
    }

    private static void Analyze(
        OperationAnalysisContext context,
        ParallelConstruct loop,
        ParallelConstructs constructs,
        BlockingCalls blocking,
        BlockLocals blocks)
    {
        if (Body((IInvocationOperation)loop.Operation) is not { } body ||
            FirstBlockingCall(body, constructs, blocking) is not { } call)
        {
            return;
        }

        var locals = loop.DegreeSource is null ? null : blocks.For(loop.Operation);
        if (constructs.DegreeOf(loop, locals) != Degree.Unbounded)
        {
            return;
        }

        context.Report(Diagnostic.Create(
            Rules.UnboundedBlockingLoop,
            loop.Location,
            new[] { ParallelConstruct.GetLocation(call.Operation) },
            loop.Name,
            call.Name));
    }

    /// <summary>The loop's body, when it is written as a (synchronous) lambda or anonymous method.</summary>
    private static IAnonymousFunctionOperation? Body(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            // An async body is PL2004's finding: it does not hold its thread across an await.
            if (argument.Parameter?.Name == "body" &&
                argument.Value.WalkDownConversion() is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Symbol.IsAsync: false } function })
            {
                return function;
            }
        }

        return null;
    }

    /// <summary>The first blocking call the body makes itself, in source order.</summary>
    private static (IOperation Operation, string Name)? FirstBlockingCall(IAnonymousFunctionOperation body, ParallelConstructs constructs, BlockingCalls blocking)
    {
        var pending = new Stack<IOperation>();
        pending.Push(body.Body);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            if (blocking.Recognize(operation) is { } name)
            {
                return (operation, name);
            }

            // Children pushed last first, so that they are visited in source order.
            var children = new List<IOperation>(operation.ChildOperations);
            for (var i = children.Count - 1; i >= 0; i--)
            {
                var child = children[i];
                if (child is ILocalFunctionOperation ||
                    (child is IAnonymousFunctionOperation nested && !RunsInTheBody(nested, constructs)))
                {
                    continue;
                }

                pending.Push(child);
            }
        }

        return null;
    }

    /// <summary>A nested lambda runs in the body when a per-item call (LINQ, <c>List.ForEach</c>) runs it there.</summary>
    private static bool RunsInTheBody(IAnonymousFunctionOperation nested, ParallelConstructs constructs) =>
        !nested.Symbol.IsAsync && constructs.IsPerItemLambda(nested);

}
