using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>The format a serializer writes.</summary>
internal enum SerializedFormat
{
    Json,
    Xml,
    Binary,
}

/// <summary>Where a serializer puts its result.</summary>
internal enum SerializedOutput
{
    /// <summary>Returns a string.</summary>
    Text,

    /// <summary>Returns a byte array.</summary>
    Bytes,

    /// <summary>Writes to a stream or writer it is given.</summary>
    Stream,
}

/// <summary>One serializer call: what it serializes, the other arguments, and what it produces.</summary>
internal sealed class Serialization
{
    public Serialization(IInvocationOperation call, string name, IOperation data, ImmutableArray<IOperation> others, SerializedFormat format, SerializedOutput output)
    {
        Call = call;
        Name = name;
        Data = data;
        Others = others;
        Format = format;
        Output = output;
    }

    public IInvocationOperation Call { get; }

    /// <summary>The call as users write it: <c>JsonSerializer.Serialize</c>, <c>JsonConvert.SerializeObject</c>, <c>ToJson</c>.</summary>
    public string Name { get; }

    /// <summary>The serialized data: the value argument, or the receiver of a type's own <c>ToJson()</c>.</summary>
    public IOperation Data { get; }

    /// <summary>The other explicit arguments (options, settings, the stream written to).</summary>
    public ImmutableArray<IOperation> Others { get; }

    public SerializedFormat Format { get; }

    public SerializedOutput Output { get; }
}

/// <summary>
/// The serializer catalogue: System.Text.Json, Newtonsoft.Json, protobuf-net, MessagePack, BinaryFormatter,
/// XmlSerializer, the data contract serializers, and a user type's own <c>Serialize</c>/<c>ToJson</c>-shaped method
/// (by shape: returns a string or bytes, or writes to a stream, and takes the data). Types are resolved once per
/// compilation by metadata name; a library the compilation lacks resolves to nothing and never matches.
/// </summary>
internal sealed class Serializers
{
    private static readonly ConditionalWeakTable<Compilation, Serializers> Cache = new();

    private readonly ImmutableArray<(INamedTypeSymbol Type, SerializedFormat Format, string Methods)> catalogue;
    private readonly ImmutableArray<INamedTypeSymbol> outputs;
    private readonly INamedTypeSymbol? xmlObjectSerializer;
    private readonly INamedTypeSymbol? type;

    private Serializers(Compilation compilation)
    {
        var known = KnownTypes.Of(compilation);
        var builder = ImmutableArray.CreateBuilder<(INamedTypeSymbol, SerializedFormat, string)>();
        void Add(string name, SerializedFormat format, string methods)
        {
            if (known.Named(name) is { } found)
            {
                builder.Add((found, format, methods));
            }
        }

        // Methods: the names that serialize, separated by '|'.
        Add("System.Text.Json.JsonSerializer", SerializedFormat.Json, "|Serialize|SerializeToUtf8Bytes|SerializeAsync|");
        Add("Newtonsoft.Json.JsonConvert", SerializedFormat.Json, "|SerializeObject|");
        Add("Newtonsoft.Json.JsonSerializer", SerializedFormat.Json, "|Serialize|");
        Add("ProtoBuf.Serializer", SerializedFormat.Binary, "|Serialize|SerializeWithLengthPrefix|");
        Add("MessagePack.MessagePackSerializer", SerializedFormat.Binary, "|Serialize|SerializeAsync|");
        Add("MessagePack.MessagePackSerializer`1", SerializedFormat.Binary, "|Serialize|");
        Add("System.Runtime.Serialization.Formatters.Binary.BinaryFormatter", SerializedFormat.Binary, "|Serialize|");
        Add("System.Xml.Serialization.XmlSerializer", SerializedFormat.Xml, "|Serialize|");
        catalogue = builder.ToImmutable();
        xmlObjectSerializer = known.Named("System.Runtime.Serialization.XmlObjectSerializer");
        type = known.Named("System.Type");
        outputs = new[]
        {
            "System.IO.Stream", "System.IO.TextWriter", "System.Xml.XmlWriter", "System.Text.Json.Utf8JsonWriter",
            "Newtonsoft.Json.JsonWriter", "System.Buffers.IBufferWriter`1",
        }.Select(known.Named).Where(t => t is not null).Select(t => t!).ToImmutableArray();
    }

    /// <summary>The catalogue of <paramref name="compilation"/>.</summary>
    public static Serializers Of(Compilation compilation) => Cache.GetValue(compilation, c => new Serializers(c));

    /// <summary>True when <paramref name="method"/> serializes (its data is only read).</summary>
    public bool IsSerializer(IMethodSymbol method) => Format(method) is not null || IsUserShaped(method);

    /// <summary>A stream or writer a serializer writes to (a parameter of that type is written, not read).</summary>
    public bool IsStream(ITypeSymbol? candidate)
    {
        for (var current = candidate as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (outputs.Any(output => KnownTypes.Is(current.OriginalDefinition, output)))
            {
                return true;
            }
        }

        return candidate is not null && candidate.AllInterfaces.Any(i => outputs.Any(output => KnownTypes.Is(i.OriginalDefinition, output)));
    }

    /// <summary>The serialization <paramref name="call"/> makes, or null.</summary>
    public Serialization? Match(IInvocationOperation call)
    {
        var method = call.TargetMethod;
        if (method.ContainingType is not { } owner)
        {
            return null;
        }

        var output = Output(method);
        if (output is null)
        {
            return null;
        }

        if (Format(method) is { } format)
        {
            return Data(call, user: false) is var (data, others) && data is not null
                ? new Serialization(call, owner.Name + "." + method.Name, data, others, format, output.Value)
                : null;
        }

        if (!IsUserShaped(method))
        {
            return null;
        }

        var (userData, userOthers) = Data(call, user: true);
        userData ??= method.IsStatic || call.Instance is null or IInstanceReferenceOperation ? null : call.Instance;
        var name = method.IsStatic ? owner.Name + "." + method.Name : method.Name;
        var userFormat = method.Name.IndexOf("Json", StringComparison.Ordinal) >= 0 ? SerializedFormat.Json
            : method.Name.IndexOf("Xml", StringComparison.Ordinal) >= 0 ? SerializedFormat.Xml
            : output == SerializedOutput.Text ? SerializedFormat.Json : SerializedFormat.Binary;
        return userData is null ? null : new Serialization(call, name, userData, userOthers, userFormat, output.Value);
    }

    private SerializedFormat? Format(IMethodSymbol method)
    {
        var owner = method.ContainingType?.OriginalDefinition;
        if (owner is null)
        {
            return null;
        }

        foreach (var (known, format, methods) in catalogue)
        {
            if (KnownTypes.Is(owner, known))
            {
                return methods.IndexOf("|" + method.Name + "|", StringComparison.Ordinal) >= 0 ? format : null;
            }
        }

        // DataContractSerializer, DataContractJsonSerializer: WriteObject on any XmlObjectSerializer.
        if (method.Name == "WriteObject" && xmlObjectSerializer is not null)
        {
            for (var current = owner; current is not null; current = current.BaseType)
            {
                if (KnownTypes.Is(current, xmlObjectSerializer))
                {
                    return owner.Name.IndexOf("Json", StringComparison.Ordinal) >= 0 ? SerializedFormat.Json : SerializedFormat.Xml;
                }
            }
        }

        return null;
    }

    /// <summary>A method of the compilation's own types named like a serializer (<c>Serialize</c>, <c>ToJson</c>, <c>ToXml</c>).</summary>
    private bool IsUserShaped(IMethodSymbol method) =>
        method.Locations.Any(location => location.IsInSource) &&
        (method.Name.StartsWith("Serialize", StringComparison.Ordinal) || method.Name is "ToJson" or "ToJsonString" or "ToXml" or "ToXmlString") &&
        Output(method) is not null;

    /// <summary>What the method produces: a string, bytes, or (returning nothing, or a task) a stream it is given.</summary>
    private SerializedOutput? Output(IMethodSymbol method)
    {
        var returned = method.ReturnType;
        if (returned.SpecialType == SpecialType.System_String)
        {
            return SerializedOutput.Text;
        }

        if (returned is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte })
        {
            return SerializedOutput.Bytes;
        }

        var returnsNothing = method.ReturnsVoid || returned.Name is "Task" or "ValueTask";
        return returnsNothing && method.Parameters.Any(p => IsStream(p.Type)) ? SerializedOutput.Stream : null;
    }

    /// <summary>
    /// The data argument: for the catalogue, the parameter typed <c>object</c> or by a type parameter; for a user
    /// method, the first parameter that is neither a primitive, a string, a stream nor a <c>Type</c>.
    /// </summary>
    private (IOperation? Data, ImmutableArray<IOperation> Others) Data(IInvocationOperation call, bool user)
    {
        IOperation? data = null;
        var others = ImmutableArray.CreateBuilder<IOperation>();
        foreach (var argument in call.Arguments)
        {
            var parameter = argument.Parameter?.OriginalDefinition.Type;
            var isData = data is null && parameter is not null && (user
                ? parameter.SpecialType is SpecialType.None or SpecialType.System_Object && parameter.TypeKind is not (TypeKind.Enum or TypeKind.Error) &&
                  !IsStream(parameter) && !KnownTypes.Is(parameter, type)
                : parameter.SpecialType == SpecialType.System_Object || parameter.TypeKind == TypeKind.TypeParameter);
            if (isData)
            {
                data = argument.Value;
            }
            else if (argument.ArgumentKind != ArgumentKind.DefaultValue)
            {
                others.Add(argument.Value);
            }
        }

        return (data, others.ToImmutable());
    }
}
