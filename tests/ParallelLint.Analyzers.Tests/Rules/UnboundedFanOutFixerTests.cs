using ParallelLint.CodeFixes;
using VerifyPL2003 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.UnboundedFanOutAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class UnboundedFanOutFixerTests
{
    private static string Code(string members, bool withRuntime = true) =>
        UnboundedFanOutAnalyzerTests.Code(members).Replace("using ParallelLint.Runtime;\n", withRuntime ? "using ParallelLint.Runtime;\n" : "");

    private static Task Fix(string members, string fixedMembers, bool withRuntime = true) =>
        VerifyPL2003.CodeFix<UnboundedFanOutFixer>(Code(members, withRuntime), Code(fixedMembers, withRuntime), UnboundedFanOutFixer.Key, withRuntime);

    private static Task NoFix(string members, bool withRuntime = true) =>
        VerifyPL2003.CodeFix<UnboundedFanOutFixer>(Code(members, withRuntime), Code(members, withRuntime), UnboundedFanOutFixer.Key, withRuntime);

    [Fact]
    public Task Discarded_results_become_ForEachAsync_bounded_by_the_cores() => Fix(
        """
        async Task Run()
        {
            await Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(() => Work(x))));
        }
        """,
        """
        async Task Run()
        {
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, (x, cancellationToken) =>
            {
                Work(x);
                return ValueTask.CompletedTask;
            });
        }
        """);

    [Fact]
    public Task Without_the_runtime_the_degree_is_the_processor_count() => Fix(
        """
        async Task Run() => await Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(() => Compute(x))).ToList()).ConfigureAwait(false);
        """,
        """
        async Task Run() => await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, (x, cancellationToken) =>
        {
            _ = Compute(x);
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
        """,
        withRuntime: false);

    [Fact]
    public Task An_async_body_stays_async() => Fix(
        """
        async Task Run()
        {
            await Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(async () =>
            {
                var value = await FetchAsync(x);
                if (value < 0)
                {
                    return;
                }

                Work(value);
            })));
        }
        """,
        """
        async Task Run()
        {
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, async (x, cancellationToken) =>
            {
                var value = await FetchAsync(x);
                if (value < 0)
                {
                    return;
                }

                Work(value);
            });
        }
        """);

    [Fact]
    public Task A_block_body_returns_a_completed_task_at_every_return() => Fix(
        """
        async Task Run()
        {
            await Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(() =>
            {
                if (x < 0)
                {
                    return;
                }

                Work(x);
            })));
        }
        """,
        """
        async Task Run()
        {
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, (x, cancellationToken) =>
            {
                if (x < 0)
                {
                    return ValueTask.CompletedTask;
                }

                Work(x);
                return ValueTask.CompletedTask;
            });
        }
        """);

    [Fact]
    public Task Collected_results_become_the_executors_ordered_map() => Fix(
        """
        async Task<int> Run()
        {
            var results = await Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(() => Compute(x))));
            return results.Sum();
        }
        """,
        """
        async Task<int> Run()
        {
            var results = await Executor.MapAsync(items, (x, cancellationToken) => ValueTask.FromResult(Compute(x)));
            return results.Sum();
        }
        """);

    [Fact]
    public Task Collected_async_results_become_the_executors_ordered_map() => Fix(
        """
        async Task<int[]> Run() => await Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(async () => await FetchAsync(x) + 1)));
        """,
        """
        async Task<int[]> Run() => await Executor.MapAsync(items, async (x, cancellationToken) => await FetchAsync(x) + 1);
        """);

    [Fact]
    public Task Collected_results_without_the_runtime_get_no_fix() => NoFix(
        """
        async Task<int[]> Run() => await Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(() => Compute(x))));
        """,
        withRuntime: false);

    [Fact]
    public Task Loops_and_other_starts_get_no_fix() => NoFix(
        """
        async Task Run()
        {
            foreach (var x in items) tasks.Add({|PL2003:Task.Run|}(() => Work(x)));
            await Task.WhenAll(tasks);
            Task.WaitAll(items.Select(x => {|PL2003:Task.Run|}(() => Work(x))).ToArray());
            var pending = Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(() => Work(x))));
            await pending;
        }
        """);

    [Fact]
    public Task Fix_all_rewrites_every_WhenAll() => Fix(
        """
        async Task Run()
        {
            await Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(() => Work(x))));
            var results = await Task.WhenAll(items.Select(y => {|PL2003:Task.Run|}(() => Compute(y))));
            Work(results.Length);
        }
        """,
        """
        async Task Run()
        {
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, (x, cancellationToken) =>
            {
                Work(x);
                return ValueTask.CompletedTask;
            });
            var results = await Executor.MapAsync(items, (y, cancellationToken) => ValueTask.FromResult(Compute(y)));
            Work(results.Length);
        }
        """);

    [Fact]
    public Task A_half_typed_lambda_gets_no_fix() => NoFix(
        """
        // The loop would carry the missing body on as `_ = ;`: an error of another kind than the one the user is typing through.
        async Task Run()
        {
            await Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(() =>{|CS1525:)|}));
        }
        """);
}
