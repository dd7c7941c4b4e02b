using ParallelLint.Analyzers.Tests.Verifiers;
using ParallelLint.CodeFixes;
using VerifyPL1001 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.NestedParallelConstructAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class NestedParallelConstructFixerTests
{
    private const string Sequential = NestedParallelConstructFixer.MakeInnerSequential;
    private const string Bounded = NestedParallelConstructFixer.BoundBothLevels;

    private static Task Fix(string body, string fixedBody, string key = Sequential, bool withRuntime = true, int? fixAllIterations = null) =>
        VerifyPL1001.CodeFix<NestedParallelConstructFixer>(Method(body), Method(fixedBody), key, withRuntime, fixAllIterations);

    private static Task NoFix(string body, string key = Sequential) =>
        VerifyPL1001.CodeFix<NestedParallelConstructFixer>(Method(body), Method(body), key);

    [Fact]
    public Task Parallel_For_becomes_a_for_loop_with_returns_as_continue() => Fix(
        """
        Parallel.For(0, n, i =>
        {
            {|PL1001:Parallel.For|}(1, n + 1, j =>
            {
                if (j == i) return;
                Work(i, j);
            });
        });
        """,
        """
        Parallel.For(0, n, i =>
        {
            for (int j = 1; j < n + 1; j++)
            {
                if (j == i) continue;
                Work(i, j);
            }
        });
        """);

    [Fact]
    public Task Expression_bodied_outer_lambda_gets_a_block() => Fix(
        "Parallel.For(0, n, i => {|PL1001:Parallel.For|}(0, n, j => Work(i, j)));",
        """
        Parallel.For(0, n, i =>
                {
                    for (int j = 0; j < n; j++)
                    {
                        Work(i, j);
                    }
                });
        """);

    [Fact]
    public Task Long_ranges_keep_their_index_type() => Fix(
        """
        Parallel.For(0, n, i =>
        {
            {|PL1001:Parallel.For|}(0L, big, j => Work(i, (int)j));
        });
        """,
        """
        Parallel.For(0, n, i =>
        {
            for (long j = 0L; j < big; j++)
            {
                Work(i, (int)j);
            }
        });
        """);

    [Fact]
    public Task Parallel_ForEach_becomes_foreach_and_drops_its_options() => Fix(
        """
        Parallel.ForEach(items, x =>
        {
            {|PL1001:Parallel.ForEach|}(items, new ParallelOptions { MaxDegreeOfParallelism = -1 }, delegate (int y) { Work(x, y); });
        });
        """,
        """
        Parallel.ForEach(items, x =>
        {
            foreach (var y in items)
            {
                Work(x, y);
            }
        });
        """);

    [Fact]
    public Task Awaited_ForEachAsync_becomes_foreach_with_awaits_and_the_token_kept() => Fix(
        """
        await Parallel.ForEachAsync(items, async (x, ct) =>
        {
            await {|PL1001:Parallel.ForEachAsync|}(items, token, async (y, inner) =>
            {
                await Task.Delay(y, inner);
            });
        });
        """,
        """
        await Parallel.ForEachAsync(items, async (x, ct) =>
        {
            foreach (var y in items)
            {
                await Task.Delay(y, token);
            }
        });
        """);

    [Fact]
    public Task Awaited_ForAsync_becomes_for_with_the_options_token() => Fix(
        """
        Parallel.For(0, n, i =>
        {
            Run().Wait();
            async Task Run()
            {
                await {|PL1001:Parallel.ForAsync|}(0, n, new ParallelOptions { CancellationToken = token }, async (j, c) => await Task.Delay(j, c));
            }
        });
        """,
        """
        Parallel.For(0, n, i =>
        {
            Run().Wait();
            async Task Run()
            {
                for (int j = 0; j < n; j++)
                {
                    await Task.Delay(j, token);
                }
            }
        });
        """);

    [Fact]
    public Task Parallel_Invoke_becomes_the_calls_in_order() => Fix(
        """
        Parallel.For(0, n, i =>
        {
            {|PL1001:Parallel.Invoke|}(() => Work(i, 1), () => { Work(i, 2); Work(i, 3); }, Nothing);
        });
        """,
        """
        Parallel.For(0, n, i =>
        {
            Work(i, 1);
            {
                Work(i, 2);
                Work(i, 3);
            }

            Nothing();
        });
        """);

    [Fact]
    public Task PLINQ_query_drops_AsParallel_and_its_parallel_only_operators() => Fix(
        """
        Parallel.For(0, n, i =>
        {
            var total = items.{|PL1001:AsParallel|}().WithDegreeOfParallelism(2).AsOrdered().Select(y => y * i).Sum();
            var list = (from y in items.{|PL1001:AsParallel|}() where y > i select y).ToList();
        });
        """,
        """
        Parallel.For(0, n, i =>
        {
            var total = items.Select(y => y * i).Sum();
            var list = (from y in items where y > i select y).ToList();
        });
        """);

    [Fact]
    public Task Dataflow_block_gets_degree_one() => Fix(
        """
        Parallel.For(0, n, i =>
        {
            var block = {|PL1001:new ActionBlock<int>|}(y => Work(i, y), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 8, BoundedCapacity = 4 });
        });
        """,
        """
        Parallel.For(0, n, i =>
        {
            var block = new ActionBlock<int>(y => Work(i, y), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 1, BoundedCapacity = 4 });
        });
        """);

    [Fact]
    public Task Fix_all_handles_three_nested_levels() => Fix(
        """
        Parallel.For(0, n, i =>
        {
            {|PL1001:Parallel.For|}(0, n, j =>
            {
                {|PL1001:Parallel.For|}(0, n, k => Work(j, k));
            });
        });
        """,
        """
        Parallel.For(0, n, i =>
        {
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++)
                {
                    Work(j, k);
                }
            }
        });
        """,
        fixAllIterations: 1);

    [Theory]
    [InlineData("{|PL1001:Parallel.For|}(0, n, (j, state) => { if (j > 2) state.Stop(); });")]
    [InlineData("{|PL1001:Parallel.For|}(0, n, () => 0, (j, state, sum) => sum + j, sum => { });")]
    [InlineData("{|PL1001:Parallel.For|}(0, Next(), j => { });")]
    [InlineData("{|PL1001:Parallel.For|}(0, n, j => { for (var k = 0; k < j; k++) { if (k == 3) return; } });")]
    [InlineData("var result = {|PL1001:Parallel.For|}(0, n, j => { });")]
    [InlineData("{|PL1001:Parallel.ForEach|}(System.Collections.Concurrent.Partitioner.Create(0, n), range => { });")]
    [InlineData("{|PL1001:Parallel.Invoke|}(actions);")]
    [InlineData("{|PL1001:Parallel.Invoke|}(() => { if (n > 1) return; Work(1, 1); });")]
    [InlineData("items.{|PL1001:AsParallel|}().ForAll(y => Work(1, y));")]
    [InlineData("ParallelQuery<int> query = items.{|PL1001:AsParallel|}().Select(y => y);")]
    [InlineData("_ = {|PL1001:Parallel.ForEachAsync|}(items, async (y, c) => await Task.Delay(y, c));")]
    [InlineData("foreach (var y in items) tasks.Add({|PL1001:Task.Run|}(() => Work(1, y)));")]
    [InlineData("var four = new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 4 }; var block = {|PL1001:new ActionBlock<int>|}(y => { }, four);")]
    public Task The_sequential_fix_is_not_offered_where_it_would_change_meaning(string inner) =>
        NoFix(Outer(inner));

    [Fact]
    public Task Both_levels_bounded_with_the_runtime() => Fix(
        """
        Parallel.For(0, n, i =>
        {
            {|PL1001:Parallel.ForEach|}(items, y => Work(i, y));
        });
        """,
        """
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Cores.ForLevel(level: 0, levels: 2) }, i =>
        {
            Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = Cores.ForLevel(level: 1, levels: 2) }, y => Work(i, y));
        });
        """,
        Bounded);

    [Fact]
    public Task Both_levels_bounded_without_the_runtime_use_the_BCL() => VerifyPL1001.CodeFix<NestedParallelConstructFixer>(
        """
        using System;
        using System.Threading.Tasks;
        class C
        {
            void M(int n) => Parallel.For(0, n, i => {|PL1001:Parallel.For|}(0, n, j => { }));
        }
        """,
        """
        using System;
        using System.Threading.Tasks;
        class C
        {
            void M(int n) => Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount / (int)Math.Sqrt(Environment.ProcessorCount) }, i => Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = (int)Math.Sqrt(Environment.ProcessorCount) }, j => { }));
        }
        """,
        Bounded,
        withRuntime: false);

    [Fact]
    public Task Bounding_keeps_existing_options_tokens_and_PLINQ_degrees() => Fix(
        """
        await Parallel.ForEachAsync(items, token, async (x, ct) =>
        {
            var squares = items.{|PL1001:AsParallel|}().WithDegreeOfParallelism(Environment.ProcessorCount).Select(y => y * x).ToList();
            await Task.Yield();
        });
        Parallel.ForEach(items, new ParallelOptions { CancellationToken = token }, x =>
        {
            _ = items.{|PL1001:AsParallel|}().Sum(y => y * x);
        });
        """,
        """
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Cores.ForLevel(level: 0, levels: 2), CancellationToken = token }, async (x, ct) =>
        {
            var squares = items.AsParallel().WithDegreeOfParallelism(Cores.ForLevel(level: 1, levels: 2)).Select(y => y * x).ToList();
            await Task.Yield();
        });
        Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = Cores.ForLevel(level: 0, levels: 2), CancellationToken = token }, x =>
        {
            _ = items.AsParallel().WithDegreeOfParallelism(Cores.ForLevel(level: 1, levels: 2)).Sum(y => y * x);
        });
        """,
        Bounded);

    [Fact]
    public Task Under_the_executor_bounding_gives_the_inner_level_the_items_share() => Fix(
        """
        Executor.ForEach(items, x =>
        {
            {|PL1001:Parallel.For|}(0, n, j => Work(x, j));
        });
        """,
        """
        Executor.ForEach(items, x =>
        {
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, j => Work(x, j));
        });
        """,
        Bounded);

    [Fact]
    public Task Bounding_a_Dataflow_level_adds_its_options() => Fix(
        """
        var block = new ActionBlock<int>(x =>
        {
            {|PL1001:Parallel.Invoke|}(() => Work(x, 1), () => Work(x, 2));
        }, new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = -1 });
        """,
        """
        var block = new ActionBlock<int>(x =>
        {
            Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = Cores.ForLevel(level: 1, levels: 2) }, () => Work(x, 1), () => Work(x, 2));
        }, new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = Cores.ForLevel(level: 0, levels: 2) });
        """,
        Bounded);

    [Theory]
    [InlineData("Parallel.For(0, n, i => { {|PL1001:Parallel.For|}(0, n, j => { {|PL1001:Parallel.For|}(0, n, k => { }); }); });")]
    [InlineData("foreach (var x in items) tasks.Add(Task.Run(() => {|PL1001:Parallel.For|}(0, n, j => { })));")]
    [InlineData("var all = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }; Parallel.For(0, n, all, i => {|PL1001:Parallel.For|}(0, n, j => { }));")]
    public Task Bounding_is_not_offered_for_longer_chains_fan_out_or_options_it_cannot_edit(string code) =>
        NoFix(code, Bounded);

    private static string Outer(string inner) => $$"""
        Parallel.ForEach(items, x =>
        {
            {{inner}}
        });
        """;

    private static string Method(string body) => TestSources.Usings + $$"""
        class C
        {
            async Task M(int n, long big, int[] items, List<Task> tasks, Action[] actions, CancellationToken token)
            {
                {{body}}
                await Task.CompletedTask;
            }

            static void Work(int i, int j) { }
            static void Nothing() { }
            static int Next() => 3;
        }
        """;
}
