using Microsoft.CodeAnalysis.Operations;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers.Tests.Parallelism;

public class SerializersTests
{
    private const string Stubs = """
        namespace Newtonsoft.Json { public static class JsonConvert { public static string SerializeObject(object? value) => ""; } }
        namespace MessagePack { public static class MessagePackSerializer { public static byte[] Serialize<T>(T value) => new byte[0]; } }
        namespace ProtoBuf { public static class Serializer { public static void Serialize<T>(System.IO.Stream destination, T instance) { } } }
        class Model { public string ToJson() => ""; public string Name() => ""; }
        static class ModelWriter { public static byte[] Serialize(Model model) => new byte[0]; public static string Describe(Model model) => ""; }
        """;

    private static Serialization? Match(string expression)
    {
        var (call, compilation) = CopiesModelSource.Find<IInvocationOperation>($$"""
            void M(Model model, System.IO.Stream stream)
            {
                var result = /*@*/{{expression}};
            }
            static void Void(object value) { }
            """, Stubs);
        return Serializers.Of(compilation).Match(call);
    }

    [Theory]
    [InlineData("JsonSerializer.Serialize(model)", "JsonSerializer.Serialize", "Json", "Text")]
    [InlineData("JsonSerializer.SerializeToUtf8Bytes(model)", "JsonSerializer.SerializeToUtf8Bytes", "Json", "Bytes")]
    [InlineData("Newtonsoft.Json.JsonConvert.SerializeObject(model)", "JsonConvert.SerializeObject", "Json", "Text")]
    [InlineData("MessagePack.MessagePackSerializer.Serialize(model)", "MessagePackSerializer.Serialize", "Binary", "Bytes")]
    [InlineData("model.ToJson()", "ToJson", "Json", "Text")]
    [InlineData("ModelWriter.Serialize(model)", "ModelWriter.Serialize", "Binary", "Bytes")]
    public void The_catalogue_and_serializer_shaped_methods(string expression, string name, string format, string output)
    {
        var serialization = Match(expression);
        Assert.NotNull(serialization);
        Assert.Equal(name, serialization!.Name);
        Assert.Equal(format, serialization.Format.ToString());
        Assert.Equal(output, serialization.Output.ToString());
        Assert.Equal("model", serialization.Data.Syntax.ToString());
    }

    [Fact]
    public void A_serializer_that_writes_to_a_stream()
    {
        var (call, compilation) = CopiesModelSource.Find<IInvocationOperation>("""
            void M(Model model, System.IO.Stream stream) { /*@*/ProtoBuf.Serializer.Serialize(stream, model); }
            """, Stubs);
        var serialization = Serializers.Of(compilation).Match(call);
        Assert.Equal("Stream", serialization?.Output.ToString());
        Assert.Equal("model", serialization?.Data.Syntax.ToString());
    }

    [Theory]
    [InlineData("model.Name()")]
    [InlineData("ModelWriter.Describe(model)")]
    [InlineData("string.Join(\",\", new[] { 1 })")]
    [InlineData("JsonSerializer.SerializeToDocument(model)")]
    public void Other_calls_are_not_serializers(string expression) => Assert.Null(Match(expression));
}
