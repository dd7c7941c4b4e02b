using ParallelLint.Analyzers.Tests.Verifiers;
using VerifyPL1001 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.NestedParallelConstructAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class NestedParallelConstructAnalyzerTests
{
    /// <summary>Every outer construct kind, with <c>BODY</c> standing for what runs in its parallel body.</summary>
    private static readonly Dictionary<string, string> Outers = new()
    {
        ["Parallel.For"] = "Parallel.For(0, n, i => { BODY });",
        ["Parallel.ForEach"] = "Parallel.ForEach(items, x => { BODY });",
        ["Parallel.ForAsync"] = "await Parallel.ForAsync(0, n, async (i, ct) => { BODY await Task.Yield(); });",
        ["Parallel.ForEachAsync"] = "await Parallel.ForEachAsync(items, async (x, ct) => { BODY await Task.Yield(); });",
        ["Parallel.Invoke"] = "Parallel.Invoke(() => { }, () => { BODY });",
        ["PLINQ Select"] = "var r = items.AsParallel().Select(x => { BODY return x; }).ToList();",
        ["PLINQ ForAll"] = "items.AsParallel().Where(x => x > 0).ForAll(x => { BODY });",
        ["PLINQ query syntax"] = "var q = (from x in items.AsParallel() where Check(() => { BODY }) select x).ToArray();",
        ["ActionBlock"] = "var block = new ActionBlock<int>(x => { BODY }, new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 4 });",
        ["TransformBlock (unbounded)"] = "var block = new TransformBlock<int, int>(x => { BODY return x; }, new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = DataflowBlockOptions.Unbounded });",
        ["Task.Run per item"] = "foreach (var x in items) tasks.Add(Task.Run(() => { BODY }));",
        ["Task.Factory.StartNew per item"] = "for (var i = 0; i < n; i++) tasks.Add(Task.Factory.StartNew(() => { BODY }));",
        ["Task.Run in Select"] = "await Task.WhenAll(items.Select(x => Task.Run(() => { BODY })));",
        ["Thread per item"] = "foreach (var x in items) new Thread(() => { BODY }).Start();",
        ["QueueUserWorkItem per item"] = "foreach (var x in items) ThreadPool.QueueUserWorkItem(state => { BODY });",
        ["anonymous method"] = "Parallel.For(0, n, delegate (int i) { BODY });",
        ["Executor.ForEach"] = "Executor.ForEach(items, x => { BODY });",
        ["Executor.MapAsync"] = "var r = await Executor.MapAsync(items, async (x, ct) => { BODY await Task.Yield(); return x; });",
    };

    /// <summary>Every inner construct kind, marked where PL1001 reports it.</summary>
    private static readonly Dictionary<string, string> Inners = new()
    {
        ["Parallel.For"] = "{|PL1001:Parallel.For|}(0, n, j => { });",
        ["Parallel.ForEach"] = "{|PL1001:Parallel.ForEach|}(items, y => { });",
        ["Parallel.ForAsync"] = "_ = {|PL1001:Parallel.ForAsync|}(0, n, (j, c) => ValueTask.CompletedTask);",
        ["Parallel.ForEachAsync"] = "_ = {|PL1001:Parallel.ForEachAsync|}(items, (y, c) => ValueTask.CompletedTask);",
        ["Parallel.Invoke"] = "{|PL1001:Parallel.Invoke|}(() => { }, () => { });",
        ["PLINQ"] = "_ = items.{|PL1001:AsParallel|}().Select(y => y * 2).Sum();",
        ["PLINQ query syntax"] = "_ = (from y in items.{|PL1001:AsParallel|}() select y * 2).ToList();",
        ["PLINQ aggregate"] = "_ = items.{|PL1001:AsParallel|}().WithMergeOptions(ParallelMergeOptions.FullyBuffered).Max();",
        ["PLINQ in foreach"] = "foreach (var y in items.{|PL1001:AsParallel|}().AsOrdered()) { }",
        ["TransformBlock"] = "_ = {|PL1001:new TransformBlock<int, int>|}(y => y, new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = Environment.ProcessorCount });",
        ["Task.Run per item"] = "var inner = new List<Task>(); foreach (var y in items) inner.Add({|PL1001:Task.Run|}(() => { })); Task.WaitAll(inner.ToArray());",
        ["StartNew per item"] = "var inner = new List<Task>(); foreach (var y in items) inner.Add(Task.Factory.{|PL1001:StartNew|}(() => { })); Task.WaitAll(inner.ToArray());",
        ["Task.Run in Select"] = "Task.WaitAll(items.Select(y => {|PL1001:Task.Run|}(() => y)).ToArray());",
        ["Thread per item"] = "for (var k = 0; k < n; k++) { var t = {|PL1001:new Thread|}(() => { }); t.Start(); }",
        ["QueueUserWorkItem per item"] = "foreach (var y in items) {|PL1001:ThreadPool.QueueUserWorkItem|}(s => { });",
    };

    /// <summary>How the inner construct is reached from the outer body: directly or through a declared function.</summary>
    private static readonly Dictionary<string, string> Paths = new()
    {
        ["directly"] = "INNER",
        ["through a lambda"] = "Action run = () => { INNER }; run();",
        ["through an anonymous method"] = "Action run = delegate { INNER }; run();",
        ["through a local function"] = "Run(); void Run() { INNER }",
    };

    public static IEnumerable<object[]> EveryPair() =>
        from outer in Outers.Keys
        from inner in Inners.Keys
        select new object[] { outer, inner };

    public static IEnumerable<object[]> EveryPath() =>
        from path in Paths.Keys
        from outer in new[] { "Parallel.For", "PLINQ Select", "ActionBlock", "Task.Run per item" }
        select new object[] { outer, path };

    [Theory]
    [MemberData(nameof(EveryPair))]
    public Task Every_construct_nested_in_every_construct(string outer, string inner) =>
        VerifyPL1001.Analyzer(Method(Outers[outer].Replace("BODY", Inners[inner])));

    [Theory]
    [MemberData(nameof(EveryPath))]
    public Task Nested_through_functions_declared_inside_the_body(string outer, string path) =>
        VerifyPL1001.Analyzer(Method(Outers[outer].Replace("BODY", Paths[path].Replace("INNER", Inners["Parallel.For"]))));

    [Fact]
    public Task Message_names_both_constructs_and_points_at_the_outer() => VerifyPL1001.Analyzer(
        Method("""
            {|#1:Parallel.ForEach|}(items, x =>
            {
                _ = items.{|#0:AsParallel|}().Sum(y => y * x);
            });
            """),
        expected: VerifyPL1001.Diagnostic("PL1001")
            .WithLocation(0)
            .WithLocation(1)
            .WithArguments("PLINQ query", "Parallel.ForEach", "both levels use every core, so their threads multiply"));

    [Fact]
    public Task Three_levels_report_each_inner_level_once() => VerifyPL1001.Analyzer(Method("""
        Parallel.For(0, n, i =>
        {
            {|PL1001:Parallel.For|}(0, n, j =>
            {
                {|PL1001:Parallel.For|}(0, n, k => { });
            });
        });
        """));

    [Theory]
    [InlineData("for (var i = 0; i < n; i++) { Parallel.For(0, n, j => { }); }")]
    [InlineData("foreach (var x in items) { _ = items.AsParallel().Select(y => y * x).ToList(); }")]
    [InlineData("Parallel.For(0, n, i => { }); Parallel.ForEach(items, x => { });")]
    [InlineData("Action later = () => Parallel.For(0, n, j => { }); Parallel.For(0, n, i => { }); later();")]
    [InlineData("Parallel.For(0, n, i => Work(i)); void Work(int i) { Parallel.For(0, n, j => { }); }")]
    [InlineData("Parallel.For(0, n, Work); void Work(int i) { Parallel.For(0, n, j => { }); }")]
    public Task Sequential_outer_loops_siblings_and_code_outside_the_body_are_not_findings(string code) =>
        VerifyPL1001.Analyzer(Method(code));

    [Theory]
    [InlineData("Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 1 }, j => { });")]
    [InlineData("var one = new ParallelOptions { MaxDegreeOfParallelism = 1 }; Parallel.ForEach(items, one, y => { });")]
    [InlineData("var one = new ParallelOptions(); one.MaxDegreeOfParallelism = 1; Parallel.Invoke(one, () => { });")]
    [InlineData("_ = items.AsParallel().WithDegreeOfParallelism(1).Select(y => y).ToList();")]
    [InlineData("_ = items.AsParallel().AsSequential().Select(y => y).ToList();")]
    [InlineData("_ = items.AsParallel();")]
    [InlineData("_ = items.AsParallel().WithDegreeOfParallelism(4).AsSequential();")]
    [InlineData("foreach (var y in items.AsParallel().AsSequential()) { }")]
    [InlineData("_ = new ActionBlock<int>(y => { });")]
    [InlineData("_ = new ActionBlock<int>(y => { }, new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 1 });")]
    [InlineData("_ = new ActionBlock<int>(y => { }, new ExecutionDataflowBlockOptions { BoundedCapacity = 8 });")]
    [InlineData("Parallel.For(0, n, opaque, j => { });")]
    public Task Inner_constructs_bounded_to_one_or_unknown_are_not_findings(string inner) =>
        VerifyPL1001.Analyzer(Method(Outers["Parallel.ForEach"].Replace("BODY", inner)));

    [Theory]
    [InlineData("Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, j => { });")]
    [InlineData("var share = new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }; Parallel.ForEach(items, share, y => { });")]
    [InlineData("_ = items.AsParallel().WithDegreeOfParallelism(Cores.Available).Sum();")]
    [InlineData("Executor.ForEach(items, y => { });")]
    [InlineData("_ = Executor.MapAsync(items, new ExecutorOptions { CoresPerItem = 1 }, (y, c) => new ValueTask<int>(y));")]
    public Task Inside_an_executor_item_work_sized_by_the_items_share_is_protected(string inner) =>
        VerifyPL1001.Analyzer(Method(Outers["Executor.ForEach"].Replace("BODY", inner)));

    [Theory]
    [InlineData("Executor.ForEach(items, x => { {|PL1001:Parallel.For|}(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, j => { }); });")]
    [InlineData("Executor.ForEach(items, x => { {|PL1001:Executor.ForEach|}(items, new ExecutorOptions { MaxDegreeOfParallelism = 8 }, y => { }); });")]
    [InlineData("Parallel.ForEach(items, x => { {|PL1001:Parallel.For|}(0, n, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, j => { }); });")]
    [InlineData("Parallel.ForEach(items, x => { {|PL1001:Executor.ForEach|}(items, y => { }); });")]
    public Task The_items_share_protects_only_inside_an_executor_and_only_what_it_sizes(string code) =>
        VerifyPL1001.Analyzer(Method(code));

    [Theory]
    [InlineData("Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i => { BODY });")]
    [InlineData("var one = new ParallelOptions { MaxDegreeOfParallelism = 1 }; Parallel.For(0, n, one, i => { BODY });")]
    [InlineData("_ = items.AsParallel().WithDegreeOfParallelism(1).Select(x => { BODY return x; }).ToList();")]
    [InlineData("var block = new ActionBlock<int>(x => { BODY });")]
    [InlineData("Parallel.For(0, n, opaque, i => { BODY });")]
    [InlineData("var task = Task.Run(() => { BODY }); task.Wait();")]
    [InlineData("Executor.ForEach(items, new ExecutorOptions { MaxDegreeOfParallelism = 1 }, x => { BODY });")]
    public Task Outer_constructs_bounded_to_one_or_not_per_item_are_not_findings(string outer) =>
        VerifyPL1001.Analyzer(Method(outer.Replace("BODY", "Parallel.For(0, n, j => { });")));

    [Theory]
    [InlineData("Task.Run(() => { }).Wait();")]
    [InlineData("foreach (var y in items) { Task.Run(() => { }).Wait(); }")]
    [InlineData("foreach (var y in items) { var t = Task.Run(() => y); total += t.Result; }")]
    [InlineData("foreach (var y in items) { Task.Run(() => { }).GetAwaiter().GetResult(); }")]
    [InlineData("foreach (var y in items) { var t = new Thread(() => { }); t.Start(); t.Join(); }")]
    [InlineData("foreach (var y in items) { var t = new Thread(() => { }); }")]
    [InlineData("ThreadPool.QueueUserWorkItem(s => { });")]
    public Task Fan_out_that_is_joined_in_its_iteration_or_not_per_item_is_not_a_finding(string inner) =>
        VerifyPL1001.Analyzer(Method(Outers["Parallel.For"].Replace("BODY", "var total = 0; " + inner)));

    [Fact]
    public Task Awaited_task_per_item_inside_an_async_parallel_body_is_not_a_finding() => VerifyPL1001.Analyzer(
        Method(Outers["Parallel.ForEachAsync"].Replace("BODY", "foreach (var y in items) { await Task.Run(() => y).ConfigureAwait(false); }")));

    [Theory]
    [InlineData("Cores.ForLevel(level: 0, levels: 2)", "Cores.ForLevel(level: 1, levels: 2)")]
    [InlineData("4", "2")]
    [InlineData("outerDegree", "innerDegree")]
    public Task Both_levels_explicitly_bounded_is_the_users_split_not_a_finding(string outer, string inner) =>
        VerifyPL1001.Analyzer(Method($$"""
            int outerDegree = 2, innerDegree = 2;
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = {{outer}} }, i =>
            {
                _ = items.AsParallel().WithDegreeOfParallelism({{inner}}).Select(y => y).ToList();
                Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = {{inner}} }, y => { });
            });
            """));

    [Theory]
    [InlineData("Environment.ProcessorCount", "Environment.ProcessorCount")]
    [InlineData("Cores.Available", "2")]
    [InlineData("4", "-1")]
    public Task A_level_that_takes_every_core_is_still_a_finding(string outer, string inner) =>
        VerifyPL1001.Analyzer(Method($$"""
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = {{outer}} }, i =>
            {
                {|PL1001:Parallel.ForEach|}(items, new ParallelOptions { MaxDegreeOfParallelism = {{inner}} }, y => { });
            });
            """));

    [Fact]
    public Task Options_in_a_local_are_followed() => VerifyPL1001.Analyzer(Method("""
        var all = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        var reassigned = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        reassigned = opaque;
        Parallel.For(0, n, all, i =>
        {
            {|PL1001:Parallel.For|}(0, n, all, j => { });
            Parallel.For(0, n, reassigned, j => { });
        });
        """));

    [Fact]
    public Task Generated_code_is_not_analyzed() => VerifyPL1001.Analyzer("""
        // <auto-generated/>
        using System.Threading.Tasks;
        class Generated
        {
            void M(int n) => Parallel.For(0, n, i => Parallel.For(0, n, j => { }));
        }
        """);

    [Fact]
    public Task Without_the_runtime_the_rule_works_the_same() => VerifyPL1001.Analyzer(
        """
        using System.Threading.Tasks;
        class C
        {
            void M(int n) => Parallel.For(0, n, i => {|PL1001:Parallel.For|}(0, n, j => { }));
        }
        """,
        withRuntime: false);

    /// <summary>A method with the locals every snippet uses.</summary>
    private static string Method(string body) => TestSources.Usings + $$"""
        class C
        {
            async Task M(int n, int[] items, List<Task> tasks, ParallelOptions opaque)
            {
                {{body}}
                await Task.CompletedTask;
            }

            static bool Check(Action action) { action(); return true; }
        }
        """;
}
