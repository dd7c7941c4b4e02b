namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// The exact type of a call's receiver when the code shows the object being created: <c>new T().M()</c>, a local
/// only ever given <c>new T(...)</c>, or an array element assigned <c>new T(...)</c> just before, in the same block
/// and at the same index (<c>models[i] = new T(); models[i].Fit();</c>). A virtual call on it runs T's method, however
/// many overrides the compilation has.
/// </summary>
internal static class ExactReceivers
{
    /// <summary>The creation the receiver is known to be, if any.</summary>
    public static IObjectCreationOperation? CreationOf(IOperation receiver, LocalUsages locals) => receiver.WalkDownConversion() switch
    {
        IObjectCreationOperation creation => creation,
        ILocalReferenceOperation { Local: var local } when !locals.IsReassigned(local) &&
                                                          locals.InitialValue(local)?.WalkDownConversion() is IObjectCreationOperation creation => creation,
        IArrayElementReferenceOperation { Indices.Length: 1 } element when Symbol(element.ArrayReference) is { } array && Symbol(element.Indices[0]) is { } index =>
            AssignedJustBefore(element, array, index),
        _ => null,
    };

    /// <summary>
    /// True when nothing between the receiver's creation and the call can have set its parallelism: its initializer
    /// sets no options-like member, and a local holding it is only called or read. The object then runs with the
    /// defaults its type gives it.
    /// </summary>
    public static bool HasDefaultOptions(IObjectCreationOperation creation, IOperation receiver, LocalUsages locals)
    {
        if (creation.Initializer is { } initializer &&
            initializer.Initializers.Any(set => set is IAssignmentOperation { Target: IMemberReferenceOperation { Member: var member } } && IsOptionsLike(member) ||
                                                set is IMemberInitializerOperation { InitializedMember: IMemberReferenceOperation { Member: var nested } } && IsOptionsLike(nested)))
        {
            return false;
        }

        if (receiver.WalkDownConversion() is not ILocalReferenceOperation { Local: var local })
        {
            return true;
        }

        return locals.References(local).All(reference => reference.Parent switch
        {
            IInvocationOperation call => call.Instance == reference,
            IPropertyReferenceOperation read => read.Instance == reference && !IsOptionsLike(read.Property) &&
                                                !(read.Parent is IAssignmentOperation assignment && assignment.Target == read),
            _ => false,
        });
    }

    // A member that may carry the object's parallelism: options, or a degree, thread or worker count by its name.
    private static bool IsOptionsLike(ISymbol member)
    {
        var type = member switch { IPropertySymbol property => property.Type, IFieldSymbol field => field.Type, _ => null };
        if (type?.Name == "ParallelOptions")
        {
            return true;
        }

        var name = member.Name;
        return name.IndexOf("Parallel", System.StringComparison.OrdinalIgnoreCase) >= 0 || name.IndexOf("Degree", System.StringComparison.OrdinalIgnoreCase) >= 0 ||
               name.IndexOf("Thread", System.StringComparison.OrdinalIgnoreCase) >= 0 || name.IndexOf("Worker", System.StringComparison.OrdinalIgnoreCase) >= 0;
    }

    /// <summary>The creation assigned by the last <c>array[index] = new T(...)</c> among the statements before the one that reads the element.</summary>
    private static IObjectCreationOperation? AssignedJustBefore(IOperation element, ISymbol array, ISymbol index)
    {
        var statement = element;
        while (statement.Parent is { } parent && parent is not IBlockOperation)
        {
            statement = parent;
        }

        if (statement.Parent is not IBlockOperation block)
        {
            return null;
        }

        for (var i = block.Operations.IndexOf(statement) - 1; i >= 0; i--)
        {
            var earlier = block.Operations[i];
            if (earlier is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation { Indices.Length: 1 } target } assignment } &&
                SymbolEqualityComparer.Default.Equals(Symbol(target.ArrayReference), array) &&
                SymbolEqualityComparer.Default.Equals(Symbol(target.Indices[0]), index))
            {
                return assignment.Value.WalkDownConversion() as IObjectCreationOperation;
            }

            // Anything between that may change the element or the index makes the object unknown.
            if (earlier.DescendantsAndSelf().Any(operation => operation is IAssignmentOperation or IIncrementOrDecrementOperation ||
                                                              operation is IArgumentOperation { Parameter.RefKind: not RefKind.None }))
            {
                return null;
            }
        }

        return null;
    }

    private static ISymbol? Symbol(IOperation operation) => operation.WalkDownConversion() switch
    {
        ILocalReferenceOperation { Local: var local } => local,
        IParameterReferenceOperation { Parameter: var parameter } => parameter,
        IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation, Field: var field } => field,
        _ => null,
    };
}
