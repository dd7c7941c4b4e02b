using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>What one reference to a local, parameter or field does with it.</summary>
internal enum UseKind
{
    /// <summary>Only reads it (or what it holds): a read-only call, an argument the callee only reads.</summary>
    Read,

    /// <summary>Gives the variable itself a new value: an assignment, an increment, a <c>ref</c>/<c>out</c> argument.</summary>
    Write,

    /// <summary>May change the object it holds: a call that may change it, an assignment to a member or an element.</summary>
    Mutate,

    /// <summary>Hands the object on (stored, returned, passed to code that may keep or change it).</summary>
    Escape,
}

/// <summary>A classified reference: its kind, and for <see cref="UseKind.Escape"/> whether it was handed to a callee.</summary>
internal readonly struct Use
{
    public Use(UseKind kind, bool byArgument = false)
    {
        Kind = kind;
        ByArgument = byArgument;
    }

    public UseKind Kind { get; }

    /// <summary>Passed as an argument to a callee that is not known to only read it.</summary>
    public bool ByArgument { get; }

    public bool IsRead => Kind == UseKind.Read;

    /// <summary>Neither written nor mutated: read, or handed on.</summary>
    public bool IsUnchanged => Kind is UseKind.Read or UseKind.Escape;
}

/// <summary>
/// The one classification of what a reference does with a local, parameter or field, shared by the rules that ask
/// "does this body change that data?". One conservative default: an instance call on a type that is not known to be
/// immutable may change it (<c>counter.Bump()</c>), unless the method is a known read-only one (<c>Contains</c>,
/// <c>TryGetValue</c>...). Types are resolved once per compilation.
/// </summary>
internal sealed class Uses
{
    // Deeper access paths than this are not followed: treated as a change.
    private const int MaxDepth = 32;

    // Calls followed into the callee's source to see that it only reads an argument (Score → Count → IndexOf).
    private const int MaxCalleeDepth = MethodSummaries.MaxDepth;

    private static readonly ConditionalWeakTable<Compilation, Uses> Cache = new();

    private readonly Compilation compilation;
    private readonly KnownTypes known;
    private readonly Serializers serializers;
    private readonly ConcurrentDictionary<ISymbol, bool>[] onlyReadParameters =
        Enumerable.Range(0, MaxCalleeDepth + 1).Select(_ => new ConcurrentDictionary<ISymbol, bool>(SymbolEqualityComparer.Default)).ToArray();
    private readonly ImmutableHashSet<INamedTypeSymbol> collections;
    private readonly ImmutableHashSet<INamedTypeSymbol> readOnlyTypes;
    private readonly ImmutableHashSet<INamedTypeSymbol> mutableViews;
    private readonly ImmutableHashSet<INamedTypeSymbol> immutableCollections;

    private Uses(Compilation compilation)
    {
        this.compilation = compilation;
        known = KnownTypes.Of(compilation);
        serializers = Serializers.Of(compilation);
        collections = Set(
            known,
            "System.Collections.Generic.List`1", "System.Collections.Generic.HashSet`1", "System.Collections.Generic.Dictionary`2",
            "System.Collections.Generic.Queue`1", "System.Collections.Generic.Stack`1", "System.Collections.Generic.SortedSet`1",
            "System.Collections.Generic.SortedDictionary`2", "System.Collections.Generic.SortedList`2",
            "System.Collections.Generic.LinkedList`1");
        readOnlyTypes = Set(
                known,
                "System.Collections.Generic.IReadOnlyDictionary`2", "System.Collections.Generic.IReadOnlySet`1",
                "System.ReadOnlySpan`1", "System.ReadOnlyMemory`1")
            .Union(new[]
            {
                compilation.GetSpecialType(SpecialType.System_Collections_IEnumerable),
                compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T),
                compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyCollection_T),
                compilation.GetSpecialType(SpecialType.System_Collections_Generic_IReadOnlyList_T),
            }.Where(type => type.TypeKind != TypeKind.Error));
        mutableViews = Set(known, "System.Span`1", "System.Memory`1", "System.ArraySegment`1");
        immutableCollections = Set(
            known,
            "System.Collections.Immutable.ImmutableList`1", "System.Collections.Immutable.ImmutableDictionary`2",
            "System.Collections.Immutable.ImmutableHashSet`1", "System.Collections.Immutable.ImmutableSortedSet`1",
            "System.Collections.Immutable.ImmutableSortedDictionary`2", "System.Collections.Immutable.ImmutableQueue`1",
            "System.Collections.Immutable.ImmutableStack`1", "System.Collections.Immutable.IImmutableList`1",
            "System.Collections.Immutable.IImmutableDictionary`2", "System.Collections.Immutable.IImmutableSet`1");
    }

    /// <summary>The classification of <paramref name="compilation"/>, shared by every rule.</summary>
    public static Uses Of(Compilation compilation) => Cache.GetValue(compilation, c => new Uses(c));

    /// <summary>
    /// What <paramref name="reference"/> does with the variable: follows it up its access path (<c>x.A.B[i]</c>) to
    /// where its value is used.
    /// </summary>
    /// <remarks>
    /// With <paramref name="followsCalls"/>, an argument to a method with source here counts as read when that
    /// method only reads its parameter (<see cref="OnlyReadsParameter"/>); without, the callee may keep or change it.
    /// </remarks>
    public Use Classify(IOperation reference, bool followsCalls = false) => Classify(reference, followsCalls ? 0 : MaxCalleeDepth);

    private Use Classify(IOperation reference, int calleeDepth)
    {
        var value = reference;
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            var itself = value.WalkDownConversion() == reference;
            var parent = value.Parent;
            switch (parent)
            {
                case IConversionOperation:
                    value = parent;
                    continue;
                case IMethodReferenceOperation method when method.Instance == value:
                    return new Use(IsReadOnlyMethod(method.Method, value.Type) ? UseKind.Read : UseKind.Mutate);
                case IEventReferenceOperation:
                    return new Use(UseKind.Mutate);
                case IMemberReferenceOperation member when member.Instance == value:
                    value = member;
                    continue;
                case IArrayElementReferenceOperation element when element.ArrayReference == value:
                    value = element;
                    continue;
                case IInvocationOperation call when call.Instance == value:
                    return new Use(IsReadOnlyMethod(call.TargetMethod, value.Type) ? UseKind.Read : UseKind.Mutate);
                case IAssignmentOperation assignment when assignment.Target == value:
                case IIncrementOrDecrementOperation:
                case ITupleOperation:
                case IDeclarationExpressionOperation:
                    return new Use(itself ? UseKind.Write : UseKind.Mutate);
                case IUsingOperation or IUsingDeclarationOperation:
                    // Disposed at the end of the statement.
                    return new Use(UseKind.Mutate);
                case IArgumentOperation argument:
                    return Argument(argument, value, itself, calleeDepth);
                case IForEachLoopOperation or ILockOperation or IBinaryOperation or IUnaryOperation or IIsTypeOperation or
                    IIsPatternOperation or IInterpolationOperation or IExpressionStatementOperation or ISwitchOperation or
                    ISwitchExpressionOperation or INameOfOperation or ITypeOfOperation:
                    return new Use(UseKind.Read);
                case IConditionalOperation conditional when conditional.Condition == value:
                    return new Use(UseKind.Read);
                case IWhileLoopOperation loop when loop.Condition == value:
                    return new Use(UseKind.Read);
                case null:
                    return new Use(UseKind.Read);
                default:
                    // Stored, returned or handed on: only a value that is copied on the way cannot be changed through it.
                    return new Use(IsValueLike(value.Type) ? UseKind.Read : UseKind.Escape);
            }
        }

        return new Use(UseKind.Mutate);
    }

    /// <summary>True when every reference to <paramref name="symbol"/> (a local, parameter or field) in <paramref name="within"/> only reads it.</summary>
    public bool OnlyReads(ISymbol symbol, IOperation within)
    {
        foreach (var operation in within.DescendantsAndSelf())
        {
            if (Referenced(operation) is { } referenced && SymbolEqualityComparer.Default.Equals(referenced, symbol) && !Classify(operation).IsRead)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The local, parameter or field <paramref name="operation"/> references, if it is such a reference.</summary>
    public static ISymbol? Referenced(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        _ => null,
    };

    /// <summary>A type whose values are copied when passed or stored, so that the receiver cannot change the original.</summary>
    public bool IsValueLike(ITypeSymbol? type) =>
        type is not null && type.TypeKind != TypeKind.Error &&
        (type.SpecialType == SpecialType.System_String ||
         (type.IsValueType && !type.IsRefLikeType && !(type is INamedTypeSymbol named && mutableViews.Contains(named.OriginalDefinition))));

    /// <summary>True when a call of <paramref name="method"/> on a <paramref name="receiver"/> cannot change it.</summary>
    public bool IsReadOnlyMethod(IMethodSymbol method, ITypeSymbol? receiver)
    {
        if (receiver is null || IsImmutable(receiver))
        {
            return true;
        }

        if (IsMutatingName(method.Name))
        {
            return false;
        }

        if (serializers.IsSerializer(method) ||
            method.Name is "Contains" or "ContainsKey" or "ContainsValue" or "IndexOf" or "LastIndexOf" or "BinarySearch" or "Find" or "FindAll" or
            "FindIndex" or "FindLast" or "FindLastIndex" or "Exists" or "TrueForAll" or "ConvertAll" or "GetRange" or "CopyTo" or
            "ToArray" or "ToList" or "GetEnumerator" or "GetValueOrDefault" or "TryGetValue" or "Peek" or "TryPeek" or "Equals" or
            "GetHashCode" or "ToString" or "GetType" or "GetLength" or "GetLongLength" or "GetLowerBound" or "GetUpperBound" or
            "GetValue" or "AsReadOnly" or "IsSubsetOf" or "IsSupersetOf" or "IsProperSubsetOf" or "IsProperSupersetOf" or "Overlaps" or
            "SetEquals" or "Clone" or "ForEach" or "CompareTo")
        {
            return true;
        }

        // A struct's method may change the variable it is called on, unless the struct or the method says it cannot.
        if (receiver.IsValueType)
        {
            return receiver.SpecialType != SpecialType.None || receiver.IsReadOnly || method.IsReadOnly;
        }

        // The conservative default: any other instance call may change the object.
        return method.ContainingType is { } owner && IsReadOnlyType(owner);
    }

    /// <summary>Strings, primitives, enums, delegates, readonly structs and the immutable collections: nothing can change them.</summary>
    public bool IsImmutable(ITypeSymbol type) =>
        type.SpecialType is SpecialType.System_String or SpecialType.System_Boolean or SpecialType.System_Char or
            SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16 or
            SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 or
            SpecialType.System_Decimal or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_DateTime ||
        type.TypeKind is TypeKind.Enum or TypeKind.Delegate ||
        (type.IsValueType && type.IsReadOnly && !type.IsRefLikeType) ||
        (type is INamedTypeSymbol named && immutableCollections.Contains(named.OriginalDefinition));

    /// <summary>An argument: what the callee may do with it.</summary>
    private Use Argument(IArgumentOperation argument, IOperation value, bool itself, int calleeDepth)
    {
        if (argument.Parameter is not { } parameter || parameter.RefKind is RefKind.Ref or RefKind.Out)
        {
            return new Use(itself ? UseKind.Write : UseKind.Mutate);
        }

        var parameterType = parameter.OriginalDefinition.Type;
        if (parameterType is INamedTypeSymbol view && mutableViews.Contains(view.OriginalDefinition))
        {
            return new Use(UseKind.Mutate);
        }

        // Passed by value: the callee gets its own copy.
        if (IsValueLike(value.WalkDownConversion().Type) && IsValueLike(value.Type))
        {
            return new Use(UseKind.Read);
        }

        var callee = argument.Parent switch
        {
            IInvocationOperation invocation => (ISymbol)(invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod),
            IObjectCreationOperation creation => creation.Constructor,
            _ => null,
        };
        var type = callee?.ContainingType?.OriginalDefinition;
        if (type is not null)
        {
            if (type.SpecialType == SpecialType.System_Array)
            {
                var reads = callee!.Name is "IndexOf" or "LastIndexOf" or "BinarySearch" or "Exists" or "Find" or "FindAll" or "FindIndex" or
                                "FindLast" or "FindLastIndex" or "TrueForAll" or "ConvertAll" or "AsReadOnly" ||
                            (callee.Name is "Copy" or "ConstrainedCopy" && parameter.Name.StartsWith("source", StringComparison.Ordinal));
                return new Use(reads ? UseKind.Read : UseKind.Mutate);
            }

            if (KnownTypes.Is(type, known.Enumerable) || KnownTypes.Is(type, known.Console) || KnownTypes.Is(type, known.StringBuilder) ||
                KnownTypes.Is(type, known.Math) || type.SpecialType == SpecialType.System_String ||
                (callee is IMethodSymbol method && serializers.IsSerializer(method) && !IsStream(parameterType)) ||
                (callee is IMethodSymbol { MethodKind: MethodKind.Constructor } && collections.Contains(type)))
            {
                return new Use(UseKind.Read);
            }
        }

        return new Use(
            IsReadOnlyType(parameterType) || (callee is IMethodSymbol sourceMethod && OnlyReadsParameter(sourceMethod, parameter, calleeDepth + 1))
                ? UseKind.Read
                : UseKind.Escape,
            byArgument: true);
    }

    /// <summary>
    /// A method with source here, whose body runs whatever the receiver (not virtual, not an interface's), that
    /// only reads the parameter: every reference to it in the body is a read, through the calls it makes in turn.
    /// A body that never uses the parameter is taken for a stub, which may change it once written.
    /// </summary>
    private bool OnlyReadsParameter(IMethodSymbol method, IParameterSymbol parameter, int calleeDepth)
    {
        method = method.OriginalDefinition;
        if (calleeDepth > MaxCalleeDepth || method.IsVirtual || method.IsAbstract || method.IsOverride || method.IsExtern ||
            method.ContainingType?.TypeKind == TypeKind.Interface || parameter.Ordinal >= method.Parameters.Length)
        {
            return false;
        }

        return onlyReadParameters[calleeDepth].GetOrAdd(method.Parameters[parameter.Ordinal], definition =>
        {
            var references = MethodSummaries.Body(compilation, method)?.Descendants()
                .OfType<IParameterReferenceOperation>()
                .Where(reference => SymbolEqualityComparer.Default.Equals(reference.Parameter, definition))
                .ToList();
            return references is { Count: > 0 } && references.All(reference => Classify(reference, calleeDepth).IsRead);
        });
    }

    private static ImmutableHashSet<INamedTypeSymbol> Set(KnownTypes known, params string[] names) =>
        names.Select(known.Named).Where(type => type is not null).Select(type => type!).ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);

    private bool IsStream(ITypeSymbol type) => serializers.IsStream(type);

    private bool IsReadOnlyType(ITypeSymbol type) =>
        type.SpecialType == SpecialType.System_String ||
        (type is INamedTypeSymbol named && readOnlyTypes.Contains(named.OriginalDefinition));

    private static bool IsMutatingName(string name) =>
        name.StartsWith("Set", StringComparison.Ordinal) ||
        name.StartsWith("Add", StringComparison.Ordinal) ||
        name.StartsWith("Remove", StringComparison.Ordinal) ||
        name.StartsWith("Insert", StringComparison.Ordinal) ||
        (name.StartsWith("Try", StringComparison.Ordinal) && name is not "TryGetValue" and not "TryPeek") ||
        name is "Clear" or "Sort" or "Reverse" or "Push" or "Pop" or "Enqueue" or "Dequeue" or "Fill" or "Resize" or
            "ExceptWith" or "IntersectWith" or "UnionWith" or "SymmetricExceptWith" or "TrimExcess" or "EnsureCapacity" or
            "Dispose" or "GetOrAdd" or "Shuffle" or "Initialize" or "CopyFrom" or "Update";
}
