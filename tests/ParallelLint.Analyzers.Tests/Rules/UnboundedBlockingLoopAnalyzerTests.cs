using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Tests.Verifiers;
using VerifyPL2002 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.UnboundedBlockingLoopAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class UnboundedBlockingLoopAnalyzerTests
{
    internal static string Code(string members) => $$"""
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Diagnostics;
        using System.IO;
        using System.Linq;
        using System.Net;
        using System.Net.Http;
        using System.Net.Sockets;
        using System.Threading;
        using System.Threading.Tasks;
        using ParallelLint.Runtime;

        class Loader
        {
            string[] paths = { "a.csv", "b.csv" };
            HttpClient http = new HttpClient();
            SemaphoreSlim gate = new SemaphoreSlim(2);
            ManualResetEventSlim ready = new ManualResetEventSlim();
            AutoResetEvent signal = new AutoResetEvent(false);
            BlockingCollection<string> queue = new BlockingCollection<string>();
            object sync = new object();

        {{members}}

            static Task<string> FetchAsync(string path) => Task.FromResult(path);
            static Task PauseAsync() => Task.CompletedTask;
        }
        """;

    private static Task Verify(string members) => VerifyPL2002.Analyzer(Code(members));

    /// <summary>Every kind of blocking call, as the body's statement, and how the message names it.</summary>
    [Theory]
    [InlineData("{|#1:Thread.Sleep|}(100);", "Thread.Sleep")]
    [InlineData("FetchAsync(path).{|#1:Wait|}();", "Task.Wait")]
    [InlineData("{|#1:Task.WaitAll|}(FetchAsync(path), PauseAsync());", "Task.WaitAll")]
    [InlineData("{|#1:Task.WaitAny|}(FetchAsync(path), PauseAsync());", "Task.WaitAny")]
    [InlineData("_ = FetchAsync(path).{|#1:Result|};", "Task.Result")]
    [InlineData("_ = FetchAsync(path).GetAwaiter().{|#1:GetResult|}();", "GetAwaiter().GetResult()")]
    [InlineData("PauseAsync().ConfigureAwait(false).GetAwaiter().{|#1:GetResult|}();", "GetAwaiter().GetResult()")]
    [InlineData("_ = {|#1:File.ReadAllText|}(path);", "File.ReadAllText")]
    [InlineData("_ = {|#1:File.ReadAllBytes|}(path);", "File.ReadAllBytes")]
    [InlineData("{|#1:File.WriteAllLines|}(path + \".out\", new[] { path });", "File.WriteAllLines")]
    [InlineData("{|#1:File.AppendAllText|}(\"log.txt\", path);", "File.AppendAllText")]
    [InlineData("{|#1:File.Copy|}(path, path + \".bak\");", "File.Copy")]
    [InlineData("{|#1:File.Move|}(path, path + \".old\");", "File.Move")]
    [InlineData("foreach (var line in {|#1:File.ReadLines|}(path)) { }", "File.ReadLines")]
    [InlineData("using var stream = File.OpenRead(path); var buffer = new byte[4096]; _ = stream.{|#1:Read|}(buffer, 0, buffer.Length);", "FileStream.Read")]
    [InlineData("using var reader = new StreamReader(path); _ = reader.{|#1:ReadToEnd|}();", "StreamReader.ReadToEnd")]
    [InlineData("using var reader = new StreamReader(path); while (reader.{|#1:ReadLine|}() is { } line) { }", "StreamReader.ReadLine")]
    [InlineData("using var writer = new StreamWriter(path + \".out\"); writer.{|#1:WriteLine|}(path);", "StreamWriter.WriteLine")]
    [InlineData("Stream source = File.OpenRead(path); source.{|#1:CopyTo|}(Stream.Null);", "Stream.CopyTo")]
    [InlineData("using var response = http.{|#1:Send|}(new HttpRequestMessage(HttpMethod.Get, path));", "HttpClient.Send")]
#pragma warning disable SYSLIB0014 // WebClient is obsolete, and still in use
    [InlineData("using var client = new WebClient(); _ = client.{|#1:DownloadString|}(path);", "WebClient.DownloadString")]
#pragma warning restore SYSLIB0014
    [InlineData("using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp); socket.{|#1:Connect|}(path, 80);", "Socket.Connect")]
    [InlineData("using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp); _ = socket.{|#1:Receive|}(new byte[16]);", "Socket.Receive")]
    [InlineData("using var client = new TcpClient(); client.{|#1:Connect|}(path, 80);", "TcpClient.Connect")]
    [InlineData("_ = {|#1:Dns.GetHostEntry|}(path);", "Dns.GetHostEntry")]
    [InlineData("using var client = new TcpClient(); var network = client.GetStream(); _ = network.{|#1:Read|}(new byte[16], 0, 16);", "NetworkStream.Read")]
    [InlineData("using var tool = new Process(); tool.{|#1:WaitForExit|}();", "Process.WaitForExit")]
    [InlineData("_ = queue.{|#1:Take|}();", "BlockingCollection.Take")]
    [InlineData("foreach (var item in queue.{|#1:GetConsumingEnumerable|}()) { }", "BlockingCollection.GetConsumingEnumerable")]
    [InlineData("queue.{|#1:TryTake|}(out var item, TimeSpan.FromSeconds(1));", "BlockingCollection.TryTake")]
    [InlineData("gate.{|#1:Wait|}(); gate.Release();", "SemaphoreSlim.Wait")]
    [InlineData("ready.{|#1:Wait|}();", "ManualResetEventSlim.Wait")]
    [InlineData("signal.{|#1:WaitOne|}();", "AutoResetEvent.WaitOne")]
    [InlineData("lock (sync) { {|#1:Monitor.Wait|}(sync); }", "Monitor.Wait")]
    [InlineData("var worker = new Thread(() => { }); worker.Start(); worker.{|#1:Join|}();", "Thread.Join")]
    public Task Every_blocking_call_in_an_unbounded_ForEach(string body, string blocking) => VerifyPL2002.Analyzer(
        Code($$"""
            void Load() => {|#0:Parallel.ForEach|}(paths, path =>
            {
                {{body}}
            });
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2002.Diagnostic("PL2002").WithLocation(0).WithLocation(1).WithArguments("Parallel.ForEach", blocking));

    [Theory]
    [InlineData("{|#0:Parallel.For|}(0, paths.Length, i => {|#1:Thread.Sleep|}(10));", "Parallel.For", "Thread.Sleep")]
    [InlineData("{|#0:Parallel.For|}(0, paths.Length, delegate (int i) { _ = {|#1:File.ReadAllText|}(paths[i]); });", "Parallel.For", "File.ReadAllText")]
    [InlineData("{|#0:Parallel.For|}(0L, 10L, i => {|#1:Thread.Sleep|}(10));", "Parallel.For", "Thread.Sleep")]
    [InlineData("{|#0:Parallel.For|}(0, 10, (i, state) => {|#1:Thread.Sleep|}(10));", "Parallel.For", "Thread.Sleep")]
    [InlineData("{|#0:Parallel.ForEach|}(paths, (path, state) => {|#1:Thread.Sleep|}(10));", "Parallel.ForEach", "Thread.Sleep")]
    [InlineData("{|#0:Parallel.ForEach|}(paths, (path, state, index) => {|#1:Thread.Sleep|}(10));", "Parallel.ForEach", "Thread.Sleep")]
    [InlineData("{|#0:Parallel.ForEach|}(paths, () => 0, (path, state, total) => total + {|#1:File.ReadAllBytes|}(path).Length, total => { });", "Parallel.ForEach", "File.ReadAllBytes")]
    public Task Every_overload_and_delegate_form(string loop, string name, string blocking) => VerifyPL2002.Analyzer(
        Code($$"""
            void Load() { {{loop}} }
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2002.Diagnostic("PL2002").WithLocation(0).WithLocation(1).WithArguments(name, blocking));

    [Theory]
    [InlineData("new ParallelOptions()")]
    [InlineData("new ParallelOptions { CancellationToken = CancellationToken.None }")]
    [InlineData("new ParallelOptions { MaxDegreeOfParallelism = -1 }")]
    public Task Options_without_a_bound(string options) => Verify($$"""
        void Load() => {|PL2002:Parallel.ForEach|}(paths, {{options}}, path => Thread.Sleep(10));
        """);

    [Fact]
    public Task An_options_local_without_a_bound() => Verify("""
        void Load()
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = -1 };
            {|PL2002:Parallel.ForEach|}(paths, options, path => _ = File.ReadAllText(path));
        }
        """);

    [Fact]
    public Task One_diagnostic_per_loop_at_the_first_blocking_call() => VerifyPL2002.Analyzer(
        Code("""
            void Load() => {|#0:Parallel.ForEach|}(paths, path =>
            {
                var text = {|#1:File.ReadAllText|}(path);
                Thread.Sleep(10);
                File.WriteAllText(path + ".out", text);
            });
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2002.Diagnostic("PL2002").WithLocation(0).WithLocation(1).WithArguments("Parallel.ForEach", "File.ReadAllText"));

    [Fact]
    public Task Blocking_in_a_per_item_lambda_run_by_the_body() => Verify("""
        void Load() => {|PL2002:Parallel.ForEach|}(paths, path =>
        {
            var sizes = path.Split(';').Select(part => File.ReadAllBytes(part).Length).ToList();
        });
        """);

    [Theory]
    [InlineData("new ParallelOptions { MaxDegreeOfParallelism = 4 }")]
    [InlineData("new ParallelOptions { MaxDegreeOfParallelism = 1 }")]
    [InlineData("new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }")]
    [InlineData("new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }")]
    [InlineData("new ParallelOptions { MaxDegreeOfParallelism = degree }")]
    [InlineData("options")]
    public Task Bounded_or_unknown_loops_are_not_findings(string options) => Verify($$"""
        void Load(int degree, ParallelOptions options) => Parallel.ForEach(paths, {{options}}, path => Thread.Sleep(10));
        """);

    [Fact]
    public Task An_options_local_bounded_later_is_not_a_finding() => Verify("""
        void Load()
        {
            var options = new ParallelOptions();
            options.MaxDegreeOfParallelism = 2;
            Parallel.ForEach(paths, options, path => Thread.Sleep(10));
        }
        """);

    [Fact]
    public Task The_async_loops_are_bounded_by_default() => Verify("""
        async Task Load()
        {
            await Parallel.ForEachAsync(paths, async (path, ct) => { Thread.Sleep(10); await Task.Yield(); });
            await Parallel.ForAsync(0, 10, async (i, ct) => { _ = File.ReadAllText(paths[i]); await Task.Yield(); });
        }
        """);

    [Fact]
    public Task A_lambda_the_body_only_creates_is_not_run_there() => Verify("""
        List<Func<string>> later = new();
        void Load() => Parallel.ForEach(paths, path =>
        {
            Func<string> read = () => File.ReadAllText(path);
            lock (later) later.Add(read);
            void Local() => Thread.Sleep(10);
            _ = Task.Run(() => Thread.Sleep(10));
        });
        """);

    private static Task VerifyThrough(string members, string chain, string loop = "Parallel.ForEach") => VerifyPL2002.Analyzer(
        Code(members),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2002.Diagnostic("PL2002").WithLocation(0).WithLocation(1).WithArguments(loop, chain));

    [Fact]
    public Task Blocking_in_a_private_helper_one_call_down() => VerifyThrough(
        """
        void Load() => {|#0:Parallel.ForEach|}(paths, path => {|#1:Read|}(path));
        void Read(string path) => _ = File.ReadAllText(path);
        """,
        "Read → File.ReadAllText");

    [Fact]
    public Task Blocking_two_calls_down_names_the_chain() => VerifyThrough(
        """
        void Load() => {|#0:Parallel.For|}(0, paths.Length, i => { var n = i * 2; {|#1:Fetch|}(paths[i]); });
        void Fetch(string path) { if (path.Length > 0) Pause(); }
        static void Pause() => Thread.Sleep(100);
        """,
        "Fetch → Pause → Thread.Sleep",
        "Parallel.For");

    [Fact]
    public Task Blocking_in_an_instance_method_of_another_class() => VerifyThrough(
        """
        Cache cache = new Cache();
        void Load() => {|#0:Parallel.ForEach|}(paths, path => cache.{|#1:Get|}(path));
        }

        class Cache
        {
            internal string Get(string key) => Compute(key).Result;
            static Task<string> Compute(string key) => Task.FromResult(key);
        """,
        "Get → Task.Result");

    [Fact]
    public Task Blocking_behind_an_interface_with_one_implementation() => VerifyThrough(
        """
        IStore store = new DiskStore();
        void Load() => {|#0:Parallel.ForEach|}(paths, path => store.{|#1:Load|}(path));
        }

        interface IStore { byte[] Load(string path); }

        sealed class DiskStore : IStore
        {
            public byte[] Load(string path) => File.ReadAllBytes(path);
        """,
        "Load → File.ReadAllBytes");

    [Fact]
    public Task Blocking_in_an_extension_method() => VerifyThrough(
        """
        void Load() => {|#0:Parallel.ForEach|}(paths, path => path.{|#1:Settle|}());
        }

        static class Waiting
        {
            internal static void Settle(this string path) => Task.Delay(path.Length).Wait();
        """,
        "Settle → Task.Wait");

    [Fact]
    public Task Blocking_in_a_constructor_a_property_and_a_local_function() => Verify("""
        void Load()
        {
            {|PL2002:Parallel.ForEach|}(paths, path => _ = new Reader(path));
            {|PL2002:Parallel.ForEach|}(paths, path => _ = Ready);
            {|PL2002:Parallel.ForEach|}(paths, path => Nap());
            void Nap() => Thread.Sleep(1);
        }

        bool Ready { get { signal.WaitOne(); return true; } }
        }

        class Reader
        {
            public Reader(string path) => Text = File.ReadAllText(path);
            public string Text { get; }
        """);

    [Fact]
    public Task A_method_group_body_is_followed() => VerifyThrough(
        """
        void Load() => {|#0:Parallel.ForEach|}(paths, {|#1:Read|});
        void Read(string path) => _ = File.ReadAllText(path);
        """,
        "Read → File.ReadAllText");

    [Fact]
    public Task A_helper_of_a_bounded_loop_is_not_a_finding() => Verify("""
        void Load() => Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = 4 }, path => Read(path));
        void Read(string path) => _ = File.ReadAllText(path);
        """);

    [Fact]
    public Task Helpers_that_do_not_block_are_not_findings() => Verify("""
        void Load()
        {
            Parallel.ForEach(paths, path => _ = ReadAsync(path));
            Parallel.ForEach(paths, path => _ = Later(path));
            Parallel.ForEach(paths, path => Spawn(path));
            Parallel.ForEach(paths, path => _ = Lines(path).Count());
            Parallel.ForEach(paths, path => Guarded(path));
        }

        static async Task<string> ReadAsync(string path) { Thread.Sleep(1); return await File.ReadAllTextAsync(path); }
        static Task<string> Later(string path) => File.ReadAllTextAsync(path);
        static void Spawn(string path) => _ = Task.Run(() => File.ReadAllText(path));
        static IEnumerable<int> Lines(string path) { yield return File.ReadAllText(path).Length; }
        static void Guarded(string path)
        {
            try { _ = path.Length; }
            catch (Exception) { Thread.Sleep(100); }
        }
        """);

    [Fact]
    public Task An_interface_with_two_implementations_is_not_followed() => Verify("""
        IStore store = new DiskStore();
        void Load() => Parallel.ForEach(paths, path => store.Load(path));
        }

        interface IStore { byte[] Load(string path); }
        sealed class DiskStore : IStore { public byte[] Load(string path) => File.ReadAllBytes(path); }
        sealed class MemoryStore : IStore { public byte[] Load(string path) => new byte[0];
        """);

    [Fact]
    public Task Recursion_and_chains_past_the_depth_bound_terminate() => Verify("""
        void Load()
        {
            {|PL2002:Parallel.ForEach|}(paths, path => Ping(path, 3));
            Parallel.ForEach(paths, path => A(path));
        }

        static void Ping(string path, int n) { if (n > 0) Pong(path, n - 1); else Thread.Sleep(1); }
        static void Pong(string path, int n) => Ping(path, n);
        static void A(string path) => B(path);
        static void B(string path) => C(path);
        static void C(string path) => D(path);
        static void D(string path) => Thread.Sleep(path.Length);
        """);

    [Fact]
    public Task Partial_methods_are_followed_to_their_implementation_and_extern_ones_not_at_all() => Verify("""
        }

        partial class Parts
        {
            string[] paths = { "a.csv" };

            void Load()
            {
                Parallel.ForEach(paths, path => Declared(path));
                Parallel.ForEach(paths, path => Native(path));
                {|PL2002:Parallel.ForEach|}(paths, path => Implemented(path));
            }

            partial void Declared(string path);
            [System.Runtime.InteropServices.DllImport("native")] static extern void Native(string path);
            partial void Implemented(string path);
            partial void Implemented(string path) => Thread.Sleep(1);
        """);

    [Fact]
    public Task Plinq_and_Invoke_are_not_findings() => Verify("""
        void Load()
        {
            var texts = paths.AsParallel().Select(path => File.ReadAllText(path)).ToList();
            Parallel.Invoke(() => Thread.Sleep(10), () => Thread.Sleep(10));
        }
        """);

    [Theory]
    [InlineData("Thread.Sleep(0);")]
    [InlineData("gate.Wait(0);")]
    [InlineData("queue.TryTake(out var item);")]
    [InlineData("queue.TryTake(out var item, 0);")]
    [InlineData("signal.WaitOne(0);")]
    [InlineData("using var memory = new MemoryStream(); memory.Write(new byte[4], 0, 4);")]
    [InlineData("using var reader = new StringReader(path); _ = reader.ReadToEnd();")]
    [InlineData("_ = File.ReadAllTextAsync(path);")]
    [InlineData("_ = File.Exists(path);")]
    [InlineData("_ = FetchAsync(path).IsCompleted;")]
    public Task Calls_that_do_not_block_are_not_findings(string body) => Verify($$"""
        void Load() => Parallel.ForEach(paths, path => { {{body}} });
        """);

    [Fact]
    public Task An_async_body_is_left_to_PL2004() => Verify("""
        void Load() => Parallel.ForEach(paths, async path => { Thread.Sleep(10); await Task.Yield(); });
        """);

    [Fact]
    public async Task Half_typed_loops_analyze_without_an_analyzer_exception()
    {
        var source = Code("""
            void Load(ParallelOptions given)
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = -1 };
                Parallel.ForEach(paths, options, path => { _ = File.ReadAllText(path); FetchAsync(path).Wait(); });
                Parallel.For(0, 10, i => { Thread.Sleep(i); _ = FetchAsync(paths[i]).GetAwaiter().GetResult(); });
                Parallel.ForEach(paths, async path => await FetchAsync(path));
                Parallel.Invoke(async () => await PauseAsync(), Handle);
            }
            async void Handle() => await PauseAsync();
            """);
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new UnboundedBlockingLoopAnalyzer(), new AsyncDelegateToParallelLoopAnalyzer());
        var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().ToArray();
        var variants = Enumerable.Range(1, source.Length / 11).Select(i => source[..(i * 11)])
            .Concat(tokens.Where((_, index) => index % 2 == 0).Select(token => source.Remove(token.SpanStart, token.Span.Length)));
        var exceptions = new ConcurrentBag<System.Exception>();
        foreach (var variant in variants)
        {
            var compilation = TestReferences.Compile("HalfTyped", new[] { CSharpSyntaxTree.ParseText(variant) });
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), (exception, _, _) => exceptions.Add(exception), concurrentAnalysis: true, logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        }

        Assert.Empty(exceptions);

        // The control: the intact source reports both loops and both async delegates... and the method group.
        var intact = await TestReferences.Compile("Intact", new[] { CSharpSyntaxTree.ParseText(source) }).WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync();
        Assert.Equal(2, intact.Count(d => d.Id == RuleIds.UnboundedBlockingLoop));
        Assert.Equal(3, intact.Count(d => d.Id == RuleIds.AsyncDelegateToParallelLoop));
    }
}
