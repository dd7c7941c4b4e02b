using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL2002: a <c>Parallel.For</c>/<c>Parallel.ForEach</c> with no bound on its degree whose body blocks (sleeps, waits,
/// synchronous file or network I/O): the thread pool injects a thread for every blocked one. The body lambda is read
/// with the per-item lambdas it runs (LINQ, <c>List.ForEach</c>), not a lambda it merely creates; the methods and local
/// functions it calls, and a method group given as the body, are followed through <see cref="MethodSummaries"/>, and
/// the message names the chain (<c>Load → Read → File.ReadAllText</c>).
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
            var summaries = MethodSummaries.Of(start.Compilation);

            // The locals of a block (an options object kept in a local), gathered only for blocks with a loop.
            var blocks = BlockLocals.Of(start.Compilation);
            start.RegisterOperationAction(
                context =>
                {
                    if (context.Operation is IInvocationOperation { TargetMethod.Name: "For" or "ForEach" } &&
                        constructs.Recognize(context.Operation) is { Kind: ConstructKind.ParallelFor or ConstructKind.ParallelForEach } loop)
                    {
                        Analyze(context, loop, constructs, blocking, blocks, summaries);
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
        BlockLocals blocks,
        MethodSummaries summaries)
    {
        var body = Body((IInvocationOperation)loop.Operation);
        var call = body is IAnonymousFunctionOperation function ? FirstBlockingCall(function, constructs, blocking) : null;
        if (body is null)
        {
            return;
        }

        var locals = loop.DegreeSource is null ? null : blocks.For(loop.Operation);
        if (constructs.DegreeOf(loop, locals) != Degree.Unbounded)
        {
            return;
        }

        // Only for an unbounded loop: what the called methods do is read once per compilation, and only when asked.
        call ??= body switch
        {
            IAnonymousFunctionOperation lambda => FirstHiddenBlockingCall(lambda, constructs, summaries),
            IMethodReferenceOperation reference when summaries.Reach(reference.Method, Effect.Blocks) is { } chain => (reference, chain.ToString()),
            _ => null,
        };
        if (call is not { } found)
        {
            return;
        }

        context.Report(Diagnostic.Create(
            Rules.UnboundedBlockingLoop,
            loop.Location,
            new[] { ParallelConstruct.GetLocation(found.Operation) },
            loop.Name,
            found.Name));
    }

    /// <summary>
    /// The loop's body when it is written as a (synchronous) lambda or anonymous method, or a method group; null
    /// for a delegate from elsewhere.
    /// </summary>
    private static IOperation? Body(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            // An async body is PL2004's finding: it does not hold its thread across an await.
            if (argument.Parameter?.Name == "body" && argument.Value.WalkDownConversion() is IDelegateCreationOperation { Target: var target })
            {
                return target switch
                {
                    IAnonymousFunctionOperation { Symbol.IsAsync: false } function => function,
                    IMethodReferenceOperation reference => reference,
                    _ => null,
                };
            }
        }

        return null;
    }

    /// <summary>The first blocking call the body makes itself, in source order.</summary>
    private static (IOperation Operation, string Name)? FirstBlockingCall(IAnonymousFunctionOperation body, ParallelConstructs constructs, BlockingCalls blocking)
    {
        foreach (var operation in RunInTheBody(body, constructs))
        {
            if (blocking.Recognize(operation) is { } name)
            {
                return (operation, name);
            }
        }

        return null;
    }

    /// <summary>The first call in the body, in source order, to a method that blocks, itself or through its calls.</summary>
    private static (IOperation Operation, string Name)? FirstHiddenBlockingCall(IAnonymousFunctionOperation body, ParallelConstructs constructs, MethodSummaries summaries)
    {
        foreach (var operation in RunInTheBody(body, constructs))
        {
            var callee = operation switch
            {
                IInvocationOperation invocation => invocation.TargetMethod,
                IObjectCreationOperation creation => creation.Constructor,
                IPropertyReferenceOperation property => property.Parent is IAssignmentOperation assignment && assignment.Target == property
                    ? property.Property.SetMethod
                    : property.Property.GetMethod,
                _ => null,
            };
            if (callee is not null && summaries.Reach(callee, Effect.Blocks) is { } chain)
            {
                return (operation, chain.ToString());
            }
        }

        return null;
    }

    /// <summary>The operations that run when the body runs, in source order: not those of lambdas it only creates, nor of local functions it declares.</summary>
    private static IEnumerable<IOperation> RunInTheBody(IAnonymousFunctionOperation body, ParallelConstructs constructs)
    {
        var pending = new Stack<IOperation>();
        pending.Push(body.Body);
        while (pending.Count > 0)
        {
            var operation = pending.Pop();
            yield return operation;

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
    }

    /// <summary>A nested lambda runs in the body when a per-item call (LINQ, <c>List.ForEach</c>) runs it there.</summary>
    private static bool RunsInTheBody(IAnonymousFunctionOperation nested, ParallelConstructs constructs) =>
        !nested.Symbol.IsAsync && constructs.IsPerItemLambda(nested);

}
