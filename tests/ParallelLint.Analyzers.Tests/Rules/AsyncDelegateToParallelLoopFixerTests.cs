using ParallelLint.CodeFixes;
using VerifyPL2004 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.AsyncDelegateToParallelLoopAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class AsyncDelegateToParallelLoopFixerTests
{
    private static string Code(string members) => AsyncDelegateToParallelLoopAnalyzerTests.Code(members);

    private static Task Fix(string members, string fixedMembers, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] remaining) =>
        VerifyPL2004.CodeFix<AsyncDelegateToParallelLoopFixer>(
            Code(members), Code(fixedMembers), AsyncDelegateToParallelLoopFixer.EquivalenceKey, remaining: remaining.Length == 0 ? null : remaining);

    private static Task NoFix(string members) =>
        VerifyPL2004.CodeFix<AsyncDelegateToParallelLoopFixer>(Code(members), Code(members), AsyncDelegateToParallelLoopFixer.EquivalenceKey);

    [Fact]
    public Task ForEach_becomes_an_awaited_ForEachAsync_with_the_token_passed_on() => Fix(
        """
        async Task Download()
        {
            Parallel.ForEach(urls, {|PL2004:async|} url =>
            {
                var page = await http.GetStringAsync(url);
                await File.WriteAllTextAsync(url.GetHashCode() + ".html", page);
                await Task.Delay(100);
            });
        }
        """,
        """
        async Task Download()
        {
            await Parallel.ForEachAsync(urls, async (url, cancellationToken) =>
            {
                var page = await http.GetStringAsync(url, cancellationToken);
                await File.WriteAllTextAsync(url.GetHashCode() + ".html", page, cancellationToken);
                await Task.Delay(100, cancellationToken);
            });
        }
        """);

    [Fact]
    public Task For_becomes_an_awaited_ForAsync() => Fix(
        """
        async Task Download()
        {
            Parallel.For(0, urls.Length, {|PL2004:async|} i => await File.WriteAllTextAsync(i + ".html", await http.GetStringAsync(urls[i])));
        }
        """,
        """
        async Task Download()
        {
            await Parallel.ForAsync(0, urls.Length, async (i, cancellationToken) => await File.WriteAllTextAsync(i + ".html", await http.GetStringAsync(urls[i], cancellationToken), cancellationToken));
        }
        """);

    [Fact]
    public Task The_options_are_kept_with_their_token() => Fix(
        """
        async Task Download(CancellationToken token)
        {
            Parallel.ForEach(urls, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = token }, {|PL2004:async|} url => await Task.Delay(10).ConfigureAwait(false));
        }
        """,
        """
        async Task Download(CancellationToken token)
        {
            await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = token }, async (url, cancellationToken) => await Task.Delay(10, cancellationToken).ConfigureAwait(false));
        }
        """);

    [Fact]
    public Task A_typed_parameter_gets_a_typed_token_under_a_free_name() => Fix(
        """
        async Task Download(CancellationToken cancellationToken)
        {
            Parallel.ForEach(urls, {|PL2004:async|} (string url) => { await http.GetStringAsync(url, cancellationToken); });
        }
        """,
        """
        async Task Download(CancellationToken cancellationToken)
        {
            await Parallel.ForEachAsync(urls, async (string url, CancellationToken cancellationToken1) => { await http.GetStringAsync(url, cancellationToken); });
        }
        """);

    [Fact]
    public Task An_anonymous_method_keeps_its_shape() => Fix(
        """
        async Task Download()
        {
            Parallel.ForEach(urls, {|PL2004:async|} delegate (string url) { await Task.Yield(); Console.WriteLine(url); });
        }
        """,
        """
        async Task Download()
        {
            await Parallel.ForEachAsync(urls, async delegate (string url, CancellationToken cancellationToken) { await Task.Yield(); Console.WriteLine(url); });
        }
        """);

    [Fact]
    public Task Calls_without_a_token_overload_are_kept() => Fix(
        """
        async Task Download()
        {
            Parallel.ForEach(urls, {|PL2004:async|} url => { await Task.Yield(); await Save(url); });
        }
        Task Save(string url) => Task.CompletedTask;
        """,
        """
        async Task Download()
        {
            await Parallel.ForEachAsync(urls, async (url, cancellationToken) => { await Task.Yield(); await Save(url); });
        }
        Task Save(string url) => Task.CompletedTask;
        """);

    [Fact]
    public Task In_an_async_lambda_or_local_function() => Fix(
        """
        Func<Task> Download() => async () =>
        {
            Parallel.ForEach(urls, {|PL2004:async|} url => await Task.Delay(1));
            await Local();
            async Task Local() => Parallel.For(0, 2, {|PL2004:async|} i => await Task.Delay(i));
        };
        """,
        """
        Func<Task> Download() => async () =>
        {
            await Parallel.ForEachAsync(urls, async (url, cancellationToken) => await Task.Delay(1, cancellationToken));
            await Local();
            async Task Local() => Parallel.For(0, 2, async i => await Task.Delay(i));
        };
        """,
        VerifyPL2004.Diagnostic("PL2004").WithSpan(19, 46, 19, 51).WithArguments("lambda", "Parallel.For"));

    [Fact]
    public Task Parallel_Invoke_of_async_lambdas_becomes_Task_WhenAll() => Fix(
        """
        async Task Refresh()
        {
            Parallel.Invoke({|PL2004:async|} () => await http.GetStringAsync(urls[0]), {|PL2004:async|} () => await Task.Delay(10));
        }
        """,
        """
        async Task Refresh()
        {
            await Task.WhenAll(Task.Run(async () => await http.GetStringAsync(urls[0])), Task.Run(async () => await Task.Delay(10)));
        }
        """);

    [Theory]
    [InlineData("Parallel.ForEach(urls, {|PL2004:async|} url => await Task.Delay(1));", "await Parallel.ForEachAsync(urls, async (url, cancellationToken) => await Task.Delay(1, cancellationToken));", "Await the async parallel loop")]
    [InlineData("Parallel.Invoke({|PL2004:async|} () => await Task.Delay(1));", "await Task.WhenAll(Task.Run(async () => await Task.Delay(1)));", "Await Task.WhenAll of the async delegates")]
    public Task The_title_names_the_construct(string statement, string fixedStatement, string title) => VerifyPL2004.CodeFix<AsyncDelegateToParallelLoopFixer>(
        Code($"async Task Run()\n{{\n    {statement}\n}}"),
        Code($"async Task Run()\n{{\n    {fixedStatement}\n}}"),
        AsyncDelegateToParallelLoopFixer.EquivalenceKey,
        title: title);

    [Fact]
    public Task Parallel_Invoke_mixing_sync_actions_gets_no_fix() => NoFix("""
        async Task Refresh()
        {
            await Task.Yield();
            Parallel.Invoke(() => Console.WriteLine(), {|PL2004:async|} () => await Task.Delay(10));
        }
        """);

    [Fact]
    public Task No_fix_in_a_synchronous_function() => NoFix("""
        void Download() => Parallel.ForEach(urls, {|PL2004:async|} url => await http.GetStringAsync(url));
        """);

    [Fact]
    public Task No_fix_for_a_method_group_or_a_loop_used_as_a_value() => NoFix("""
        async Task Download()
        {
            await Task.Yield();
            Parallel.ForEach(urls, {|PL2004:Save|});
            var result = Parallel.ForEach(urls, {|PL2004:async|} url => await Task.Delay(1));
        }
        async void Save(string url) => await Task.Delay(1);
        """);

    [Fact]
    public Task No_fix_for_the_overloads_with_loop_state() => NoFix("""
        async Task Download()
        {
            await Task.Yield();
            Parallel.ForEach(urls, {|PL2004:async|} (url, state) => await Task.Delay(1));
        }
        """);

    [Fact]
    public Task Fix_all_converts_every_loop() => Fix(
        """
        async Task Download()
        {
            Parallel.ForEach(urls, {|PL2004:async|} url => await http.GetStringAsync(url));
            Parallel.For(0, 3, {|PL2004:async|} i => await Task.Delay(i));
        }
        """,
        """
        async Task Download()
        {
            await Parallel.ForEachAsync(urls, async (url, cancellationToken) => await http.GetStringAsync(url, cancellationToken));
            await Parallel.ForAsync(0, 3, async (i, cancellationToken) => await Task.Delay(i, cancellationToken));
        }
        """);
}
