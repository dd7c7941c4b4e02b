using ParallelLint.CodeFixes;
using VerifyPL2005 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.LoopBodyTooSmallAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class LoopBodyTooSmallFixerTests
{
    // The fixed code imports System.Collections.Concurrent (for Partitioner), in order.
    private static string Fixed(string members, bool withRuntime = true) =>
        LoopBodyTooSmallAnalyzerTests.Code(members, withRuntime).Replace("using System;\n", "using System;\nusing System.Collections.Concurrent;\n");

    private static Task Fix(string before, string after, bool withRuntime = true) =>
        VerifyPL2005.CodeFix<LoopBodyTooSmallFixer>(
            LoopBodyTooSmallAnalyzerTests.Code(before, withRuntime),
            Fixed(after, withRuntime),
            LoopBodyTooSmallFixer.EquivalenceKey,
            withRuntime);

    private static Task NoFix(string members) =>
        VerifyPL2005.CodeFix<LoopBodyTooSmallFixer>(
            LoopBodyTooSmallAnalyzerTests.Code(members),
            LoopBodyTooSmallAnalyzerTests.Code(members),
            LoopBodyTooSmallFixer.EquivalenceKey);

    [Fact]
    public Task Expression_body_becomes_a_loop_over_each_chunk() => Fix(
        """
        void Run(int n)
        {
            {|PL2005:Parallel.For|}(0, n, i => y[i] = scale * x[i]);
        }
        """,
        """
        void Run(int n)
        {
            Parallel.ForEach(Partitioner.Create(0, n), range =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    y[i] = scale * x[i];
                }
            });
        }
        """);

    [Fact]
    public Task Options_are_kept_and_returns_become_continue() => Fix(
        """
        void Run(int n, ParallelOptions options)
        {
            {|PL2005:Parallel.For|}(1, n + 1, options, i =>
            {
                if (x[i - 1] <= 0) return;
                y[i - 1] = Math.Log(x[i - 1]);
            });
        }
        """,
        """
        void Run(int n, ParallelOptions options)
        {
            Parallel.ForEach(Partitioner.Create(1, n + 1), options, range =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    if (x[i - 1] <= 0) continue;
                    y[i - 1] = Math.Log(x[i - 1]);
                }
            });
        }
        """);

    [Fact]
    public Task Long_ranges_are_partitioned_as_long() => Fix(
        """
        void Run(long count, int n)
        {
            {|PL2005:Parallel.For|}(0L, count, j => y[j] = x[j] * 2);
            {|PL2005:Parallel.For|}(0, n, (long k) => y[k] = x[k] * 3);
        }
        """,
        """
        void Run(long count, int n)
        {
            Parallel.ForEach(Partitioner.Create(0L, count), range =>
            {
                for (var j = range.Item1; j < range.Item2; j++)
                {
                    y[j] = x[j] * 2;
                }
            });
            Parallel.ForEach(Partitioner.Create((long)0, n), range =>
            {
                for (var k = range.Item1; k < range.Item2; k++)
                {
                    y[k] = x[k] * 3;
                }
            });
        }
        """);

    [Fact]
    public Task A_taken_name_gets_a_number() => Fix(
        """
        void Run(int n)
        {
            var range = n / 2;
            {|PL2005:Parallel.For|}(0, range, i => y[i] = x[i] + range);
        }
        """,
        """
        void Run(int n)
        {
            var range = n / 2;
            Parallel.ForEach(Partitioner.Create(0, range), range2 =>
            {
                for (var i = range2.Item1; i < range2.Item2; i++)
                {
                    y[i] = x[i] + range;
                }
            });
        }
        """);

    [Fact]
    public Task Fix_all_partitions_every_loop_without_the_runtime() => Fix(
        """
        void Run(int n)
        {
            {|PL2005:Parallel.For|}(0, n, i => y[i] = x[i] * scale);
            {|PL2005:Parallel.For|}(0, gray.Length, p =>
            {
                var luma = 0.299 * r[p] + 0.587 * g[p] + 0.114 * b[p];
                gray[p] = (float)luma;
            });
        }
        """,
        """
        void Run(int n)
        {
            Parallel.ForEach(Partitioner.Create(0, n), range =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    y[i] = x[i] * scale;
                }
            });
            Parallel.ForEach(Partitioner.Create(0, gray.Length), range =>
            {
                for (var p = range.Item1; p < range.Item2; p++)
                {
                    var luma = 0.299 * r[p] + 0.587 * g[p] + 0.114 * b[p];
                    gray[p] = (float)luma;
                }
            });
        }
        """,
        withRuntime: false);

    [Fact]
    public Task No_fix_where_the_result_is_used_or_the_body_writes_its_index() => NoFix("""
        ParallelLoopResult Run(int n)
        {
            {|PL2005:Parallel.For|}(0, n, i => { i = i * 2 % n; y[i] = x[i]; });
            var result = {|PL2005:Parallel.For|}(0, n, i => y[i] = x[i]);
            return {|PL2005:Parallel.For|}(0, n, i => y[i] = x[i]);
        }
        """);
}
