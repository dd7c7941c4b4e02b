namespace ParallelLint.Analyzers.Parallelism;

/// <summary>Where a child process is started per item: the body that runs once per item, and what runs it.</summary>
internal enum PerItemKind
{
    /// <summary>The body of a for, foreach, while or do loop.</summary>
    Loop,

    /// <summary>A lambda a sequential per-item method runs once per item (<c>Select</c>, <c>List.ForEach</c>...).</summary>
    PerItemLambda,

    /// <summary>The body of a parallel construct: items run at once.</summary>
    ParallelBody,
}

/// <summary>
/// A child process started by <c>Process.Start(...)</c> (every overload) or by <c>process.Start()</c> on a
/// <c>Process</c> created with its <c>StartInfo</c>, and what the process rules need to know about it.
/// </summary>
internal sealed class ProcessStart
{
    private ProcessStart(IInvocationOperation invocation, IOperation? startInfo, ILocalSymbol? process)
    {
        Invocation = invocation;
        StartInfo = startInfo;
        Process = process;
    }

    /// <summary>The <c>Process.Start(...)</c> or <c>process.Start()</c> call.</summary>
    public IInvocationOperation Invocation { get; }

    /// <summary>The <c>ProcessStartInfo</c> the start uses (argument, or the created process's <c>StartInfo</c>); null for the string overloads.</summary>
    public IOperation? StartInfo { get; }

    /// <summary>The local that holds the started process, if any (<c>var p = Process.Start(...)</c>, or <c>p</c> of <c>p.Start()</c>).</summary>
    public ILocalSymbol? Process { get; }

    /// <summary>How users call it, for messages.</summary>
    public string Name => Invocation.Instance is null ? "Process.Start" : "Process.Start()";

    /// <summary>A process start, or null.</summary>
    public static ProcessStart? Recognize(IOperation operation, KnownTypes types, LocalUsages? locals)
    {
        if (operation is not IInvocationOperation { TargetMethod: { Name: "Start" } method } invocation ||
            !KnownTypes.Is(method.ContainingType, types.Process))
        {
            return null;
        }

        if (method.IsStatic)
        {
            IOperation? startInfo = null;
            foreach (var argument in invocation.Arguments)
            {
                if (KnownTypes.Is(argument.Parameter?.Type, types.ProcessStartInfo))
                {
                    startInfo = argument.Value;
                }
            }

            return new ProcessStart(invocation, startInfo, FanOut.StoredIn(invocation));
        }

        // process.Start(): the process was created (with its StartInfo) where the local was declared.
        if (method.Parameters.Length == 0 && invocation.Instance?.WalkDownConversion() is ILocalReferenceOperation { Local: var local })
        {
            return new ProcessStart(invocation, CreatedStartInfo(locals?.InitialValue(local)), local);
        }

        return null;
    }

    /// <summary>
    /// The body that runs this start once per item, innermost first: a parallel body (from
    /// <paramref name="constructs"/>, with a parallel degree), a loop body, or a per-item lambda. Null when the
    /// process is started once (no such body up to the enclosing member or local function).
    /// </summary>
    public (PerItemKind Kind, IOperation Body, IOperation Owner)? PerItem(ParallelConstructs constructs, LocalUsages? locals) =>
        PerItemBody(Invocation, constructs, () => locals);

    /// <summary>
    /// The body that runs <paramref name="operation"/> once per item, as <see cref="PerItem"/> says for a start;
    /// <paramref name="locals"/> is asked only for the degree of a construct whose body it is in.
    /// </summary>
    public static (PerItemKind Kind, IOperation Body, IOperation Owner)? PerItemBody(IOperation operation, ParallelConstructs constructs, System.Func<LocalUsages?> locals)
    {
        var child = operation;
        for (var parent = operation.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case ILoopOperation loop when loop.Body == child:
                    return (PerItemKind.Loop, child, loop);
                case IAnonymousFunctionOperation function:
                    if (constructs.OwnerOfBody(function) is { } construct && constructs.DegreeOf(construct, locals()).IsParallel())
                    {
                        return (PerItemKind.ParallelBody, function, construct.Operation);
                    }

                    if (constructs.IsPerItemLambda(function) && ParallelConstructs.InvokedWith(function) is { } owner)
                    {
                        return (PerItemKind.PerItemLambda, function, owner);
                    }

                    // Any other lambda (a callback, a task body started once) runs where it is invoked: look further out.
                    break;
                case ILocalFunctionOperation:
                case IMethodBodyBaseOperation:
                    return null;
            }
        }

        return null;
    }

    /// <summary>
    /// True when the process is waited for before <paramref name="body"/> ends (<c>WaitForExit()</c>, an awaited
    /// <c>WaitForExitAsync()</c>), directly on the start or through the local that holds it.
    /// </summary>
    public bool IsWaitedWithin(IOperation body, LocalUsages? locals)
    {
        if (IsWait(Invocation.Instance is null ? Invocation : null))
        {
            return true;
        }

        if (Process is null || locals is null)
        {
            return false;
        }

        foreach (var reference in locals.References(Process))
        {
            if (body.Syntax.Span.Contains(reference.Syntax.Span) && IsWait(reference))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The <c>StartInfo</c> a created process is initialized with: <c>new Process { StartInfo = ... }</c>.</summary>
    private static IOperation? CreatedStartInfo(IOperation? creation)
    {
        if (creation?.WalkDownConversion() is IObjectCreationOperation { Initializer: { } initializer })
        {
            foreach (var member in initializer.Initializers)
            {
                if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "StartInfo" } } assignment)
                {
                    return assignment.Value;
                }
            }
        }

        return null;
    }

    // `x.WaitForExit()`, or `x.WaitForExitAsync()` awaited (through ConfigureAwait).
    private static bool IsWait(IOperation? process)
    {
        if (process is null)
        {
            return false;
        }

        var parent = process.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        if (parent is not IInvocationOperation { TargetMethod.Name: var name } call || call.Instance?.WalkDownConversion() != process)
        {
            return false;
        }

        if (name == "WaitForExit")
        {
            return true;
        }

        IOperation awaited = call;
        while (awaited.Parent is IConversionOperation or IInvocationOperation { TargetMethod.Name: "ConfigureAwait" })
        {
            awaited = awaited.Parent;
        }

        return name == "WaitForExitAsync" && awaited.Parent is IAwaitOperation;
    }
}
