using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>What a copy makes.</summary>
internal enum CopyKind
{
    /// <summary>A new mutable collection: waste only while it is just read.</summary>
    Collection,

    /// <summary>A string: immutable.</summary>
    Text,

    /// <summary>Serialized bytes.</summary>
    Bytes,
}

/// <summary>A recognized copy: the call or creation, what it copies, and the other inputs that it depends on.</summary>
internal sealed class Copy
{
    public Copy(IOperation operation, CopyKind kind, string name, string suffix, IOperation data, ImmutableArray<IOperation> inputs)
    {
        Operation = operation;
        Kind = kind;
        Name = name;
        Suffix = suffix;
        Data = data;
        Inputs = inputs;
    }

    /// <summary>The copying call or creation.</summary>
    public IOperation Operation { get; }

    public CopyKind Kind { get; }

    /// <summary>
    /// True when the result depends on the members of the data's objects, not only on which objects it holds:
    /// serializations, and copies through lambdas (<c>items.Select(i =&gt; i.Score).ToArray()</c>).
    /// </summary>
    public bool IsDeep => Kind != CopyKind.Collection || Data.Descendants().Any(part => part is IAnonymousFunctionOperation) ||
                          Inputs.Any(input => input.DescendantsAndSelf().Any(part => part is IAnonymousFunctionOperation));

    /// <summary>The copying call as users write it: <c>ToArray</c>, <c>JsonSerializer.Serialize</c>, <c>new List&lt;double&gt;</c>.</summary>
    public string Name { get; }

    /// <summary>What a local holding it is named with: <c>Array</c>, <c>Json</c>, <c>Joined</c>.</summary>
    public string Suffix { get; }

    /// <summary>The copied data expression.</summary>
    public IOperation Data { get; }

    /// <summary>Every other argument (separators, options, comparers, key selectors).</summary>
    public ImmutableArray<IOperation> Inputs { get; }

    /// <summary>A name for a local that holds the copy: the data's root variable and the suffix (<c>dataArray</c>).</summary>
    public string SuggestedName()
    {
        var root = Copies.RootName(Data) ?? "data";
        root = root.TrimStart('_');
        if (root.StartsWith("m_", StringComparison.Ordinal))
        {
            root = root.Substring(2);
        }

        return root.Length == 0 ? "copy" : char.ToLowerInvariant(root[0]) + root.Substring(1) + Suffix;
    }
}

/// <summary>
/// The calls and creations that copy or serialize data: LINQ's <c>ToArray</c>/<c>ToList</c>/..., a collection's
/// <c>ToArray</c>, <c>new List&lt;T&gt;(source)</c>, <c>Clone</c>, the <see cref="Serializers"/> catalogue (to a
/// string or bytes), <c>string.Join</c>/<c>Concat</c> over a collection. Resolved once per compilation.
/// </summary>
internal sealed class Copies
{
    private const int MaxDepth = 32;

    private static readonly ConditionalWeakTable<Compilation, Copies> Cache = new();

    private static readonly ImmutableHashSet<string> EnumerableCopies = ImmutableHashSet.Create(
        "ToArray", "ToList", "ToHashSet", "ToDictionary", "ToLookup");

    private readonly KnownTypes known;
    private readonly Serializers serializers;
    private readonly INamedTypeSymbol array;
    private readonly ImmutableHashSet<INamedTypeSymbol> collections;
    private readonly ImmutableHashSet<INamedTypeSymbol> instanceToArray;

    private Copies(Compilation compilation)
    {
        known = KnownTypes.Of(compilation);
        serializers = Serializers.Of(compilation);
        array = compilation.GetSpecialType(SpecialType.System_Array);
        collections = Set(
            "System.Collections.Generic.List`1", "System.Collections.Generic.HashSet`1", "System.Collections.Generic.Dictionary`2",
            "System.Collections.Generic.Queue`1", "System.Collections.Generic.Stack`1", "System.Collections.Generic.SortedSet`1",
            "System.Collections.Generic.SortedDictionary`2", "System.Collections.Generic.SortedList`2",
            "System.Collections.Generic.LinkedList`1");
        instanceToArray = Set(
            "System.Collections.Generic.List`1", "System.Collections.Generic.Queue`1", "System.Collections.Generic.Stack`1",
            "System.Collections.Immutable.ImmutableArray`1");
    }

    public static Copies Of(Compilation compilation) => Cache.GetValue(compilation, c => new Copies(c));

    /// <summary>The copy that <paramref name="operation"/> makes, if it is one of the recognized kinds.</summary>
    public Copy? Recognize(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                return RecognizeCall(invocation);
            case IObjectCreationOperation { Constructor: not null, Initializer: null } creation
                when creation.Type is INamedTypeSymbol type && collections.Contains(type.OriginalDefinition):
                // new List<T>(source), new Dictionary<K, V>(source, comparer): the argument that is a collection.
                IOperation? source = null;
                var inputs = ImmutableArray.CreateBuilder<IOperation>();
                foreach (var argument in creation.Arguments)
                {
                    if (argument.Parameter is { } parameter && source is null && IsSequenceParameter(parameter.Type))
                    {
                        source = argument.Value;
                    }
                    else
                    {
                        inputs.Add(argument.Value);
                    }
                }

                if (source is null)
                {
                    return null;
                }

                var name = creation.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.ObjectCreationExpressionSyntax explicitCreation
                    ? "new " + explicitCreation.Type
                    : "new " + type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
                return new Copy(creation, CopyKind.Collection, name, CollectionSuffix(type.Name), source, inputs.ToImmutable());
            default:
                return null;
        }
    }

    /// <summary>True when the copy is itself the input of an enclosing copy (<c>string.Join(",", ids.ToList())</c>): that one counts.</summary>
    public bool FeedsAnotherCopy(IOperation copy)
    {
        var value = copy;
        while (value.Parent is IConversionOperation conversion)
        {
            value = conversion;
        }

        var consumer = value.Parent is IArgumentOperation argument ? argument.Parent : value.Parent;
        return consumer is IInvocationOperation or IObjectCreationOperation && Recognize(consumer!) is { } outer &&
               outer.Data.Syntax.Span.Contains(copy.Syntax.Span);
    }

    /// <summary>The variable a data expression starts from: <c>data</c> in <c>data.Where(...)</c>, <c>samples</c> in <c>this.samples</c>.</summary>
    public static string? RootName(IOperation data)
    {
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            switch (data.WalkDownConversion())
            {
                case ILocalReferenceOperation local:
                    return local.Local.Name;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter.Name;
                case IFieldReferenceOperation field:
                    return field.Field.Name;
                case IInvocationOperation { Instance: null } call when call.Argument(0) is { } source:
                    data = source.Value;
                    break;
                case IInvocationOperation { Instance: { } instance }:
                    data = instance;
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    private Copy? RecognizeCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var definition = method.ReducedFrom ?? method;
        var type = definition.ContainingType?.OriginalDefinition;
        if (type is null)
        {
            return null;
        }

        // data.ToArray() / ToList() / ToHashSet() / ToDictionary(k) / ToLookup(k): the source is the extension's first argument.
        if ((KnownTypes.Is(type, known.Enumerable) && EnumerableCopies.Contains(method.Name)) ||
            (KnownTypes.Is(type, known.ImmutableArrayExtensions) && method.Name == "ToArray"))
        {
            return invocation.Instance is null && invocation.Argument(0) is { } source
                ? new Copy(invocation, CopyKind.Collection, method.Name, CopySuffix(method.Name), source.Value, Rest(invocation.Arguments, skip: invocation.Arguments.IndexOf(source)))
                : null;
        }

        // list.ToArray(), queue.ToArray(), immutableArray.ToArray().
        if (method.Name is "ToArray" && method.Parameters.IsEmpty && invocation.Instance is { } receiver && instanceToArray.Contains(type))
        {
            return new Copy(invocation, CopyKind.Collection, method.Name, "Array", receiver, ImmutableArray<IOperation>.Empty);
        }

        // array.Clone(), cloneable.Clone().
        if (method.Name == "Clone" && method.Parameters.IsEmpty && !method.IsStatic && invocation.Instance is { Type: { } instanceType } instance &&
            (instanceType is IArrayTypeSymbol || KnownTypes.Is(type, array) || Implements(instanceType, known.Cloneable)))
        {
            return new Copy(invocation, CopyKind.Collection, "Clone", "Copy", instance, ImmutableArray<IOperation>.Empty);
        }

        // A serializer to a string or bytes (not to a stream: nothing to hold once).
        if (serializers.Match(invocation) is { Output: SerializedOutput.Text or SerializedOutput.Bytes } serialization)
        {
            var text = serialization.Output == SerializedOutput.Text;
            var suffix = serialization.Format switch
            {
                SerializedFormat.Json => text ? "Json" : "JsonBytes",
                SerializedFormat.Xml => text ? "Xml" : "XmlBytes",
                _ => text ? "Text" : "Bytes",
            };
            return new Copy(invocation, text ? CopyKind.Text : CopyKind.Bytes, serialization.Name, suffix, serialization.Data, serialization.Others);
        }

        if (type.SpecialType == SpecialType.System_String && method.IsStatic)
        {
            // string.Join(separator, values), string.Concat(values): only over a collection, not the params list form.
            if (method.Name == "Join" && invocation.Arguments.Length >= 2 && invocation.Argument(1) is { ArgumentKind: ArgumentKind.Explicit } values &&
                IsCollection(values.Value.WalkDownConversion().Type))
            {
                return new Copy(invocation, CopyKind.Text, "string.Join", "Joined", values.Value, Rest(invocation.Arguments, skip: invocation.Arguments.IndexOf(values)));
            }

            if (method.Name == "Concat" && invocation.Arguments.Length == 1 && invocation.Arguments[0] is { ArgumentKind: ArgumentKind.Explicit } single &&
                IsCollection(single.Value.WalkDownConversion().Type))
            {
                return new Copy(invocation, CopyKind.Text, "string.Concat", "Concatenated", single.Value, ImmutableArray<IOperation>.Empty);
            }
        }

        return null;
    }

    /// <summary>A collection (not a string): an array or anything enumerable.</summary>
    public static bool IsCollection(ITypeSymbol? type) =>
        type is not null && type.SpecialType != SpecialType.System_String && type.TypeKind != TypeKind.Error &&
        (type is IArrayTypeSymbol || type.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable) ||
         type.SpecialType == SpecialType.System_Collections_IEnumerable);

    private ImmutableHashSet<INamedTypeSymbol> Set(params string[] names) =>
        names.Select(known.Named).Where(type => type is not null).Select(type => type!).ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);

    private static bool IsSequenceParameter(ITypeSymbol type) =>
        type.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_IEnumerable_T ||
        (type is INamedTypeSymbol { IsGenericType: true } named && named.OriginalDefinition.AllInterfaces.Any(i =>
            i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T) && type.TypeKind == TypeKind.Interface);

    private static bool Implements(ITypeSymbol type, INamedTypeSymbol? contract) =>
        contract is not null && (KnownTypes.Is(type.OriginalDefinition, contract) || type.AllInterfaces.Any(i => KnownTypes.Is(i.OriginalDefinition, contract)));

    private static ImmutableArray<IOperation> Rest(ImmutableArray<IArgumentOperation> arguments, int skip) =>
        arguments.Where((argument, i) => i != skip && argument.ArgumentKind != ArgumentKind.DefaultValue).Select(argument => argument.Value).ToImmutableArray();

    private static string CopySuffix(string method) => method switch
    {
        "ToList" => "List",
        "ToHashSet" => "Set",
        "ToDictionary" => "Dictionary",
        "ToLookup" => "Lookup",
        _ => "Array",
    };

    private static string CollectionSuffix(string type) => type switch
    {
        "HashSet" or "SortedSet" => "Set",
        "Dictionary" or "SortedDictionary" => "Dictionary",
        "SortedList" or "LinkedList" => "List",
        _ => type,
    };
}
