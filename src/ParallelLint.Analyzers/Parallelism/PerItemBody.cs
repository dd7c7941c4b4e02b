using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>What runs a per-item body once per item.</summary>
internal enum PerItemBodyKind
{
    /// <summary>A <c>for</c>, <c>foreach</c>, <c>while</c> or <c>do</c> loop (a loop over received messages too).</summary>
    Loop,

    /// <summary>A lambda a sequential per-item method runs once per item (<c>Select</c>, <c>List.ForEach</c>...).</summary>
    PerItemLambda,

    /// <summary>The body of a per-item parallel construct (<c>Parallel.For/ForEach</c>, PLINQ, Dataflow, the executor).</summary>
    ParallelBody,

    /// <summary>A local function every call of which runs once per item.</summary>
    LocalFunction,
}

/// <summary>
/// The one policy for "the code that runs once per item": the body of a loop, of a per-item lambda or of a per-item
/// parallel construct, or a local function only called from such bodies. Other lambdas (a <c>Task.Run</c> started per
/// item, a callback) belong to the body they are written in; <c>Parallel.Invoke</c> runs each action once.
/// </summary>
internal sealed class PerItemBody
{
    // Local functions calling local functions: followed this deep, then not per item.
    private const int MaxDepth = 8;

    // A local function's callers are found by walking its whole block: once per local function, for all its candidates.
    private static readonly ConditionalWeakTable<ILocalFunctionOperation, StrongBox<PerItemBody?>> LocalFunctions = new();

    private PerItemBody(PerItemBodyKind kind, IOperation scope, IOperation owner, ImmutableArray<PerItemBody> callers)
    {
        Kind = kind;
        Scope = scope;
        Owner = owner;
        Callers = callers;
    }

    public PerItemBodyKind Kind { get; }

    /// <summary>The loop (with its header: the iteration variable is per item), the lambda, or the local function.</summary>
    public IOperation Scope { get; }

    /// <summary>
    /// What runs the body: the loop, the call the lambda is passed to, or for a local function the owner of its first
    /// caller. The statement holding it is where data is staged or hoisted.
    /// </summary>
    public IOperation Owner { get; }

    /// <summary>For a local function, the per-item bodies it is called from; empty otherwise.</summary>
    public ImmutableArray<PerItemBody> Callers { get; }

    /// <summary>True for a loop: a <c>break</c> or <c>return</c> in it ends the items.</summary>
    public bool IsLoop => Kind == PerItemBodyKind.Loop;

    /// <summary>True when <paramref name="span"/> (in the same tree) is in the body or, for a local function, in a caller.</summary>
    public bool Runs(TextSpan span) => Scope.Syntax.Span.Contains(span) || Callers.Any(caller => caller.Runs(span));

    /// <summary>True when <paramref name="symbol"/> is declared in the body: it is a new variable per item.</summary>
    public bool Declares(ISymbol symbol) => DeclaredWithin(symbol, Scope.Syntax);

    /// <summary>The innermost per-item body that runs <paramref name="operation"/>, or null.</summary>
    public static PerItemBody? Of(IOperation operation, ParallelConstructs constructs) => Of(operation, constructs, 0);

    public static bool DeclaredWithin(ISymbol symbol, SyntaxNode node)
    {
        foreach (var location in symbol.Locations)
        {
            if (location.IsInSource && location.SourceTree == node.SyntaxTree && node.Span.Contains(location.SourceSpan))
            {
                return true;
            }
        }

        return false;
    }

    private static PerItemBody? Of(IOperation operation, ParallelConstructs constructs, int depth)
    {
        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case ILoopOperation loop when loop.Body == child:
                    return new PerItemBody(PerItemBodyKind.Loop, loop, loop, ImmutableArray<PerItemBody>.Empty);
                case IAnonymousFunctionOperation function when constructs.IsPerItemLambda(function) &&
                                                               ParallelConstructs.InvokedWith(function) is { } call:
                    return new PerItemBody(PerItemBodyKind.PerItemLambda, function, call, ImmutableArray<PerItemBody>.Empty);
                case IAnonymousFunctionOperation function when constructs.OwnerOfBody(function) is { } construct && IsPerItem(construct.Kind):
                    return new PerItemBody(PerItemBodyKind.ParallelBody, function, construct.Operation, ImmutableArray<PerItemBody>.Empty);
                case ILocalFunctionOperation local:
                    return depth < MaxDepth ? LocalFunctions.GetValue(local, f => new StrongBox<PerItemBody?>(OfLocalFunction(f, constructs, depth))).Value : null;
                case IMethodBodyBaseOperation:
                    return null;
            }
        }

        return null;
    }

    private static bool IsPerItem(ConstructKind kind) =>
        kind is ConstructKind.ParallelFor or ConstructKind.ParallelForEach or ConstructKind.ParallelForAsync or
            ConstructKind.ParallelForEachAsync or ConstructKind.Plinq or ConstructKind.RuntimeExecutor or ConstructKind.DataflowBlock;

    /// <summary>A local function called (never used as a delegate) only from per-item bodies outside itself.</summary>
    private static PerItemBody? OfLocalFunction(ILocalFunctionOperation function, ParallelConstructs constructs, int depth)
    {
        var callers = ImmutableArray.CreateBuilder<PerItemBody>();
        foreach (var operation in function.Root().Descendants())
        {
            IMethodSymbol? target = operation switch
            {
                IInvocationOperation call => call.TargetMethod,
                IMethodReferenceOperation reference => reference.Method,
                _ => null,
            };
            if (target is null || !SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, function.Symbol))
            {
                continue;
            }

            if (operation is not IInvocationOperation || function.Syntax.Span.Contains(operation.Syntax.Span) ||
                Of(operation, constructs, depth + 1) is not { } caller)
            {
                return null;
            }

            callers.Add(caller);
        }

        return callers.Count == 0
            ? null
            : new PerItemBody(PerItemBodyKind.LocalFunction, function, callers[0].Owner, callers.ToImmutable());
    }
}
