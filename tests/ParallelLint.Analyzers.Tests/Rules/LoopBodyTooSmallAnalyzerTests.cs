using VerifyPL2005 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.LoopBodyTooSmallAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class LoopBodyTooSmallAnalyzerTests
{
    /// <summary>A class around <paramref name="members"/>; without the runtime, its namespace is not imported either.</summary>
    internal static string Code(string members, bool withRuntime = true) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        {{(withRuntime ? "using ParallelLint.Runtime;" : "")}}

        class Pixels
        {
            double[] x = new double[1000];
            double[] y = new double[1000];
            float[] gray = new float[1000];
            byte[] r = new byte[1000], g = new byte[1000], b = new byte[1000];
            List<double> list = new List<double>();
            object gate = new object();
            double scale = 2.0;
            static double Expensive(double v) => v;

        {{Indent(members)}}
        }
        """;

    /// <summary>Members as they sit in the class: indented one level, as a fix's formatting expects.</summary>
    internal static string Indent(string members) => members.Replace("\n", "\n    ").Replace("\n    \n", "\n\n").Insert(0, "    ");

    private static Task Verify(string members, bool withRuntime = true) => VerifyPL2005.Analyzer(Code(members, withRuntime), withRuntime);

    [Fact]
    public Task Expression_body_is_reported_at_Parallel_For_with_its_name() => VerifyPL2005.Analyzer(
        Code("""
            void Run(int n) => {|#0:Parallel.For|}(0, n, i => y[i] = scale * x[i]);
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2005.Diagnostic("PL2005").WithLocation(0).WithArguments("Parallel.For"));

    [Fact]
    public Task Small_bodies() => Verify("""
        void Run(int n, long count, ParallelOptions options)
        {
            // A grayscale conversion: three statements of arithmetic and array elements.
            {|PL2005:Parallel.For|}(0, gray.Length, i =>
            {
                var luma = 0.299 * r[i] + 0.587 * g[i];
                luma += 0.114 * b[i];
                gray[i] = (float)luma;
            });

            // Cheap Math functions, a condition with return, long ranges, options.
            {|PL2005:Parallel.For|}(0, n, i => y[i] = Math.Sqrt(Math.Abs(x[i])) + Math.Max(x[i], 0));
            {|PL2005:Parallel.For|}(0, n, i =>
            {
                if (x[i] < 0) return;
                y[i] = Math.Log(x[i]);
            });
            {|PL2005:Parallel.For|}(0L, count, i => y[i] = x[i] * x.Length);
            {|PL2005:System.Threading.Tasks.Parallel.For|}(0, n, options, i => y[i] = x[i] > 0 ? x[i] : -x[i]);
            {|PL2005:Parallel.For|}(0, n, delegate (int i) { y[i] += x[i]; });
            {|PL2005:Parallel.For|}(0, n, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => y[i]++);
            var result = {|PL2005:Parallel.For|}(0, n, i => y[i] = x[i]);
        }
        """);

    [Fact]
    public Task Not_reported_for_bodies_with_work_or_other_shapes() => Verify("""
        void Run(int n, Action<int> body)
        {
            // Calls other than cheap Math, loops, allocations, locks, boxing, string work.
            Parallel.For(0, n, i => y[i] = Expensive(x[i]));
            Parallel.For(0, n, i => list.Add(x[i]));
            Parallel.For(0, n, i => { for (var j = 0; j < 10; j++) y[i] += x[j]; });
            Parallel.For(0, n, i => { var v = new double[4]; y[i] = v[0]; });
            Parallel.For(0, n, i => { lock (gate) y[i] = x[i]; });
            Parallel.For(0, n, i => { object boxed = x[i]; });
            Parallel.For(0, n, i => { var s = "a" + i; });
            Parallel.For(0, n, i => Interlocked.Increment(ref n));
            Parallel.For(0, n, i => y[i] = list.Count);

            // More than three statements.
            Parallel.For(0, n, i =>
            {
                var a = x[i];
                var b2 = a * a;
                var c = b2 * a;
                y[i] = c;
            });

            // Not Parallel.For with one index parameter: state, thread-local state, ForEach, async, a method group, a delegate.
            Parallel.For(0, n, (i, state) => y[i] = x[i]);
            Parallel.For(0, n, () => 0.0, (i, state, local) => local + x[i], local => { });
            Parallel.ForEach(new[] { 1, 2 }, i => y[i] = x[i]);
            Parallel.For(0, n, async i => { await Task.Yield(); y[i] = x[i]; });
            Parallel.For(0, n, Touch);
            Parallel.For(0, n, body);

            // An empty body, and a loop bounded to one (sequential).
            Parallel.For(0, n, i => { });
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i => y[i] = x[i]);
            var sequential = new ParallelOptions { MaxDegreeOfParallelism = 1 };
            Parallel.For(0, n, sequential, i => y[i] = x[i]);
        }

        void Touch(int i) => y[i] = x[i];
        """);

    [Fact]
    public Task Without_the_runtime() => Verify(
        """
        void Run(int n) => {|PL2005:Parallel.For|}(0, n, i => y[i] = x[i] * scale);
        """,
        withRuntime: false);

    [Fact]
    public async Task Half_typed_code_analyzes_without_an_analyzer_exception()
    {
        var source = Code("""
            void Run(int n, long count)
            {
                Parallel.For(0, n, i => y[i] = Math.Sqrt(Math.Abs(x[i])));
                Parallel.For(0L, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
                {
                    if (x[i] < 0) return;
                    y[i] = x[i] * scale;
                });
            }
            """);
        await HardCodedDegreeAnalyzerTests.AssertNoAnalyzerExceptions(new LoopBodyTooSmallAnalyzer(), source);
    }
}
