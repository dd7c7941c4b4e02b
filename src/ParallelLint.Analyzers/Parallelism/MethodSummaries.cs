using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>What a called method does that makes a per-item body costly, followed through the calls it makes.</summary>
internal enum Effect
{
    /// <summary>Blocks the thread it runs on (<see cref="BlockingCalls"/>). Async methods are not followed: they give their thread back at each await.</summary>
    Blocks,

    /// <summary>Starts a child process (<see cref="ProcessStart"/>).</summary>
    StartsProcess,

    /// <summary>Starts a child process and returns without waiting for it, nor handing it to its caller to wait for.</summary>
    LeavesProcessRunning,

    /// <summary>Runs a parallel construct of a parallel degree.</summary>
    RunsParallelWork,
}

/// <summary>
/// The calls from a method to the one that has an <see cref="Effect"/>: <c>Helper → Run → Process.Start</c>.
/// <see cref="Functions"/> starts with the method asked about.
/// </summary>
internal sealed class CallChain
{
    public CallChain(ImmutableArray<IMethodSymbol> functions, string effect)
    {
        Functions = functions;
        Effect = effect;
    }

    public ImmutableArray<IMethodSymbol> Functions { get; }

    /// <summary>How the message names the call with the effect: <c>Thread.Sleep</c>, <c>Process.Start</c>, <c>Parallel.For</c>.</summary>
    public string Effect { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Join(" → ", Functions.Select(MethodSummaries.NameOf).Append(Effect));
}

/// <summary>
/// Per-method summaries for one compilation, demand-driven so that operation actions can use them while the user
/// types: what a method with source in the compilation does itself (its first blocking call, process start,
/// parallel construct) and which methods it calls, each method read at most once per compilation; and, per
/// method and effect, the shortest chain of calls to that effect, at most <see cref="MaxDepth"/> methods long,
/// each found once. Virtual and interface calls are followed only where <see cref="Implementations.Target"/>
/// knows the one method that runs.
/// </summary>
/// <remarks>
/// What a method's body does counts where it runs when the method runs: lambdas only when a per-item call (LINQ,
/// <c>List.ForEach</c>) runs them there, local functions where they are called, catch clauses not at all (they
/// run when something failed). Iterators run when enumerated, not when called: not followed.
/// </remarks>
internal sealed class MethodSummaries
{
    /// <summary>The longest chain followed, in methods: <c>Helper → Run → Load</c> and the effect in <c>Load</c>.</summary>
    public const int MaxDepth = 3;

    private static readonly ConditionalWeakTable<Compilation, MethodSummaries> Cache = new();
    private static readonly Summary Empty = new(isAsync: false, isGated: false, effects: new string?[EffectCount], ImmutableArray<IMethodSymbol>.Empty);
    private const int EffectCount = (int)Effect.RunsParallelWork + 1;

    private readonly Compilation compilation;
    private readonly ParallelConstructs constructs;
    private readonly BlockingCalls blocking;
    private readonly ConcurrentDictionary<IMethodSymbol, Summary> summaries = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<IMethodSymbol, CallChain?>[] chains;
    private readonly System.Func<IMethodSymbol, Summary> summarize;
    private Implementations? implementations;

    private MethodSummaries(Compilation compilation)
    {
        this.compilation = compilation;
        constructs = new ParallelConstructs(KnownTypes.Of(compilation));
        blocking = BlockingCalls.Of(compilation);
        chains = Enumerable.Range(0, EffectCount).Select(_ => new ConcurrentDictionary<IMethodSymbol, CallChain?>(SymbolEqualityComparer.Default)).ToArray();
        summarize = Summarize;
    }

    /// <summary>The summaries of <paramref name="compilation"/>, made on first use.</summary>
    public static MethodSummaries Of(Compilation compilation) => Cache.GetValue(compilation, c => new MethodSummaries(c));

    /// <summary>
    /// How a chain names a function: its name; <c>new Type</c> for a constructor, the property for an accessor.
    /// </summary>
    public static string NameOf(ISymbol function) => function switch
    {
        IMethodSymbol { MethodKind: MethodKind.Constructor } constructor => "new " + constructor.ContainingType.Name,
        IMethodSymbol { AssociatedSymbol: IPropertySymbol { IsIndexer: true } indexer } => indexer.ContainingType.Name + "[]",
        IMethodSymbol { AssociatedSymbol: IPropertySymbol property } => property.Name,
        IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator or MethodKind.Conversion } op => op.ContainingType.Name + "." + op.Name,
        _ => function.Name,
    };

    /// <summary>
    /// The method a call to <paramref name="callee"/> runs, when it has a body in this compilation: the static form of
    /// an extension method, the definition of a generic one, the one implementation of an interface member.
    /// </summary>
    public IMethodSymbol? Follow(IMethodSymbol callee)
    {
        // Most calls go to other assemblies: ruled out first, by their declarations.
        var definition = (callee.ReducedFrom ?? callee).OriginalDefinition;
        if (!HasSource(definition))
        {
            return null;
        }

        var target = Implementations.CanBeOverridden(definition) ? FoundImplementations().Target(definition) as IMethodSymbol : definition;
        target = target?.PartialImplementationPart ?? target;
        return target is { IsAbstract: false, IsExtern: false } && HasSource(target) ? target : null;
    }

    /// <summary>
    /// The shortest chain from a call to <paramref name="callee"/> to a call with <paramref name="effect"/>, or null when
    /// none is found within <see cref="MaxDepth"/> methods.
    /// </summary>
    public CallChain? Reach(IMethodSymbol callee, Effect effect) =>
        Follow(callee) is { } method ? chains[(int)effect].GetOrAdd(method, m => Search(m, effect)) : null;

    /// <summary>What <paramref name="method"/> itself does with <paramref name="effect"/>, without following its calls: the call's name, or null.</summary>
    public string? Direct(IMethodSymbol method, Effect effect) => SummaryOf(method).Effects[(int)effect];

    /// <summary>The methods <paramref name="method"/> calls that have a body in this compilation, each once.</summary>
    public ImmutableArray<IMethodSymbol> Callees(IMethodSymbol method) => SummaryOf(method).Callees;

    private Summary SummaryOf(IMethodSymbol method) => summaries.GetOrAdd(method, summarize);

    /// <summary>Breadth first from <paramref name="start"/>: the first method found with the effect is the nearest.</summary>
    private CallChain? Search(IMethodSymbol start, Effect effect)
    {
        var previous = new Dictionary<IMethodSymbol, IMethodSymbol?>(SymbolEqualityComparer.Default) { [start] = null };
        var level = new List<IMethodSymbol> { start };
        for (var depth = 1; depth <= MaxDepth && level.Count > 0; depth++)
        {
            var next = new List<IMethodSymbol>();
            foreach (var method in level)
            {
                var summary = SummaryOf(method);
                if ((effect == Effect.Blocks && summary.IsAsync) ||
                    (effect is Effect.StartsProcess or Effect.LeavesProcessRunning && summary.IsGated))
                {
                    continue;
                }

                if (summary.Effects[(int)effect] is { } name)
                {
                    var functions = new List<IMethodSymbol>();
                    for (IMethodSymbol? function = method; function is not null; function = previous[function])
                    {
                        functions.Add(function);
                    }

                    functions.Reverse();
                    return new CallChain(functions.ToImmutableArray(), name);
                }

                foreach (var callee in summary.Callees)
                {
                    if (!previous.ContainsKey(callee))
                    {
                        previous[callee] = method;
                        next.Add(callee);
                    }
                }
            }

            level = next;
        }

        return null;
    }

    // Scanned on the first virtual or interface call followed, once; a race only scans twice and keeps one.
    private Implementations FoundImplementations() => implementations ??= Implementations.Scan(compilation);

    private bool HasSource(IMethodSymbol method)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (compilation.ContainsSyntaxTree(reference.SyntaxTree))
            {
                return true;
            }
        }

        return false;
    }

    private Summary Summarize(IMethodSymbol method)
    {
        return Body(compilation, method) is { } body ? new Walk(this, method, body).Run() : Empty;
    }

    /// <summary>The operation of the method's body (a block, an arrow, a constructor with its initializer), or null.</summary>
    internal static IOperation? Body(Compilation compilation, IMethodSymbol method)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (!compilation.ContainsSyntaxTree(reference.SyntaxTree))
            {
                continue;
            }

            // Declarations with a body; a type declaration also declares its records' and primary constructors' members.
            var syntax = reference.GetSyntax();
            if (syntax is not (BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or ArrowExpressionClauseSyntax or LocalFunctionStatementSyntax))
            {
                continue;
            }

            switch (compilation.GetSemanticModel(reference.SyntaxTree).GetOperation(syntax))
            {
                case ILocalFunctionOperation { Body: { } block }:
                    return block;
                case ILocalFunctionOperation or null:
                    continue;
                case var operation:
                    return operation;
            }
        }

        return null;
    }

    private sealed class Summary
    {
        public Summary(bool isAsync, bool isGated, string?[] effects, ImmutableArray<IMethodSymbol> callees)
        {
            IsAsync = isAsync;
            IsGated = isGated;
            Effects = effects;
            Callees = callees;
        }

        public bool IsAsync { get; }

        /// <summary>Waits on a <c>SemaphoreSlim</c>: the processes it starts, itself or through calls, are bounded by it.</summary>
        public bool IsGated { get; }

        /// <summary>Per <see cref="Effect"/>, the name of the first call the body makes with it, or null.</summary>
        public string?[] Effects { get; }

        public ImmutableArray<IMethodSymbol> Callees { get; }
    }

    /// <summary>One walk over one method's body, in source order.</summary>
    private sealed class Walk
    {
        private readonly MethodSummaries owner;
        private readonly IMethodSymbol method;
        private readonly IOperation body;
        private readonly string?[] effects = new string?[EffectCount];
        private readonly List<IMethodSymbol> callees = new();
        private readonly HashSet<IMethodSymbol> seen = new(SymbolEqualityComparer.Default);
        private LocalUsages? locals;
        private bool gated;

        public Walk(MethodSummaries owner, IMethodSymbol method, IOperation body)
        {
            this.owner = owner;
            this.method = method;
            this.body = body;
        }

        // The locals of the body, gathered only for the few bodies that start a process or run a construct.
        private LocalUsages Locals => locals ??= LocalUsages.Of(new[] { body });

        public Summary Run()
        {
            var pending = new Stack<IOperation>();
            pending.Push(body);
            while (pending.Count > 0)
            {
                var operation = pending.Pop();
                if (operation.Kind is OperationKind.YieldReturn or OperationKind.YieldBreak)
                {
                    // An iterator: nothing runs at the call, only as its caller enumerates.
                    return Empty;
                }

                Visit(operation);

                // Children pushed last first, so that they are visited in source order.
                var children = new List<IOperation>(operation.ChildOperations);
                for (var i = children.Count - 1; i >= 0; i--)
                {
                    if (RunsHere(children[i]))
                    {
                        pending.Push(children[i]);
                    }
                }
            }

            return new Summary(method.IsAsync, gated, effects, callees.ToImmutableArray());
        }

        private bool RunsHere(IOperation child) => child switch
        {
            ILocalFunctionOperation => false,
            ICatchClauseOperation => false,
            IAnonymousFunctionOperation function => !function.Symbol.IsAsync && owner.constructs.IsPerItemLambda(function),
            _ => true,
        };

        private void Visit(IOperation operation)
        {
            // By kind before any type test: this runs on every operation of every summarized body.
            switch (operation.Kind)
            {
                case OperationKind.Invocation:
                    var invocation = (IInvocationOperation)operation;
                    Call(invocation.TargetMethod);
                    gated |= invocation.TargetMethod.Name is "Wait" or "WaitAsync" && KnownTypes.Is(invocation.TargetMethod.ContainingType, owner.constructs.Types.SemaphoreSlim);
                    Note(Effect.Blocks, owner.blocking.Recognize(invocation));
                    if (invocation.TargetMethod.Name == "Start" && KnownTypes.Is(invocation.TargetMethod.ContainingType, owner.constructs.Types.Process) &&
                        ProcessStart.Recognize(invocation, owner.constructs.Types, Locals) is { } start)
                    {
                        Note(Effect.StartsProcess, start.Name);
                        if (!start.IsWaitedWithin(body, Locals) && !ReturnsProcess())
                        {
                            Note(Effect.LeavesProcessRunning, start.Name);
                        }
                    }

                    break;

                case OperationKind.ObjectCreation when ((IObjectCreationOperation)operation).Constructor is { } constructor:
                    Call(constructor);
                    break;

                case OperationKind.PropertyReference:
                    var property = (IPropertyReferenceOperation)operation;
                    var written = property.Parent is IAssignmentOperation assignment && assignment.Target == property;
                    if ((written ? property.Property.SetMethod : property.Property.GetMethod) is { } accessor)
                    {
                        Call(accessor);
                    }

                    Note(Effect.Blocks, owner.blocking.Recognize(property));
                    break;
            }

            if (effects[(int)Effect.RunsParallelWork] is null && owner.constructs.Recognize(operation) is { } construct &&
                owner.constructs.DegreeOf(construct, Locals).IsParallel())
            {
                effects[(int)Effect.RunsParallelWork] = construct.Name;
            }
        }

        private void Note(Effect effect, string? name) => effects[(int)effect] ??= name;

        private void Call(IMethodSymbol callee)
        {
            if (owner.Follow(callee) is { } target && seen.Add(target))
            {
                callees.Add(target);
            }
        }

        /// <summary>A method that returns its process (or a task or collection of it) leaves the wait to its caller.</summary>
        private bool ReturnsProcess()
        {
            var process = owner.constructs.Types.Process;
            return method.ReturnType is INamedTypeSymbol type &&
                   (KnownTypes.Is(type, process) || type.TypeArguments.Any(argument => KnownTypes.Is(argument, process)));
        }
    }
}
