using System.Collections.Concurrent;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// Who calls whom in one compilation, and which functions run a parallel construct themselves. Filled
/// concurrently while operation blocks are analyzed; <see cref="Resolve"/> then finds, in one backward pass
/// from the parallel functions, every function that reaches parallel work and its shortest chain.
/// </summary>
internal sealed class CallGraph
{
    private readonly ConcurrentDictionary<ISymbol, (string Name, bool ByDefault)> constructs = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentBag<(ISymbol Caller, ISymbol Callee, bool IsExact)> calls = new();

    /// <summary>Records that <paramref name="function"/> runs a parallel construct (the first one found names it).</summary>
    /// <paramref name="byDefault"/>: the construct is parallel only by default (options its users may bound,
    /// <see cref="Degree.UnboundedByDefault"/>); a construct that is parallel as written replaces it.
    public void AddConstruct(ISymbol function, string construct, bool byDefault = false) =>
        constructs.AddOrUpdate(function, (construct, byDefault), (_, found) => found.ByDefault && !byDefault ? (construct, false) : found);

    /// <summary>
    /// Records a call; <paramref name="isExact"/> when <paramref name="callee"/> is already the method that runs
    /// (the receiver's exact type is known), so that it is not resolved again by <see cref="Target"/>.
    /// </summary>
    public void AddCall(ISymbol caller, ISymbol callee, bool isExact = false) => calls.Add((caller, callee, isExact));

    /// <summary>The overrides and implementations recorded so far, which decide <see cref="Target"/>.</summary>
    public Implementations Implementations { get; } = new();

    /// <summary>The function a call really runs: see <see cref="Implementations.Target"/>.</summary>
    public ISymbol? Target(ISymbol callee) => Implementations.Target(callee);

    /// <summary>
    /// For every function that reaches parallel work: the next function on its shortest chain (null where it runs
    /// the construct itself) and the construct's name. <paramref name="external"/> names the functions outside the
    /// compilation known to run parallel work (the attribute, the option). <paramref name="withDefaults"/>: constructs
    /// parallel only by default count too.
    /// </summary>
    public Dictionary<ISymbol, (ISymbol? Next, string Construct)> Resolve(System.Func<ISymbol, string?> external, bool withDefaults = false)
    {
        var reached = new Dictionary<ISymbol, (ISymbol? Next, string Construct)>(SymbolEqualityComparer.Default);
        var callers = new Dictionary<ISymbol, List<ISymbol>>(SymbolEqualityComparer.Default);
        var queue = new Queue<ISymbol>();
        foreach (var (caller, callee, isExact) in calls)
        {
            if ((isExact ? callee : Target(callee)) is not { } target)
            {
                continue;
            }

            if (!callers.TryGetValue(target, out var list))
            {
                callers[target] = list = new List<ISymbol>();
                if ((!constructs.TryGetValue(target, out var own) || (own.ByDefault && !withDefaults)) && external(target) is { } label && !reached.ContainsKey(target))
                {
                    reached[target] = (null, label);
                    queue.Enqueue(target);
                }
            }

            list.Add(caller);
        }

        foreach (var pair in constructs)
        {
            if (withDefaults || !pair.Value.ByDefault)
            {
                reached[pair.Key] = (null, pair.Value.Name);
                queue.Enqueue(pair.Key);
            }
        }

        while (queue.Count > 0)
        {
            var function = queue.Dequeue();
            if (!callers.TryGetValue(function, out var list))
            {
                continue;
            }

            foreach (var caller in list)
            {
                if (!reached.ContainsKey(caller))
                {
                    reached[caller] = (function, reached[function].Construct);
                    queue.Enqueue(caller);
                }
            }
        }

        return reached;
    }
}
