using VerifyPL2004 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.AsyncDelegateToParallelLoopAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class AsyncDelegateToParallelLoopAnalyzerTests
{
    internal static string Code(string members) => $$"""
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using ParallelLint.Runtime;

        class Downloader
        {
            string[] urls = { "https://example.org/a", "https://example.org/b" };
            HttpClient http = new HttpClient();

        {{members}}
        }
        """;

    private static Task Verify(string members) => VerifyPL2004.Analyzer(Code(members));

    [Theory]
    [InlineData("Parallel.ForEach(urls, {|#0:async|} url => await http.GetStringAsync(url));", "lambda", "Parallel.ForEach")]
    [InlineData("Parallel.ForEach(urls, {|#0:async|} (string url) => { await http.GetStringAsync(url); });", "lambda", "Parallel.ForEach")]
    [InlineData("Parallel.ForEach(urls, new ParallelOptions { MaxDegreeOfParallelism = 2 }, {|#0:async|} url => await http.GetStringAsync(url));", "lambda", "Parallel.ForEach")]
    [InlineData("Parallel.ForEach(urls, {|#0:async|} (url, state) => await http.GetStringAsync(url));", "lambda", "Parallel.ForEach")]
    [InlineData("Parallel.ForEach(urls, {|#0:async|} delegate (string url) { await http.GetStringAsync(url); });", "anonymous method", "Parallel.ForEach")]
    [InlineData("Parallel.For(0, urls.Length, {|#0:async|} i => await http.GetStringAsync(urls[i]));", "lambda", "Parallel.For")]
    [InlineData("Parallel.For(0, urls.Length, {|#0:async|} delegate (int i) { await Task.Delay(i); });", "anonymous method", "Parallel.For")]
    [InlineData("Parallel.ForEach(urls, {|#0:Save|});", "method 'Save'", "Parallel.ForEach")]
    [InlineData("Parallel.ForEach(urls, this.{|#0:Save|});", "method 'Save'", "Parallel.ForEach")]
    [InlineData("Parallel.Invoke(() => { }, {|#0:async|} () => await Task.Delay(10));", "lambda", "Parallel.Invoke")]
    [InlineData("Parallel.Invoke({|#0:Refresh|}, () => { });", "method 'Refresh'", "Parallel.Invoke")]
    [InlineData("Parallel.Invoke(new Action[] { {|#0:async|} delegate { await Task.Delay(10); } });", "anonymous method", "Parallel.Invoke")]
    public Task Every_async_delegate_shape(string call, string what, string loop) => VerifyPL2004.Analyzer(
        Code($$"""
            void Run() { {{call}} }
            async void Save(string url) => await File.WriteAllTextAsync(url.GetHashCode() + ".html", await http.GetStringAsync(url));
            async void Refresh() => await Task.Delay(10);
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2004.Diagnostic("PL2004").WithLocation(0).WithArguments(what, loop));

    [Fact]
    public Task Every_async_action_of_Invoke() => Verify("""
        void Run() => Parallel.Invoke({|PL2004:async|} () => await Task.Delay(1), {|PL2004:async|} () => await Task.Delay(2));
        """);

    [Fact]
    public Task An_async_localFinally_is_async_void_too() => Verify("""
        void Run() => Parallel.ForEach(urls, () => 0, (url, state, count) => count + 1, {|PL2004:async|} count => await Task.Delay(count));
        """);

    [Fact]
    public Task Synchronous_delegates_are_not_findings() => Verify("""
        void Run()
        {
            Parallel.ForEach(urls, url => http.GetStringAsync(url).Wait());
            Parallel.For(0, 10, delegate (int i) { });
            Parallel.Invoke(() => { }, Refresh);
        }
        void Refresh() { }
        """);

    [Fact]
    public Task A_Task_returning_delegate_is_not_async_void() => Verify("""
        void Run()
        {
            // Func<int> localInit given an async lambda does not compile; a Task-returning local state is just a value.
            Parallel.ForEach(urls, () => Task.CompletedTask, (url, state, pending) => pending, pending => pending.Wait());
        }
        """);

    [Fact]
    public Task The_async_loops_take_async_delegates() => Verify("""
        async Task Run()
        {
            await Parallel.ForEachAsync(urls, async (url, ct) => await http.GetStringAsync(url, ct));
            await Parallel.ForAsync(0, urls.Length, async (i, ct) => await Task.Delay(i, ct));
        }
        """);

    [Fact]
    public Task An_async_lambda_inside_the_body_is_not_the_body() => Verify("""
        void Run() => Parallel.ForEach(urls, url =>
        {
            Func<Task> later = async () => await http.GetStringAsync(url);
            later().Wait();
        });
        """);

    [Fact]
    public Task A_Task_returning_method_group_given_as_an_Action_does_not_compile_and_is_not_reported() => VerifyPL2004.Analyzer(
        Code("""
            void Run() => Parallel.ForEach(urls, {|CS1503:SaveAsync|});
            async Task SaveAsync(string url) => await Task.Delay(1);
            """));
}

