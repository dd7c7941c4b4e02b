using ParallelLint.Analyzers.Tests.Verifiers;
using VerifyPL2006 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.BodySerializedByLockAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class BodySerializedByLockAnalyzerTests
{
    internal static string Code(string members) => TestSources.Usings + $$"""
        class Fits
        {
            readonly object gate = new object();
            static readonly object StaticGate = new object();
            readonly SemaphoreSlim one = new SemaphoreSlim(1, 1);
            readonly SemaphoreSlim four = new SemaphoreSlim(4);
            int[] items = { 1, 2, 3 };
            double total;
            List<double> results = new();
            static double Fit(int x) => x * 2.0;

        {{members}}
        }
        """;

    private static Task Verify(string members) => VerifyPL2006.Analyzer(Code(members));

    [Fact]
    public Task Lock_around_the_whole_body() => VerifyPL2006.Analyzer(
        Code("""
            void Run() => {|#1:Parallel.ForEach|}(items, x =>
            {
                {|#0:lock|} (gate)
                {
                    var fit = Fit(x);
                    results.Add(fit);
                }
            });
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2006.Diagnostic("PL2006").WithLocation(0).WithLocation(1).WithArguments("Parallel.ForEach", "lock (gate)"));

    [Fact]
    public Task Every_parallel_body_kind() => Verify("""
        async Task Run()
        {
            Parallel.For(0, 100, i => { const int scale = 2; {|PL2006:lock|} (StaticGate) { total += Fit(i) * scale; } });
            await Parallel.ForEachAsync(items, async (x, ct) => { await Task.Yield(); {|PL2006:lock|} (gate) { total += Fit(x); } });
            items.AsParallel().ForAll(x => { {|PL2006:lock|} (gate) { total += Fit(x); } });
            _ = items.AsParallel().Select(x => { {|PL2006:lock|} (gate) { return Fit(x); } }).ToList();
            Executor.ForEach(items, x => { {|PL2006:lock|} (gate) { total += Fit(x); } });
            Parallel.Invoke(() => { {|PL2006:lock|} (gate) { total += Fit(1); } }, () => { {|PL2006:lock|} (gate) { total += Fit(2); } });
        }
        """.Replace("await Task.Yield(); ", ""));

    [Fact]
    public Task Monitor_and_semaphores_of_one() => Verify("""
            async Task Run()
            {
                Parallel.ForEach(items, x =>
                {
                    {|PL2006:Monitor.Enter|}(gate);
                    try { total += Fit(x); }
                    finally { Monitor.Exit(gate); }
                });
                Parallel.ForEach(items, x =>
                {
                    var taken = false;
                    try
                    {
                        {|PL2006:Monitor.Enter|}(gate, ref taken);
                        total += Fit(x);
                    }
                    finally
                    {
                        if (taken) Monitor.Exit(gate);
                    }
                });
                await Parallel.ForEachAsync(items, async (x, ct) =>
                {
                    await one.{|PL2006:WaitAsync|}(ct);
                    try { total += Fit(x); }
                    finally { one.Release(); }
                });
                var local = new SemaphoreSlim(1);
                Parallel.For(0, 10, i =>
                {
                    local.{|PL2006:Wait|}();
                    total += Fit(i);
                    local.Release();
                });
            }
            """);

    [Fact]
    public Task A_field_semaphore_of_one_is_one_with_its_counts_named_in_any_order() => VerifyPL2006.Analyzer(TestSources.Usings + """
        class Fits
        {
            static readonly SemaphoreSlim OneFitAtATime = new SemaphoreSlim(maxCount: 1, initialCount: 1);
            static readonly SemaphoreSlim FourFits = new SemaphoreSlim(initialCount: 4, maxCount: 4);
            double total;

            async Task Run(int[] items)
            {
                await Parallel.ForEachAsync(items, async (x, ct) =>
                {
                    await OneFitAtATime.{|PL2006:WaitAsync|}(ct);
                    try { total += x; }
                    finally { OneFitAtATime.Release(); }
                });
                await Parallel.ForEachAsync(items, async (x, ct) =>
                {
                    await FourFits.WaitAsync(ct);
                    try { total += x; }
                    finally { FourFits.Release(); }
                });
            }
        }
        """);

    [Fact]
    public Task Messages_name_the_gate() => VerifyPL2006.Analyzer(
        Code("""
            async Task Run()
            {
                {|#1:Parallel.ForEach|}(items, x =>
                {
                    {|#0:Monitor.Enter|}(gate);
                    try { total += Fit(x); }
                    finally { Monitor.Exit(gate); }
                });
                await {|#3:Parallel.ForEachAsync|}(items, async (x, ct) =>
                {
                    await one.{|#2:WaitAsync|}(ct);
                    try { total += Fit(x); }
                    finally { one.Release(); }
                });
            }
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2006.Diagnostic("PL2006").WithLocation(0).WithLocation(1).WithArguments("Parallel.ForEach", "Monitor.Enter(gate)"),
        VerifyPL2006.Diagnostic("PL2006").WithLocation(2).WithLocation(3).WithArguments("Parallel.ForEachAsync", "SemaphoreSlim(1) one"));

    [Fact]
    public Task Short_locks_and_other_gates_are_not_findings() => Verify("""
        async Task Run(SemaphoreSlim given)
        {
            // The work outside, the lock only for the accumulation.
            Parallel.For(0, 100, i => { var fit = Fit(i); lock (gate) { total += fit; } });
            Parallel.ForEach(items, x => { lock (gate) { results.Add(x); } Fit(x); });

            // localInit/localFinally: the lock runs once per worker.
            Parallel.For(0, 100, () => 0.0, (i, state, local) => local + Fit(i), local => { lock (gate) { total += local; } });

            // A lock per item, or on something made per iteration.
            Parallel.ForEach(results.Select(r => new List<double>()), list => { lock (list) { list.Add(1); } });
            Parallel.For(0, 10, i => { var mine = new object(); lock (mine) { total += Fit(i); } });

            // Semaphores that let several in, or whose count is not known.
            await Parallel.ForEachAsync(items, async (x, ct) => { await four.WaitAsync(ct); try { total += Fit(x); } finally { four.Release(); } });
            await Parallel.ForEachAsync(items, async (x, ct) => { await given.WaitAsync(ct); try { total += Fit(x); } finally { given.Release(); } });
            await Parallel.ForEachAsync(items, async (x, ct) => { if (!await one.WaitAsync(10)) return; try { total += Fit(x); } finally { one.Release(); } });

            // A sequential loop, and one action of several.
            Parallel.For(0, 10, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i => { lock (gate) { total += Fit(i); } });
            Parallel.Invoke(() => { lock (gate) { total += Fit(1); } }, () => total += Fit(2));
            foreach (var x in items) { lock (gate) { total += Fit(x); } }
        }
        """);

    [Fact]
    public Task Without_the_runtime() => VerifyPL2006.Analyzer(
        Code("""void Run() => Parallel.For(0, 100, i => { {|PL2006:lock|} (gate) { total += Fit(i); } });""").Replace("using ParallelLint.Runtime;\n", ""),
        withRuntime: false);
}
