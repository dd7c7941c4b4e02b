namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// The shared model of the rule catalogue's terms: what is a parallel construct, which delegates are its
/// parallel bodies, and how many of them run at once. One instance per compilation.
/// </summary>
internal sealed class ParallelConstructs
{
    private const string MaxDegreeOfParallelism = nameof(MaxDegreeOfParallelism);

    public ParallelConstructs(KnownTypes types)
    {
        Types = types;
        Flow = DegreeFlow.Of(types.Compilation);
    }

    public KnownTypes Types { get; }

    /// <summary>Degrees kept in fields and properties, and options shared by two levels.</summary>
    public DegreeFlow Flow { get; }

    /// <summary>Recognizes a call or creation that starts parallel work, whatever its degree.</summary>
    public ParallelConstruct? Recognize(IOperation operation)
    {
        // The kind first: some rules ask this of every operation, and an enum costs less than type tests.
        if (operation.Kind is not (OperationKind.Invocation or OperationKind.ObjectCreation))
        {
            return null;
        }

        switch (operation)
        {
            case IInvocationOperation invocation:
                return RecognizeInvocation(invocation);

            // As for calls, the name rules most creations out before any symbol comparison.
            case IObjectCreationOperation { Type.Name: not ("ActionBlock" or "TransformBlock" or "TransformManyBlock" or "Thread" or "Task") }:
                return null;
            case IObjectCreationOperation creation when Types.IsDataflowBlock(creation.Type):
                return new ParallelConstruct(
                    ConstructKind.DataflowBlock,
                    creation,
                    ArgumentOfType(creation.Arguments, Types.DataflowBlockOptions),
                    creation.Type!.Name);
            case IObjectCreationOperation creation when KnownTypes.Is(creation.Type, Types.Thread):
                return new ParallelConstruct(ConstructKind.Thread, creation, null, "Thread per item");
            case IObjectCreationOperation creation when KnownTypes.Is(creation.Type?.OriginalDefinition, Types.Task) || KnownTypes.Is(creation.Type?.OriginalDefinition, Types.GenericTask):
                return new ParallelConstruct(ConstructKind.TaskStart, creation, null, "Task started per item");
            default:
                return null;
        }
    }

    /// <summary>
    /// The construct that runs <paramref name="function"/> as one of its parallel bodies, if any.
    /// </summary>
    public ParallelConstruct? OwnerOfBody(IAnonymousFunctionOperation function)
    {
        var owner = InvokedWith(function);
        if (owner is IInvocationOperation invocation && IsParallelEnumerable(invocation.TargetMethod))
        {
            return PlinqQuery(invocation);
        }

        return owner is null ? null : Recognize(owner);
    }

    /// <summary>True for a lambda run once per item by a sequential per-item method (LINQ, <c>List.ForEach</c>...).</summary>
    public bool IsPerItemLambda(IAnonymousFunctionOperation function)
    {
        if (InvokedWith(function) is not IInvocationOperation { TargetMethod: var method })
        {
            return false;
        }

        var type = (method.ReducedFrom ?? method).ContainingType?.OriginalDefinition;
        return KnownTypes.Is(type, Types.Enumerable) ||
               ((KnownTypes.Is(type, Types.List) || KnownTypes.Is(type, Types.Array)) &&
                method.Name is "ForEach" or "ConvertAll" or "Find" or "FindAll" or "Exists" or "TrueForAll" or "RemoveAll");
    }

    /// <summary>The call or creation that receives a delegate argument, through conversions and <c>params</c> arrays.</summary>
    public static IOperation? InvokedWith(IOperation function)
    {
        var current = function.Parent;
        while (current is IDelegateCreationOperation or IConversionOperation)
        {
            current = current.Parent;
        }

        // Parallel.Invoke(params Action[]): the delegate is an element of the implicit array.
        if (current is IArrayInitializerOperation { Parent: IArrayCreationOperation array })
        {
            current = array.Parent;
        }

        return current is IArgumentOperation argument ? argument.Parent : null;
    }

    /// <summary>How many bodies of the construct run at once, as far as the code says.</summary>
    public Degree DegreeOf(ParallelConstruct construct, LocalUsages? locals) => construct.Kind switch
    {
        ConstructKind.ParallelFor or ConstructKind.ParallelForEach or ConstructKind.ParallelInvoke =>
            OptionsDegree(construct.DegreeSource, Degree.Unbounded, locals),

        // The async loops default to Environment.ProcessorCount.
        ConstructKind.ParallelForAsync or ConstructKind.ParallelForEachAsync =>
            OptionsDegree(construct.DegreeSource, Degree.AllCores, locals),

        ConstructKind.Plinq => construct.DegreeSource is null ? Degree.AllCores : ValueDegree(construct.DegreeSource),

        // The runtime's executor defaults to Cores.Available / CoresPerItem.
        ConstructKind.RuntimeExecutor => OptionsValue(construct.DegreeSource, MaxDegreeOfParallelism, Degree.Share, locals),

        // Dataflow blocks run one message at a time unless told otherwise.
        ConstructKind.DataflowBlock => OptionsDegree(construct.DegreeSource, Degree.One, locals),

        _ => FanOut.IsConcurrent(construct, this, locals) ? Degree.Unbounded : Degree.One,
    };

    /// <summary>The degree an integer expression stands for, through <c>readonly</c> fields that keep it.</summary>
    public Degree ValueDegree(IOperation value, int depth = 0)
    {
        value = value.WalkDownConversion();
        if (value is IFieldReferenceOperation { Field: var field } && !value.ConstantValue.HasValue && Flow.FieldDegree(field, this, depth) is { } kept)
        {
            return kept;
        }

        if (value.ConstantValue is { HasValue: true, Value: int constant })
        {
            return constant switch
            {
                1 => Degree.One,
                -1 => Degree.Unbounded,
                > 1 => Degree.Bounded,
                _ => Degree.Unknown,
            };
        }

        if (value is IPropertyReferenceOperation { Property: var property })
        {
            if (KnownTypes.Is(property.ContainingType, Types.Cores) && property.Name == "Available")
            {
                return Degree.Share;
            }

            if ((KnownTypes.Is(property.ContainingType, Types.Environment) && property.Name == "ProcessorCount") ||
                (KnownTypes.Is(property.ContainingType, Types.Cores) && property.Name is "Logical" or "Physical"))
            {
                return Degree.AllCores;
            }
        }

        return value.Type?.SpecialType == SpecialType.System_Int32 ? Degree.Bounded : Degree.Unknown;
    }

    private ParallelConstruct? RecognizeInvocation(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;

        // Most calls are none of the constructs below: their name rules them out before any symbol comparison.
        if (method.Name is not ("For" or "ForEach" or "ForAsync" or "ForEachAsync" or "Invoke" or "MapAsync" or "AsParallel" or "Run" or
            "StartNew" or "QueueUserWorkItem" or "UnsafeQueueUserWorkItem"))
        {
            return null;
        }

        var type = method.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return null;
        }

        if (KnownTypes.Is(type, Types.Parallel))
        {
            ConstructKind? kind = method.Name switch
            {
                "For" => ConstructKind.ParallelFor,
                "ForEach" => ConstructKind.ParallelForEach,
                "ForAsync" => ConstructKind.ParallelForAsync,
                "ForEachAsync" => ConstructKind.ParallelForEachAsync,
                "Invoke" => ConstructKind.ParallelInvoke,
                _ => null,
            };
            return kind is { } known
                ? new ParallelConstruct(known, invocation, ArgumentOfType(invocation.Arguments, Types.ParallelOptions), "Parallel." + method.Name)
                : null;
        }

        if (KnownTypes.Is(type, Types.Executor) && method.Name is "ForEachAsync" or "MapAsync" or "ForEach")
        {
            return new ParallelConstruct(ConstructKind.RuntimeExecutor, invocation, ArgumentOfType(invocation.Arguments, Types.ExecutorOptions), "Executor." + method.Name);
        }

        if (KnownTypes.Is(type, Types.ParallelEnumerable))
        {
            return method.Name == "AsParallel" ? PlinqQuery(invocation) : null;
        }

        if (KnownTypes.Is(type, Types.Task) && method.Name == "Run")
        {
            return new ParallelConstruct(ConstructKind.TaskRun, invocation, null, "Task.Run per item");
        }

        if ((KnownTypes.Is(type, Types.TaskFactory) || KnownTypes.Is(type, Types.GenericTaskFactory)) && method.Name == "StartNew")
        {
            return new ParallelConstruct(ConstructKind.TaskFactoryStartNew, invocation, null, "Task.Factory.StartNew per item");
        }

        if (KnownTypes.Is(type, Types.ThreadPool) && method.Name is "QueueUserWorkItem" or "UnsafeQueueUserWorkItem")
        {
            return new ParallelConstruct(ConstructKind.QueueUserWorkItem, invocation, null, $"ThreadPool.{method.Name} per item");
        }

        return null;
    }

    /// <summary>
    /// The PLINQ query that <paramref name="member"/> (AsParallel or any operator of its chain) belongs to:
    /// anchored at <c>AsParallel()</c>, with the chain's <c>WithDegreeOfParallelism</c> argument. Null for an
    /// <c>AsParallel()</c> that no operator follows and no foreach enumerates: nothing runs in parallel then.
    /// </summary>
    private ParallelConstruct? PlinqQuery(IInvocationOperation member)
    {
        var anchor = QueryAnchor(member);

        // Up the chain from the anchor: the degree, and whether an operator (or a foreach) executes the query.
        IOperation? degree = null;
        var executes = false;
        IInvocationOperation? top = anchor;
        for (var current = anchor; current is not null; current = NextInChain(current))
        {
            if (current.TargetMethod.Name is "AsSequential" or "AsEnumerable")
            {
                // What follows runs sequentially, even when a foreach enumerates it.
                top = null;
                break;
            }

            top = current;
            if (current.TargetMethod.Name == "WithDegreeOfParallelism" && current.Argument(1) is { } given)
            {
                degree = given.Value;
            }

            executes |= current != anchor && !IsConfiguration(current.TargetMethod.Name);
        }

        executes |= top is not null && IsEnumeratedByForEach(top);
        return executes ? new ParallelConstruct(ConstructKind.Plinq, anchor, degree, "PLINQ query") : null;
    }

    // Operators that configure the query without running anything in parallel themselves.
    private static bool IsConfiguration(string name) =>
        name is "AsParallel" or "WithDegreeOfParallelism" or "WithCancellation" or "WithExecutionMode" or "WithMergeOptions" or
            "AsOrdered" or "AsUnordered";

    private static bool IsEnumeratedByForEach(IOperation query)
    {
        var parent = query.Parent;
        while (parent is IConversionOperation)
        {
            query = parent;
            parent = parent.Parent;
        }

        return parent is IForEachLoopOperation loop && loop.Collection == query;
    }

    /// <summary>The operators of a PLINQ query, from its <c>AsParallel()</c> anchor up to the last chained operator.</summary>
    public System.Collections.Generic.IEnumerable<IInvocationOperation> PlinqChain(IInvocationOperation anchor)
    {
        for (var current = anchor; current is not null; current = NextInChain(current))
        {
            yield return current;
        }
    }

    private IInvocationOperation? NextInChain(IInvocationOperation current)
    {
        var parent = current.Parent;
        while (parent is IConversionOperation or ITranslatedQueryOperation)
        {
            parent = parent.Parent;
        }

        return parent is IArgumentOperation { Parent: IInvocationOperation next } argument &&
               next.Argument(0) == argument &&
               IsParallelEnumerable(next.TargetMethod)
            ? next
            : null;
    }

    /// <summary>Down the receivers of a PLINQ operator to <c>AsParallel()</c>, its query's anchor (or as far as the chain goes).</summary>
    public IInvocationOperation QueryAnchor(IInvocationOperation member)
    {
        var anchor = member;
        while (!IsAsParallel(anchor) && anchor.Receiver()?.WalkDownConversion() is IInvocationOperation receiver && IsParallelEnumerable(receiver.TargetMethod))
        {
            anchor = receiver;
        }

        return anchor;
    }

    private static bool IsAsParallel(IInvocationOperation invocation) => invocation.TargetMethod.Name == "AsParallel";

    private bool IsParallelEnumerable(IMethodSymbol method) =>
        KnownTypes.Is((method.ReducedFrom ?? method).ContainingType, Types.ParallelEnumerable);

    private Degree OptionsDegree(IOperation? options, Degree whenUnset, LocalUsages? locals) =>
        OptionsValue(options, MaxDegreeOfParallelism, whenUnset, locals);

    /// <summary>
    /// What an options object sets <paramref name="property"/> (a property or field) to, as a degree: from an inline creation, from a
    /// local that is created once and whose property may be set afterwards, or from a field or auto-property (<see cref="DegreeFlow"/>).
    /// Unknown for options from elsewhere (a parameter, a call).
    /// </summary>
    public Degree OptionsValue(IOperation? options, string property, Degree whenUnset, LocalUsages? locals)
    {
        switch (options?.WalkDownConversion())
        {
            case null:
                return whenUnset;
            case IObjectCreationOperation creation:
                return InitializedDegree(creation, property) ?? whenUnset;
            case IFieldReferenceOperation or IPropertyReferenceOperation when Flow.Holder(options) is { } holder:
                return Flow.OptionsDegree(holder, property, whenUnset, this);
            case ILocalReferenceOperation { Local: var local } when locals is not null && !locals.IsReassigned(local):
                if (locals.InitialValue(local)?.WalkDownConversion() is not IObjectCreationOperation initial)
                {
                    return Degree.Unknown;
                }

                // Every value it may hold: the initializer's (or the default, until a later assignment) and
                // every later `local.Property = v`.
                var values = new List<Degree>();
                foreach (var reference in locals.References(local))
                {
                    if (reference.Parent is IMemberReferenceOperation { Member.Name: var name } set && name == property &&
                        set.Parent is ISimpleAssignmentOperation assignment && assignment.Target == set)
                    {
                        values.Add(ValueDegree(assignment.Value));
                    }
                }

                if (InitializedDegree(initial, property) is { } initialized || values.Count == 0)
                {
                    values.Add(InitializedDegree(initial, property) ?? whenUnset);
                }

                var degree = values[0];
                if (values.Any(value => value != degree))
                {
                    degree = values.Contains(Degree.One) ? Degree.Unknown : Degree.Bounded;
                }

                return degree;
            default:
                return Degree.Unknown;
        }
    }

    /// <summary>What an object initializer sets <paramref name="property"/> to; null when it does not set it.</summary>
    public Degree? InitializedDegree(IObjectCreationOperation creation, string property)
    {
        if (creation.Initializer is null)
        {
            return null;
        }

        foreach (var initializer in creation.Initializer.Initializers)
        {
            // Options classes expose their knobs as properties (ParallelOptions) or fields (ML.NET).
            if (initializer is ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Member.Name: var name } } assignment && name == property)
            {
                return ValueDegree(assignment.Value);
            }
        }

        return null;
    }

    private static IOperation? ArgumentOfType(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, ITypeSymbol? type)
    {
        foreach (var argument in arguments)
        {
            // An omitted optional argument (the executor's options) is the default, not options from elsewhere.
            if (argument.Parameter is { } parameter && KnownTypes.Is(parameter.Type, type) && argument.ArgumentKind != ArgumentKind.DefaultValue)
            {
                return argument.Value;
            }
        }

        return null;
    }
}
