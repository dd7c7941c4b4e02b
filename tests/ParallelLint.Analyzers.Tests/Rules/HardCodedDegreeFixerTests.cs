using ParallelLint.CodeFixes;
using VerifyPL2001 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.HardCodedDegreeAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class HardCodedDegreeFixerTests
{
    private static Task Fix(string before, string after, bool withRuntime = true) =>
        VerifyPL2001.CodeFix<HardCodedDegreeFixer>(
            HardCodedDegreeAnalyzerTests.Code(before, withRuntime),
            HardCodedDegreeAnalyzerTests.Code(after, withRuntime),
            HardCodedDegreeFixer.EquivalenceKey,
            withRuntime);

    [Fact]
    public Task Constant_becomes_the_detected_core_count() => Fix(
        "void Run() => Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:16|} }, i => data[i] = Fit(i));",
        "void Run() => Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, i => data[i] = Fit(i));");

    [Fact]
    public Task Without_the_runtime_it_becomes_the_processor_count() => Fix(
        "void Run() => Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:Environment.ProcessorCount * 2|} }, i => data[i] = Fit(i));",
        "void Run() => Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => data[i] = Fit(i));",
        withRuntime: false);

    [Fact]
    public Task Every_construct_kind_and_the_const_stays() => Fix(
        """
        const int MaxWorkers = 16;

        void Run()
        {
            var options = new ParallelOptions();
            options.MaxDegreeOfParallelism = {|PL2001:MaxWorkers|};
            Parallel.For(0, 100, options, i => data[i] = Fit(i));
            var sum = items.AsParallel().WithDegreeOfParallelism({|PL2001:2 * Environment.ProcessorCount|}).Sum(x => Fit(x));
            var block = new ActionBlock<int>(x => data[x] = Fit(x), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = {|PL2001:8|} });
            Executor.ForEach(items, new ExecutorOptions { MaxDegreeOfParallelism = {|PL2001:Cores.Logical * 2|} }, x => data[x] = Fit(x));
        }
        """,
        """
        const int MaxWorkers = 16;

        void Run()
        {
            var options = new ParallelOptions();
            options.MaxDegreeOfParallelism = Cores.Available;
            Parallel.For(0, 100, options, i => data[i] = Fit(i));
            var sum = items.AsParallel().WithDegreeOfParallelism(Cores.Available).Sum(x => Fit(x));
            var block = new ActionBlock<int>(x => data[x] = Fit(x), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = Cores.Available });
            Executor.ForEach(items, new ExecutorOptions { MaxDegreeOfParallelism = Cores.Available }, x => data[x] = Fit(x));
        }
        """);

    [Fact]
    public Task The_runtime_namespace_is_imported_where_missing() => VerifyPL2001.CodeFix<HardCodedDegreeFixer>(
        """
        using System.Threading.Tasks;

        class Fits
        {
            double[] data = new double[100];

            void Run() => Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:16|} }, i => data[i] = i);
        }
        """,
        """
        using System.Threading.Tasks;
        using ParallelLint.Runtime;

        class Fits
        {
            double[] data = new double[100];

            void Run() => Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, i => data[i] = i);
        }
        """,
        HardCodedDegreeFixer.EquivalenceKey);

    [Fact]
    public Task Without_the_runtime_and_without_using_System() => VerifyPL2001.CodeFix<HardCodedDegreeFixer>(
        """
        using System.Threading.Tasks;

        class Fits
        {
            double[] data = new double[100];

            void Run() => Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:16|} }, i => data[i] = i);
        }
        """,
        """
        using System;
        using System.Threading.Tasks;

        class Fits
        {
            double[] data = new double[100];

            void Run() => Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => data[i] = i);
        }
        """,
        HardCodedDegreeFixer.EquivalenceKey,
        withRuntime: false);

    [Fact]
    public Task Fix_all_replaces_every_degree_including_those_of_fields() => Fix(
        """
        static readonly ParallelOptions Options = new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:32|} };

        void Run()
        {
            Parallel.For(0, 100, Options, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:16|} }, i => data[i] = Fit(i));
            Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:Environment.ProcessorCount * 4|} }, x => data[x] = Fit(x));
        }
        """,
        """
        static readonly ParallelOptions Options = new ParallelOptions { MaxDegreeOfParallelism = Cores.Available };

        void Run()
        {
            Parallel.For(0, 100, Options, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, i => data[i] = Fit(i));
            Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, x => data[x] = Fit(x));
        }
        """);
}
