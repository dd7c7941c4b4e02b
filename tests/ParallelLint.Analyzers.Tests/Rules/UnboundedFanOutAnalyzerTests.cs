using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Tests.Verifiers;
using VerifyPL2003 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.UnboundedFanOutAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class UnboundedFanOutAnalyzerTests
{
    internal static string Code(string members) => TestSources.Usings + $$"""
        class Batch
        {
            int[] items = { 1, 2, 3 };
            List<Task> tasks = new();
            int workerCount = 4;
            static void Work(int x) { }
            static int Compute(int x) => x;
            static Task<int> FetchAsync(int x) => Task.FromResult(x);

        {{members}}
        }
        """;

    private static Task Verify(string members) => VerifyPL2003.Analyzer(Code(members));

    [Fact]
    public Task WhenAll_over_a_Select_of_Task_Run() => VerifyPL2003.Analyzer(
        Code("""async Task Run() => await Task.WhenAll(items.Select(x => {|#0:Task.Run|}(() => Work(x))));"""),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2003.Diagnostic("PL2003").WithLocation(0).WithArguments("Task.Run"));

    [Fact]
    public Task WaitAll_ToList_ToArray_and_results() => Verify("""
        void Wait() => Task.WaitAll(items.Select(x => {|PL2003:Task.Run|}(() => Work(x))).ToArray());
        async Task<int[]> Results() => await Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(() => Compute(x))).ToList());
        async Task Async() => await Task.WhenAll(items.Select(async x => await {|PL2003:Task.Run|}(() => Compute(x))));
        """);

    [Fact]
    public Task Every_start_kind_in_a_loop() => VerifyPL2003.Analyzer(
        Code("""
            async Task Run()
            {
                foreach (var x in items) tasks.Add({|#0:Task.Run|}(() => Work(x)));
                for (var i = 0; i < items.Length; i++) tasks.Add(Task.Factory.{|#1:StartNew|}(() => Work(i)));
                var threads = new List<Thread>();
                foreach (var x in items)
                {
                    var thread = {|#2:new Thread|}(() => Work(x));
                    thread.Start();
                    threads.Add(thread);
                }

                var queue = new Queue<int>(items);
                while (queue.Count > 0)
                {
                    var x = queue.Dequeue();
                    {|#3:ThreadPool.QueueUserWorkItem|}(_ => Work(x));
                }

                await Task.WhenAll(tasks);
                threads.ForEach(t => t.Join());
            }
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2003.Diagnostic("PL2003").WithLocation(0).WithArguments("Task.Run"),
        VerifyPL2003.Diagnostic("PL2003").WithLocation(1).WithArguments("Task.Factory.StartNew"),
        VerifyPL2003.Diagnostic("PL2003").WithLocation(2).WithArguments("Thread"),
        VerifyPL2003.Diagnostic("PL2003").WithLocation(3).WithArguments("ThreadPool.QueueUserWorkItem"));

    [Fact]
    public Task A_created_task_started_per_item() => VerifyPL2003.Analyzer(
        Code("""
            int folds = 5;
            bool parallel = true;

            Task<int>[] Run()
            {
                // One task per fold, kept in an array element and started there; waited for after the loop.
                var results = new Task<int>[folds];
                for (var i = 0; i < folds; i++)
                {
                    var fold = i;
                    results[i] = {|#0:new Task<int>|}(() => Compute(fold));
                    if (parallel)
                        results[i].Start();
                    else
                        results[i].RunSynchronously();
                }

                Task.WaitAll(results);
                foreach (var x in items)
                {
                    var task = {|#1:new Task|}(() => Work(x));
                    task.Start();
                    tasks.Add(task);
                }

                return results;
            }
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2003.Diagnostic("PL2003").WithLocation(0).WithArguments("Task.Start"),
        VerifyPL2003.Diagnostic("PL2003").WithLocation(1).WithArguments("Task.Start"));

    [Fact]
    public Task Created_tasks_joined_unstarted_or_pooled_are_not_findings() => Verify("""
        void Run(int folds)
        {
            var results = new Task<int>[folds];
            for (var i = 0; i < folds; i++)
            {
                results[i] = new Task<int>(() => Compute(i));
                results[i].Start();
                results[i].Wait();
            }

            foreach (var x in items) { var task = new Task(() => Work(x)); task.Start(); task.Wait(); }
            foreach (var x in items) { var task = new Task(() => Work(x)); task.RunSynchronously(); tasks.Add(task); }
            foreach (var x in items) tasks.Add(new Task(() => Work(x)));
            for (var i = 0; i < 8; i++) { results[i] = new Task<int>(() => Compute(i)); results[i].Start(); }
            for (var i = 0; i < workerCount; i++) new Task(() => Work(i)).Start();
            var once = new Task(() => Work(1));
            once.Start();
        }
        """);

    [Fact]
    public Task Worker_pools_are_not_findings() => Verify("""
        void Run(int threadCount, int partitions)
        {
            for (var i = 0; i < Environment.ProcessorCount; i++) tasks.Add(Task.Run(() => Work(i)));
            for (var i = 0; i < Cores.Available; i++) tasks.Add(Task.Run(() => Work(i)));
            for (var i = 0; i < Environment.ProcessorCount - 1; i++) tasks.Add(Task.Run(() => Work(i)));
            for (var i = 0; i < workerCount; i++) tasks.Add(Task.Run(() => Work(i)));
            for (var i = 0; i < threadCount; i++) new Thread(() => Work(i)).Start();
            for (var i = 0; i < 16; i++) tasks.Add(Task.Run(() => Work(i)));
            foreach (var p in Enumerable.Range(0, partitions)) tasks.Add(Task.Run(() => Work(p)));
            Task.WaitAll(Enumerable.Range(0, 8).Select(w => Task.Run(() => Work(w))).ToArray());
        }
        """);

    [Fact]
    public Task A_large_constant_is_not_a_pool() => Verify("""
        void Run()
        {
            for (var i = 0; i < 17; i++) tasks.Add({|PL2003:Task.Run|}(() => Work(i)));
        }
        """);

    [Fact]
    public Task Gated_starts_are_not_findings() => Verify("""
        SemaphoreSlim gate = new SemaphoreSlim(4);
        int running;

        async Task Run()
        {
            await Task.WhenAll(items.Select(x => Task.Run(async () =>
            {
                await gate.WaitAsync();
                try { Work(x); } finally { gate.Release(); }
            })));

            foreach (var x in items)
            {
                await gate.WaitAsync();
                tasks.Add(Task.Run(() => { try { Work(x); } finally { gate.Release(); } }));
            }

            foreach (var x in items)
            {
                while (Volatile.Read(ref running) >= 4) await Task.Delay(10);
                Interlocked.Increment(ref running);
                tasks.Add(Task.Run(() => { Work(x); Interlocked.Decrement(ref running); }));
            }

            var active = new List<Task>();
            foreach (var x in items)
            {
                if (active.Count >= 4) active.Remove(await Task.WhenAny(active));
                active.Add(Task.Run(() => Work(x)));
            }
        }
        """);

    [Fact]
    public Task Joined_io_single_and_nested_starts_are_not_findings() => Verify("""
        async Task Run()
        {
            foreach (var x in items) await Task.Run(() => Work(x));
            foreach (var x in items) { var t = Task.Run(() => Work(x)); t.Wait(); }
            foreach (var x in items) { var thread = new Thread(() => Work(x)); thread.Start(); thread.Join(); }
            await Task.WhenAll(items.Select(x => FetchAsync(x)));
            await Task.WhenAll(items.Select(async x => await FetchAsync(x)));
            await Task.Factory.StartNew(() => Work(1), TaskCreationOptions.LongRunning);
            var single = new Thread(() => Work(2));
            single.Start();

            // A task per item inside a parallel body is nested parallelism: PL1001 reports it.
            Parallel.ForEach(items, x =>
            {
                var inner = new List<Task>();
                foreach (var y in items) inner.Add(Task.Run(() => Work(x + y)));
                Task.WaitAll(inner.ToArray());
            });
        }
        """);

    [Fact]
    public Task Without_the_runtime() => VerifyPL2003.Analyzer(
        Code("""Task Run() => Task.WhenAll(items.Select(x => {|PL2003:Task.Run|}(() => Work(x))));""").Replace("using ParallelLint.Runtime;\n", ""),
        withRuntime: false);

    [Fact]
    public async Task Half_typed_fan_outs_and_locks_analyze_without_an_analyzer_exception()
    {
        // Both rules (PL2003, PL2006) over every prefix of code in their shapes, as the IDE hands it while the user types.
        var source = Code("""
            SemaphoreSlim one = new SemaphoreSlim(1, 1);
            object gate = new object();
            double total;
            int running;

            async Task Run()
            {
                await Task.WhenAll(items.Select(x => Task.Run(() => Compute(x))));
                foreach (var x in items) { if (Interlocked.Increment(ref running) > 4) { } tasks.Add(Task.Factory.StartNew(() => Work(x))); }
                for (var i = 0; i < workerCount; i++) new Thread(() => Work(i)).Start();
                Parallel.For(0, 10, i => { lock (gate) { total += Compute(i); } });
                await Parallel.ForEachAsync(items, async (x, ct) => { await one.WaitAsync(ct); try { Work(x); } finally { one.Release(); } });
                Parallel.ForEach(items, x => { Monitor.Enter(gate); try { Work(x); } finally { Monitor.Exit(gate); } });
            }
            """);
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new UnboundedFanOutAnalyzer(), new BodySerializedByLockAnalyzer());
        var exceptions = new ConcurrentBag<System.Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), (exception, _, _) => exceptions.Add(exception), concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var start = source.IndexOf("SemaphoreSlim one", System.StringComparison.Ordinal);
        for (var length = start; length <= source.Length; length += 5)
        {
            var compilation = TestReferences.Compile("HalfTyped", new[] { CSharpSyntaxTree.ParseText(source[..length]) });
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        }

        Assert.Empty(exceptions);
        var complete = await TestReferences.Compile("Complete", new[] { CSharpSyntaxTree.ParseText(source) }).WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
        Assert.Equal(new[] { "PL2003", "PL2006", "PL2006", "PL2006" }, complete.Select(d => d.Id).OrderBy(id => id));
    }
}
