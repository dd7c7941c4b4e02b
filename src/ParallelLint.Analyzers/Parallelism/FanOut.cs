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

        if (construct.Kind == ConstructKind.Thread)
        {
            // A thread runs only once started; the Start call is then what a join would wait on.
            return IsStarted(start, locals) && !IsJoinedWithin(start, iteration, locals);
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

    private static bool IsStarted(IOperation thread, LocalUsages? locals)
    {
        if (IsCallOn(thread.Parent, thread, "Start"))
        {
            return true;
        }

        if (StoredIn(thread) is { } local && locals is not null)
        {
            foreach (var reference in locals.References(local))
            {
                if (IsCallOn(reference.Parent, reference, "Start"))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True when the started work is awaited, waited for or joined within the same iteration.</summary>
    private static bool IsJoinedWithin(IOperation started, IOperation iteration, LocalUsages? locals)
    {
        if (IsJoin(started))
        {
            return true;
        }

        if (StoredIn(started) is not { } local || locals is null)
        {
            return false;
        }

        foreach (var reference in locals.References(local))
        {
            if (iteration.Syntax.Span.Contains(reference.Syntax.Span) && IsJoin(reference))
            {
                return true;
            }
        }

        return false;
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
