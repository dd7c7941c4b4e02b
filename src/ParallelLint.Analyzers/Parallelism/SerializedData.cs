using System.Collections.Immutable;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// The calls whose result is a serialization of data, as the process rules see it: the <see cref="Serializers"/>
/// catalogue (to a string or bytes), <c>string.Join</c>/<c>Concat</c> over a data collection, Base64, and a whole
/// file's content. Serializing only constants is an option string, not data.
/// </summary>
internal sealed class SerializedData
{
    private readonly Serializers serializers;
    private readonly KnownTypes known;

    public SerializedData(Compilation compilation)
    {
        Compilation = compilation;
        serializers = Serializers.Of(compilation);
        known = KnownTypes.Of(compilation);
    }

    public Compilation Compilation { get; }

    /// <summary>The call's file extension when it serializes data (not only constants), with the arguments that carry the data.</summary>
    public (string Extension, ImmutableArray<IOperation> Data)? Match(IInvocationOperation call, LocalUsages locals)
    {
        var method = call.TargetMethod;
        var type = method.ContainingType;
        if (type is null)
        {
            return null;
        }

        if (serializers.Match(call) is { } serialization)
        {
            var extension = serialization.Format switch
            {
                SerializedFormat.Json => "json",
                SerializedFormat.Xml => "xml",
                _ => "bin",
            };
            return WithData(extension, ImmutableArray.Create(serialization.Data));
        }

        if (type.SpecialType == SpecialType.System_String && method.Name is "Join" or "Concat")
        {
            return WithData("txt", call.Arguments.Where(a => a.ArgumentKind == ArgumentKind.Explicit && IsDataCollection(a.Value, locals)).Select(a => a.Value).ToImmutableArray());
        }

        if (KnownTypes.Is(type, known.Convert) && method.Name == "ToBase64String")
        {
            return WithData("txt", call.Arguments.Where(a => a.Parameter?.Ordinal == 0).Select(a => a.Value).ToImmutableArray());
        }

        // A whole file's content: the path may well be a constant, the data is what the file holds.
        if (ReadsFile(call) && method.Name is "ReadAllText" or "ReadAllBytes")
        {
            return (method.Name == "ReadAllText" ? "txt" : "bin", call.Arguments.Select(a => a.Value).ToImmutableArray());
        }

        return null;
    }

    /// <summary>The arguments the result depends on: not the stream or writer a serializer writes to.</summary>
    public IEnumerable<IOperation> Inputs(IInvocationOperation call) =>
        call.Arguments.Where(argument => !serializers.IsStream(argument.Parameter?.Type)).Select(argument => argument.Value);

    public bool ReadsFile(IInvocationOperation call) => KnownTypes.Is(call.TargetMethod.ContainingType, known.File);

    /// <summary>The calls an invariant value may go through: serializers (not file reads), LINQ, <c>ToString</c>.</summary>
    public bool IsPure(IMethodSymbol method)
    {
        var definition = method.ReducedFrom ?? method;
        var type = definition.ContainingType;
        return serializers.IsSerializer(method) || KnownTypes.Is(type, known.Convert) ||
               (type?.SpecialType == SpecialType.System_String && method.Name is "Join" or "Concat") ||
               KnownTypes.Is(type?.OriginalDefinition, known.Enumerable) ||
               (!method.IsStatic && method.Name == "ToString");
    }

    private static (string, ImmutableArray<IOperation>)? WithData(string extension, ImmutableArray<IOperation> data) =>
        data.Any(value => !value.ConstantValue.HasValue && value.WalkDownConversion() is not ILiteralOperation) ? (extension, data) : null;

    /// <summary>
    /// A collection that holds data: elements other than strings, or strings computed by a call (lines of a file,
    /// a projection). A list of strings written in the code, or handed in from elsewhere, is more likely a set of
    /// command-line options than data: not counted.
    /// </summary>
    private static bool IsDataCollection(IOperation value, LocalUsages locals)
    {
        value = value.WalkDownConversion();
        var element = value.Type switch
        {
            IArrayTypeSymbol array => array.ElementType,
            INamedTypeSymbol named when named.SpecialType != SpecialType.System_String => EnumeratedType(named),
            _ => null,
        };
        if (element is null)
        {
            return false;
        }

        if (element.SpecialType != SpecialType.System_String)
        {
            return true;
        }

        if (value is ILocalReferenceOperation { Local: var local } && !locals.IsReassigned(local) && locals.InitialValue(local) is { } initial)
        {
            value = initial.WalkDownConversion();
        }

        return value is IInvocationOperation;
    }

    private static ITypeSymbol? EnumeratedType(INamedTypeSymbol type) =>
        type.AllInterfaces.Add(type).FirstOrDefault(candidate =>
            candidate.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T && candidate.TypeArguments.Length == 1)
            ?.TypeArguments[0];
}
