using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers.Tests.Parallelism;

public class UsesTests
{
    private static UseKind Kind(string statement, string parameters = "List<int> data, HashSet<int> ids, Counter counter, int[] array, string text") =>
        Classify($$"""
            void M({{parameters}})
            {
                {{statement}}
            }
            static void Keep(object value) { }
            static void Read(IReadOnlyList<int> value) { }
            static void Swap(ref int[] value) { }
            """).Kind;

    private static Use Classify(string members)
    {
        var (reference, compilation) = CopiesModelSource.Find<IOperation>(members, "class Counter { public int Count; public void Bump() => Count++; public int Total() => Count; }");
        return Uses.Of(compilation).Classify(reference);
    }

    [Theory]
    [InlineData("var n = /*@*/data.Count;")]
    [InlineData("var has = /*@*/ids.Contains(1);")]
    [InlineData("var s = string.Join(\",\", /*@*/ids);")]
    [InlineData("var json = JsonSerializer.Serialize(/*@*/counter);")]
    [InlineData("Read(/*@*/data);")]
    [InlineData("foreach (var x in /*@*/data) { }")]
    [InlineData("var t = /*@*/text.Trim();")]
    [InlineData("var first = /*@*/array[0];")]
    public void Reads(string statement) => Assert.Equal(UseKind.Read, Kind(statement));

    [Theory]
    [InlineData("/*@*/data = new List<int>();")]
    [InlineData("Swap(ref /*@*/array);")]
    public void Writes(string statement) => Assert.Equal(UseKind.Write, Kind(statement));

    [Theory]
    [InlineData("/*@*/ids.UnionWith(new[] { 1 });")]
    [InlineData("/*@*/data.Add(1);")]
    [InlineData("/*@*/counter.Bump();")]
    [InlineData("/*@*/counter.Total();")]
    [InlineData("/*@*/counter.Count = 2;")]
    [InlineData("/*@*/array[0] = 2;")]
    [InlineData("/*@*/counter.Count++;")]
    [InlineData("Array.Sort(/*@*/array);")]
    public void Mutates(string statement) => Assert.Equal(UseKind.Mutate, Kind(statement));

    [Theory]
    [InlineData("Keep(/*@*/data);")]
    [InlineData("object kept = /*@*/data;")]
    public void Escapes(string statement) => Assert.Equal(UseKind.Escape, Kind(statement));

    [Fact]
    public void An_argument_to_an_unknown_callee_is_handed_on_by_argument()
    {
        var use = Classify("""
            void M(List<int> data) { Keep(/*@*/data); }
            static void Keep(object value) { }
            """);
        Assert.True(use.ByArgument);
        Assert.True(use.IsUnchanged);
    }

    [Fact]
    public void A_call_on_an_immutable_value_only_reads_it() => Assert.Equal(
        UseKind.Read,
        Classify("""
            void M(System.Collections.Immutable.ImmutableList<int> list) { var other = /*@*/list.Add(1); }
            """).Kind);
}
