using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using ParallelLint.CodeFixes;
using VerifyPL3002 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.LoopInvariantCopyAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class LoopInvariantCopyFixerTests
{
    private static Task Fix(string before, string after, int? fixAllIterations = null) =>
        VerifyPL3002.CodeFix<LoopInvariantCopyFixer>(
            LoopInvariantCopyAnalyzerTests.Code(before),
            LoopInvariantCopyAnalyzerTests.Code(after),
            LoopInvariantCopyFixer.EquivalenceKey,
            fixAllIterations: fixAllIterations);

    private static Task NoFix(string source) => Fix(source, source);

    [Fact]
    public Task A_copy_in_a_loop_body_is_hoisted_above_the_loop() => Fix(
        """
        void Run(List<double> data, int[] items)
        {
            var total = 0.0;

            // One pass per item.
            foreach (var item in items)
            {
                var copy = data.{|PL3002:ToArray|}();
                total += copy[0] * item;
            }

            Use(total);
        }
        """,
        """
        void Run(List<double> data, int[] items)
        {
            var total = 0.0;
            var dataArray = data.ToArray();

            // One pass per item.
            foreach (var item in items)
            {
                var copy = dataArray;
                total += copy[0] * item;
            }

            Use(total);
        }
        """);

    [Fact]
    public Task A_serialization_in_an_expression_bodied_lambda_is_hoisted_above_the_parallel_call() => Fix(
        """
        void Run(Settings settings, int n)
        {
            var results = new int[n];
            Parallel.For(0, n, i => results[i] = {|PL3002:JsonSerializer.Serialize|}(settings).Length + i);
        }
        """,
        """
        void Run(Settings settings, int n)
        {
            var results = new int[n];
            var settingsJson = JsonSerializer.Serialize(settings);
            Parallel.For(0, n, i => results[i] = settingsJson.Length + i);
        }
        """);

    [Fact]
    public Task Names_follow_the_data_and_the_copy() => Fix(
        """
        void Run(List<int> ids, double[] weights, int[] items)
        {
            var lengths = items.Select(x => {|PL3002:string.Join|}(",", ids).Length + x).ToArray();
            var counts = items.Select(x => {|PL3002:new List<double>|}(weights).Count + x).ToArray();
            var firsts = items.Select(x => ((double[])weights.{|PL3002:Clone|}())[0] + x).ToArray();
            Use(lengths.Length + counts.Length + firsts.Length);
        }
        """,
        """
        void Run(List<int> ids, double[] weights, int[] items)
        {
            var idsJoined = string.Join(",", ids);
            var lengths = items.Select(x => idsJoined.Length + x).ToArray();
            var weightsList = new List<double>(weights);
            var counts = items.Select(x => weightsList.Count + x).ToArray();
            var weightsCopy = weights.Clone();
            var firsts = items.Select(x => ((double[])weightsCopy)[0] + x).ToArray();
            Use(lengths.Length + counts.Length + firsts.Length);
        }
        """);

    [Fact]
    public Task The_name_avoids_names_in_scope_and_inside_the_loop() => Fix(
        """
        private readonly int dataList = 1;
        void Run(List<double> data, int[] items)
        {
            var dataList2 = 2;
            for (var i = 0; i < items.Length; i++)
            {
                var dataList3 = data.{|PL3002:ToList|}();
                Use(dataList3.Count + dataList + dataList2);
            }
        }
        """,
        """
        private readonly int dataList = 1;
        void Run(List<double> data, int[] items)
        {
            var dataList2 = 2;
            var dataList4 = data.ToList();
            for (var i = 0; i < items.Length; i++)
            {
                var dataList3 = dataList4;
                Use(dataList3.Count + dataList + dataList2);
            }
        }
        """);

    [Fact]
    public Task Fix_all_hoists_copies_in_one_loop_and_in_two_loops() => Fix(
        """
        void Run(List<double> data, Settings settings, int[] items)
        {
            foreach (var item in items)
            {
                var json = {|PL3002:JsonSerializer.Serialize|}(settings);
                var sum = data.{|PL3002:ToArray|}().Sum();
                var max = data.{|PL3002:ToArray|}().Max();
                Use(json.Length + sum + max + item);
            }

            Parallel.ForEach(items, item =>
            {
                Use(data.{|PL3002:ToArray|}().Max() + item);
            });
        }
        """,
        """
        void Run(List<double> data, Settings settings, int[] items)
        {
            var settingsJson = JsonSerializer.Serialize(settings);
            var dataArray = data.ToArray();
            foreach (var item in items)
            {
                var json = settingsJson;
                var sum = dataArray.Sum();
                var max = dataArray.Max();
                Use(json.Length + sum + max + item);
            }

            var dataArray2 = data.ToArray();
            Parallel.ForEach(items, item =>
            {
                Use(dataArray2.Max() + item);
            });
        }
        """);

    [Fact]
    public Task A_local_the_body_writes_into_is_not_reused() => Fix(
        """
        void Run(List<double> data, int[] items)
        {
            var first = data.ToArray();
            foreach (var item in items)
            {
                first[0] = item;
                Use(data.{|PL3002:ToArray|}().Length);
            }
        }
        """,
        """
        void Run(List<double> data, int[] items)
        {
            var first = data.ToArray();
            var dataArray = data.ToArray();
            foreach (var item in items)
            {
                first[0] = item;
                Use(dataArray.Length);
            }
        }
        """);

    [Fact]
    public Task A_copy_in_top_level_statements_is_hoisted_as_a_top_level_statement()
    {
        var test = new CSharpCodeFixTest<LoopInvariantCopyAnalyzer, LoopInvariantCopyFixer, DefaultVerifier>
        {
            TestCode = """
                using System.Linq;
                var data = new[] { 1.0, 2.0 };
                for (var i = 0; i < 3; i++)
                {
                    System.Console.WriteLine(data.{|PL3002:ToList|}().Count + i);
                }
                """,
            FixedCode = """
                using System.Linq;
                var data = new[] { 1.0, 2.0 };
                var dataList = data.ToList();
                for (var i = 0; i < 3; i++)
                {
                    System.Console.WriteLine(dataList.Count + i);
                }
                """,
            CodeActionEquivalenceKey = LoopInvariantCopyFixer.EquivalenceKey,
        };
        VerifyPL3002.Configure(test.TestState, withRuntime: false, editorConfig: null);
        VerifyPL3002.Configure(test.FixedState, withRuntime: false, editorConfig: null);
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        test.FixedState.OutputKind = OutputKind.ConsoleApplication;
        return test.RunAsync();
    }

    [Fact]
    public Task No_fix_where_the_loop_is_not_a_statement_of_a_block() => NoFix(
        """
        void Run(List<double> data, int[] items, bool enabled)
        {
            if (enabled)
                foreach (var item in items)
                {
                    Use(data.{|PL3002:ToArray|}().Length + item);
                }
        }
        void Run2(List<double> data, int n) => Parallel.For(0, n, i => Use(data.{|PL3002:ToArray|}().Length + i));
        void Run3(List<double> data, int[] items)
        {
            // Prepare changes the data before the lambda runs: a copy made before the statement would miss that.
            var lengths = Prepare(data).Select(x => data.{|PL3002:ToArray|}().Length + x).ToArray();
        }
        static int[] Prepare(List<double> data) { data.Add(1); return new[] { 1 }; }
        """);

    [Fact]
    public Task No_fix_for_a_copy_that_holds_what_the_parser_skipped() => NoFix(
        """
        // The call lacks its ')': the parser takes the interpolation's '}' into it, and hoisting the call would take the '}' away.
        void Run(string[] files, double[] weights)
        {
            foreach (var file in files)
            {
                Console.WriteLine($"{file} {{|PL3002:string.Join|}(",", weights.Select(w => w.ToString()){|CS1003:{|CS1003:}|}|}{|CS1026:|}");
            }
        }
        """);
}
