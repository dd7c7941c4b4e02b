namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// Per-item fan-out: a task, thread or work item started once per item of a loop or per-item lambda and
/// not joined before the next item starts. Only then do the started bodies run at once.
/// </summary>
internal static class FanOut
{
    public static bool IsConcurrent(ParallelConstruct construct, ParallelConstructs constructs, LocalUsages? locals)
    {
        var start = construct.Operation;
        if (IterationBody(start, constructs) is not { } iteration)
        {
            return false;
        }

        if (construct.Kind is ConstructKind.Thread or ConstructKind.TaskStart)
        {
            // A created thread or task runs only once started; the Start call is then what a join would wait on.
            return IsStarted(start, iteration, locals) && !IsJoinedWithin(start, iteration, locals);
        }

        return !IsJoinedWithin(start, iteration, locals);
    }

    /// <summary>
    /// The per-item body that executes <paramref name="operation"/> directly: a loop body or a per-item lambda.
    /// Null when the nearest enclosing function is anything else (a parallel body runs it once per parallel item).
    /// </summary>
    public static IOperation? IterationBody(IOperation operation, ParallelConstructs constructs)
    {
        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case ILoopOperation loop when loop.Body == child:
                    return child;
                case IAnonymousFunctionOperation function:
                    return constructs.IsPerItemLambda(function) ? child : null;
                case ILocalFunctionOperation:
                    return null;
            }
        }

        return null;
    }

    private static bool IsStarted(IOperation thread, IOperation iteration, LocalUsages? locals) =>
        IsCallOn(thread.Parent, thread, "Start") ||
        Holders(thread, iteration, locals, withinIteration: false).Any(holder => IsCallOn(holder.Parent, holder, "Start"));

    /// <summary>
    /// The references that hold the started work again: those of the local it is stored in (within the iteration
    /// when <paramref name="withinIteration"/>), or, for an array element indexed by a variable
    /// (<c>tasks[i] = ...</c>), the iteration's reads of the same element (<c>tasks[i].Start()</c>).
    /// </summary>
    private static IEnumerable<IOperation> Holders(IOperation started, IOperation iteration, LocalUsages? locals, bool withinIteration)
    {
        if (StoredIn(started) is { } local)
        {
            return locals is null
                ? Enumerable.Empty<IOperation>()
                : locals.References(local).Where(reference => !withinIteration || iteration.Syntax.Span.Contains(reference.Syntax.Span));
        }

        return StoredInElement(started) is { } element && !WritesIndex(iteration, element)
            ? iteration.Descendants().OfType<IArrayElementReferenceOperation>().Where(other => other != element && SameElement(other, element))
            : Enumerable.Empty<IOperation>();
    }

    private static IArrayElementReferenceOperation? StoredInElement(IOperation started)
    {
        var parent = started.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        return parent is ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element } && Named(element.ArrayReference) is not null &&
               element.Indices.All(index => Named(index) is not null)
            ? element
            : null;
    }

    // An index the iteration changes (i++ in the body) makes the same text another element.
    private static bool WritesIndex(IOperation iteration, IArrayElementReferenceOperation element) =>
        iteration.Descendants().Any(operation => operation switch
        {
            IAssignmentOperation assignment => element.Indices.Any(index => SymbolEqualityComparer.Default.Equals(Named(assignment.Target), Named(index))),
            IIncrementOrDecrementOperation step => element.Indices.Any(index => SymbolEqualityComparer.Default.Equals(Named(step.Target), Named(index))),
            _ => false,
        });

    // The same array variable indexed by the same variables, none of which the iteration changes.
    private static bool SameElement(IArrayElementReferenceOperation one, IArrayElementReferenceOperation other) =>
        SymbolEqualityComparer.Default.Equals(Named(one.ArrayReference), Named(other.ArrayReference)) &&
        one.Indices.Length == other.Indices.Length &&
        one.Indices.Zip(other.Indices, (a, b) => SymbolEqualityComparer.Default.Equals(Named(a), Named(b))).All(same => same);

    private static ISymbol? Named(IOperation value) => Uses.Referenced(value.WalkDownConversion());

    /// <summary>True when the started work is awaited, waited for or joined within the same iteration.</summary>
    private static bool IsJoinedWithin(IOperation started, IOperation iteration, LocalUsages? locals)
    {
        if (IsJoin(started))
        {
            return true;
        }

        return Holders(started, iteration, locals, withinIteration: true).Any(IsJoin);
    }

    private static bool IsJoin(IOperation value)
    {
        var parent = value.Parent;
        while (parent is IConversionOperation)
        {
            value = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IAwaitOperation:
                return true;
            case IPropertyReferenceOperation { Property.Name: "Result" } result when result.Instance == value:
                return true;
            case IInvocationOperation { TargetMethod.Name: var name } call when call.Instance == value:
                return name switch
                {
                    "Wait" or "Join" => true,
                    "ConfigureAwait" => IsJoin(call),
                    "GetAwaiter" => IsCallOn(call.Parent, call, "GetResult"),
                    _ => false,
                };
            default:
                return false;
        }
    }

    /// <summary>The local the started work (a task, a thread, a process) is assigned to, by declaration or assignment.</summary>
    public static ILocalSymbol? StoredIn(IOperation started)
    {
        var parent = started.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        return parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
            _ => null,
        };
    }

    private static bool IsCallOn(IOperation? parent, IOperation instance, string name) =>
        parent is IInvocationOperation call && call.Instance == instance && call.TargetMethod.Name == name;
}
