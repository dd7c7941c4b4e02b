using ParallelLint.CodeFixes;
using VerifyPL2006 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.BodySerializedByLockAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class BodySerializedByLockFixerTests
{
    private static string Code(string members, bool withRuntime = true) =>
        BodySerializedByLockAnalyzerTests.Code(members).Replace("using ParallelLint.Runtime;\n", withRuntime ? "using ParallelLint.Runtime;\n" : "");

    private static Task Fix(string members, string fixedMembers, bool withRuntime = true) =>
        VerifyPL2006.CodeFix<BodySerializedByLockFixer>(Code(members, withRuntime), Code(fixedMembers, withRuntime), BodySerializedByLockFixer.Key, withRuntime);

    private static Task NoFix(string members) =>
        VerifyPL2006.CodeFix<BodySerializedByLockFixer>(Code(members), Code(members), BodySerializedByLockFixer.Key);

    [Fact]
    public Task Parallel_For_accumulates_per_thread() => Fix(
        """
        void Run()
        {
            Parallel.For(0, 100, i =>
            {
                {|PL2006:lock|} (gate)
                {
                    total += Fit(i);
                }
            });
        }
        """,
        """
        void Run()
        {
            Parallel.For(0, 100, () => 0.0, (i, state, subtotal) => subtotal + Fit(i), subtotal => { lock (gate) { total += subtotal; } });
        }
        """);

    [Fact]
    public Task Parallel_ForEach_with_options_and_a_local_sum() => Fix(
        """
        long Run()
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = Cores.Available };
            long sum = 0;
            Parallel.ForEach(items, options, x => { {|PL2006:lock|} (gate) sum = sum + x * 2; });
            return sum;
        }
        """,
        """
        long Run()
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = Cores.Available };
            long sum = 0;
            Parallel.ForEach(items, options, () => 0L, (x, state, subtotal) => subtotal + x * 2, subtotal => { lock (gate) { sum += subtotal; } });
            return sum;
        }
        """);

    [Fact]
    public Task Work_that_uses_shared_state_or_other_shapes_get_no_fix() => NoFix(
        """
        void Run(Random random)
        {
            Parallel.For(0, 100, i => { {|PL2006:lock|} (gate) { total += random.NextDouble(); } });
            Parallel.For(0, 100, i => { {|PL2006:lock|} (gate) { results.Add(Fit(i)); } });
            Parallel.For(0, 100, i => { {|PL2006:lock|} (gate) { total += total * Fit(i); } });
            Parallel.ForEach(items, x => { {|PL2006:Monitor.Enter|}(gate); try { total += Fit(x); } finally { Monitor.Exit(gate); } });
        }
        """);

    [Fact]
    public Task Fix_all_rewrites_every_loop() => Fix(
        """
        void Run()
        {
            int count = 0;
            Parallel.For(0, 100, i => { {|PL2006:lock|} (gate) { total += Fit(i); } });
            Parallel.ForEach(items, x => { {|PL2006:lock|} (StaticGate) { count += x; } });
        }
        """,
        """
        void Run()
        {
            int count = 0;
            Parallel.For(0, 100, () => 0.0, (i, state, subtotal) => subtotal + Fit(i), subtotal => { lock (gate) { total += subtotal; } });
            Parallel.ForEach(items, () => 0, (x, state, subtotal) => subtotal + x, subtotal => { lock (StaticGate) { count += subtotal; } });
        }
        """);
}
