using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers.Tests.Parallelism;

public class InvarianceTests
{
    private static readonly InvarianceOptions Strict = new(_ => false, readsMembers: false, allowsCreations: false);

    private static bool IsInvariant(string body, InvarianceOptions? options = null)
    {
        var (argument, compilation) = CopiesModelSource.Find<IOperation>($$"""
            readonly List<int> samples = new();
            List<int> mutable = new();
            void M(List<int> data, HashSet<int> ids, Counter counter, IEnumerable<int> lazy, int[] items, int n)
            {
                {{body}}
            }
            static void Use(IEnumerable<int> value) { }
            static void Show(object value) { }
            """, "class Counter { public int Count; public void Bump() => Count++; }", outermost: true);
        var constructs = new ParallelConstructs(KnownTypes.Of(compilation));
        var perItem = PerItemBody.Of(argument, constructs)!;
        return Invariance.For(perItem, compilation).IsInvariant(argument, options ?? Strict, out _);
    }

    [Theory]
    [InlineData("foreach (var item in items) { Use(/*@*/data); }")]
    [InlineData("foreach (var item in items) { var s = JsonSerializer.Serialize(/*@*/counter); }")]
    [InlineData("foreach (var item in items) { Use(/*@*/samples); }")]
    [InlineData("foreach (var item in items) { Use(/*@*/data.Where(d => d > n)); }")]
    [InlineData("foreach (var item in items) { Use(/*@*/ids); var has = ids.Contains(item); }")]
    public void Unchanged_data_is_invariant(string body) => Assert.True(IsInvariant(body));

    [Theory]
    [InlineData("foreach (var item in items) { ids.UnionWith(new[] { item }); Use(/*@*/ids); }")]
    [InlineData("foreach (var item in items) { counter.Bump(); var s = JsonSerializer.Serialize(/*@*/counter); }")]
    [InlineData("foreach (var item in items) { data.Add(item); Use(/*@*/data); }")]
    [InlineData("foreach (var item in items) { data = new List<int>(); Use(/*@*/data); }")]
    [InlineData("foreach (var item in items) { Use(/*@*/data.Where(d => d > item)); }")]
    [InlineData("foreach (var item in items) { var s = JsonSerializer.Serialize(/*@*/item); }")]
    [InlineData("foreach (var item in items) { Use(/*@*/mutable); }")]
    [InlineData("foreach (var item in items) { Use(/*@*/lazy); }")]
    [InlineData("Action refill = () => data.Add(1); foreach (var item in items) { refill(); Use(/*@*/data); }")]
    public void Data_written_mutated_derived_from_the_item_or_shared_is_not(string body) => Assert.False(IsInvariant(body));

    [Fact]
    public void Members_and_composed_values_count_only_when_the_rule_allows_them()
    {
        const string Body = "foreach (var item in items) { Show(/*@*/new { Ids = ids.Count, Size = data.Count }); }";
        Assert.False(IsInvariant(Body));
        Assert.True(IsInvariant(Body, new InvarianceOptions(_ => false, readsMembers: true, allowsCreations: true)));
    }
}
