using System.Collections.Immutable;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>The parallel body an operation runs in: the construct and the delegate it runs.</summary>
internal sealed class ParallelBody
{
    public ParallelBody(ParallelConstruct construct, IOperation delegateBody, Degree degree)
    {
        Construct = construct;
        Delegate = delegateBody;
        Degree = degree;
    }

    public ParallelConstruct Construct { get; }

    /// <summary>The construct's degree, read once when its body is entered.</summary>
    public Degree Degree { get; }

    public IOperation Delegate { get; }
}

/// <summary>
/// Walks an operation block once, telling for every operation the function it belongs to (lambdas count for
/// the function they are written in; local functions are functions of their own) and the parallel body it runs
/// in, if any. An explicit stack: generated code nests expressions deeper than recursion could follow.
/// </summary>
internal sealed class ParallelBodyWalker
{
    public delegate void Visitor(IOperation operation, ISymbol function, ParallelBody? body);

    private readonly ParallelConstructs constructs;
    private ImmutableArray<IOperation> blocks;
    private LocalUsages? locals;

    public ParallelBodyWalker(ParallelConstructs constructs) => this.constructs = constructs;

    /// <summary>
    /// The locals of the walked block, gathered on first use: only blocks with parallel constructs need them
    /// (degrees and fan-out depend on every use of a local), and most blocks have none.
    /// </summary>
    public LocalUsages Locals => locals ??= LocalUsages.Of(blocks);

    // One stack per thread, reused block after block: a new one per block grew from empty by doubling every time.
    [System.ThreadStatic]
    private static Stack<(IOperation Operation, ISymbol Function, ParallelBody? Body)>? stack;

    public void Walk(ImmutableArray<IOperation> blocks, ISymbol owner, Visitor visit)
    {
        this.blocks = blocks;
        locals = null;
        var pending = stack ??= new Stack<(IOperation Operation, ISymbol Function, ParallelBody? Body)>();
        pending.Clear();
        foreach (var block in blocks)
        {
            pending.Push((block, owner.OriginalDefinition, null));
        }

        while (pending.Count > 0)
        {
            var (operation, function, body) = pending.Pop();

            // By kind before any type test: this runs on every operation of every block.
            switch (operation.Kind)
            {
                case OperationKind.LocalFunction:
                    // What a local function's body does happens where it is called.
                    function = ((ILocalFunctionOperation)operation).Symbol;
                    body = null;
                    break;
                case OperationKind.AnonymousFunction when constructs.OwnerOfBody((IAnonymousFunctionOperation)operation) is { } outer &&
                                                          constructs.DegreeOf(outer, Locals) is var degree && degree.Nests():
                    body = new ParallelBody(outer, operation, degree);
                    break;
            }

            visit(operation, function, body);
            foreach (var child in operation.ChildOperations)
            {
                pending.Push((child, function, body));
            }
        }
    }
}
