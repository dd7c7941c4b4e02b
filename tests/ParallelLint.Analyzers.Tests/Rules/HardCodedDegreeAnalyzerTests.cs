using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Tests.Verifiers;
using VerifyPL2001 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.HardCodedDegreeAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class HardCodedDegreeAnalyzerTests
{
    /// <summary>A class around <paramref name="members"/>; without the runtime, its namespace is not imported either.</summary>
    internal static string Code(string members, bool withRuntime = true) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;
        {{(withRuntime ? "using ParallelLint.Runtime;" : "")}}

        class Fits
        {
            double[] data = new double[100];
            int[] items = { 1, 2, 3 };
            HttpClient client = new HttpClient();
            static double Fit(int i) => i;

        {{Indent(members)}}
        }
        """;

    /// <summary>Members as they sit in the class: indented one level, as a fix's formatting expects.</summary>
    internal static string Indent(string members) => members.Replace("\n", "\n    ").Replace("\n    \n", "\n\n").Insert(0, "    ");

    private static Task Verify(string members, string? editorConfig = null, bool withRuntime = true) =>
        VerifyPL2001.Analyzer(Code(members, withRuntime), withRuntime, editorConfig);

    [Fact]
    public Task Constant_in_ParallelOptions_initializer_is_reported_with_the_expression_as_written() => VerifyPL2001.Analyzer(
        Code("""
            void Run() => Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|#0:16|} }, i => data[i] = Fit(i));
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2001.Diagnostic("PL2001").WithLocation(0).WithArguments("16"));

    [Fact]
    public Task A_query_written_as_static_calls_with_named_arguments_in_another_order_is_followed_to_its_source() => Verify("""
        void Run()
        {
            var sum = ParallelEnumerable.Sum(
                selector: (int x) => Fit(x),
                source: ParallelEnumerable.WithDegreeOfParallelism(degreeOfParallelism: {|PL2001:8|}, source: items.AsParallel()));
        }
        """);

    [Fact]
    public Task Every_construct_kind() => Verify("""
        void Run()
        {
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:8|} }, i => data[i] = Fit(i));
            Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:8|} }, x => data[x] = Fit(x));
            Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:8|} }, () => Fit(1), () => Fit(2));
            var sum = items.AsParallel().WithDegreeOfParallelism({|PL2001:8|}).Select(x => Fit(x)).Sum();
            var block = new ActionBlock<int>(x => data[x] = Fit(x), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = {|PL2001:8|} });
            Executor.ForEach(items, new ExecutorOptions { MaxDegreeOfParallelism = {|PL2001:8|} }, x => data[x] = Fit(x));
        }

        async Task RunAsync()
        {
            // CPU-bound bodies of the async loops: nothing is awaited.
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:8|} }, (x, ct) => { data[x] = Fit(x); return ValueTask.CompletedTask; });
            await Parallel.ForAsync(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:8|} }, (i, ct) => { data[i] = Fit(i); return default; });
            await Executor.ForEachAsync(items, new ExecutorOptions { MaxDegreeOfParallelism = {|PL2001:8|} }, (x, ct) => { data[x] = Fit(x); return ValueTask.CompletedTask; });
            var fits = await Executor.MapAsync(items, new ExecutorOptions { MaxDegreeOfParallelism = {|PL2001:8|} }, (x, ct) => new ValueTask<double>(Fit(x)));
        }
        """);

    [Fact]
    public Task Options_set_after_creation_and_kept_in_locals() => Verify("""
        void Run()
        {
            var options = new ParallelOptions();
            options.MaxDegreeOfParallelism = {|PL2001:12|};
            Parallel.For(0, 100, options, i => data[i] = Fit(i));

            var blockOptions = new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = {|PL2001:12|} };
            var block = new TransformBlock<int, double>(x => Fit(x), blockOptions);

            var executorOptions = new ExecutorOptions { MaxDegreeOfParallelism = {|PL2001:12|}, CoresPerItem = 1 };
            Executor.ForEach(items, executorOptions, x => data[x] = Fit(x));
        }
        """);

    [Fact]
    public Task Processor_count_times_a_factor() => Verify("""
        const int Oversubscription = 2;

        void Run()
        {
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:Environment.ProcessorCount * 2|} }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:2 * Environment.ProcessorCount|} }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:Environment.ProcessorCount * Oversubscription|} }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:(int)(Environment.ProcessorCount * 1.5)|} }, i => data[i] = Fit(i));
            var sum = items.AsParallel().WithDegreeOfParallelism({|PL2001:Cores.Logical * 4|}).Sum(x => Fit(x));
            Executor.ForEach(items, new ExecutorOptions { MaxDegreeOfParallelism = {|PL2001:Cores.Available * 2|} }, x => data[x] = Fit(x));
            Executor.ForEach(items, new ExecutorOptions { MaxDegreeOfParallelism = {|PL2001:Cores.Physical * 2|} }, x => data[x] = Fit(x));
        }
        """);

    [Fact]
    public Task Constants_through_const_fields_const_locals_and_locals_assigned_once() => VerifyPL2001.Analyzer(
        Code("""
            const int MaxWorkers = 16;

            void Run()
            {
                const int workers = 8;
                var threads = 32;
                var cores = Environment.ProcessorCount;
                Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|#0:MaxWorkers|} }, i => data[i] = Fit(i));
                Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|#1:workers|} }, i => data[i] = Fit(i));
                Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|#2:threads|} }, i => data[i] = Fit(i));
                Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|#3:cores * 2|} }, i => data[i] = Fit(i));
            }
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL2001.Diagnostic("PL2001").WithLocation(0).WithArguments("MaxWorkers"),
        VerifyPL2001.Diagnostic("PL2001").WithLocation(1).WithArguments("workers"),
        VerifyPL2001.Diagnostic("PL2001").WithLocation(2).WithArguments("threads"),
        VerifyPL2001.Diagnostic("PL2001").WithLocation(3).WithArguments("cores * 2"));

    [Fact]
    public Task Options_in_a_field_or_property_used_by_a_CPU_bound_loop() => Verify("""
        static readonly ParallelOptions Options = new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:16|} };
        static ParallelOptions Shared { get; } = new() { MaxDegreeOfParallelism = {|PL2001:16|} };
        static ParallelOptions Computed => new() { MaxDegreeOfParallelism = {|PL2001:16|} };
        ParallelOptions assigned;

        Fits() => assigned = new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:16|} };

        void Run()
        {
            Parallel.For(0, 100, Options, i => data[i] = Fit(i));
            Parallel.For(0, 100, Shared, i => data[i] = Fit(i));
            Parallel.For(0, 100, Computed, i => data[i] = Fit(i));
            Parallel.For(0, 100, assigned, i => data[i] = Fit(i));
        }
        """);

    [Fact]
    public Task A_degree_kept_in_a_constant_or_readonly_field_is_followed_to_its_value() => Verify("""
        const int Workers = 8;
        static readonly int Threads = 16;
        static readonly int Doubled = Environment.ProcessorCount * 2;
        static readonly int Alias = Threads;
        static readonly int Few = 4;
        static readonly int Machine = Environment.ProcessorCount;
        readonly int given;

        Fits(int degree) => given = degree;

        void Run()
        {
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:Workers|} }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:Threads|} }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:Doubled|} }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:Alias|} }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Few }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Machine }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = given }, i => data[i] = Fit(i));
        }
        """);

    [Fact]
    public Task Options_in_a_field_used_only_by_IO_bound_loops_or_not_at_all_are_not_reported() => Verify("""
        static readonly ParallelOptions Downloads = new ParallelOptions { MaxDegreeOfParallelism = 16 };
        static readonly ParallelOptions Unused = new ParallelOptions { MaxDegreeOfParallelism = 16 };

        async Task Run(string[] urls) =>
            await Parallel.ForEachAsync(urls, Downloads, async (url, ct) => await client.GetStringAsync(url, ct));
        """);

    [Fact]
    public Task Top_level_statements() => VerifyPL2001.Analyzer("""
        using System.Threading.Tasks;

        {|CS8805:var data = new double[100];|}
        Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:16|} }, i => data[i] = i * 2.0);
        """, withRuntime: false, editorConfig: null);

    [Fact]
    public Task Nested_types_report_once() => Verify("""
        class Inner
        {
            static readonly ParallelOptions Options = new() { MaxDegreeOfParallelism = {|PL2001:16|} };
            double[] values = new double[10];

            void Run()
            {
                Parallel.For(0, 10, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:16|} }, i => values[i] = i);
                Parallel.For(0, 10, Options, i => values[i] = i);
            }
        }
        """);

    [Fact]
    public Task Not_reported_for_degrees_that_follow_the_machine_or_come_from_elsewhere() => Verify("""
        const int Few = 4;
        static readonly int Configured = int.Parse(Environment.GetEnvironmentVariable("WORKERS") ?? "8");
        int workers = 16;

        void Run(int degree, ParallelOptions given)
        {
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = -1 }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Few }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount / 2 }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 1 }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = degree }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = Configured }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = workers }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = degree * 2 }, i => data[i] = Fit(i));

            // A local written again is not a constant any more.
            var count = 16;
            if (degree > 0) count = degree;
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = count }, i => data[i] = Fit(i));

            // Options from elsewhere, or returned to a caller: their work is not known here.
            given.MaxDegreeOfParallelism = 16;
            Parallel.For(0, 100, given, i => data[i] = Fit(i));
        }

        ParallelOptions Make() => Build(new ParallelOptions { MaxDegreeOfParallelism = 16 });
        ParallelOptions Build(ParallelOptions options) => options;
        """);

    [Fact]
    public Task IO_bound_async_bodies_are_not_reported() => Verify("""
        async Task Run(string[] urls)
        {
            await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (url, ct) => await client.GetStringAsync(url, ct));
            await Parallel.ForAsync(0, urls.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 4 }, async (i, ct) =>
            {
                var text = await client.GetStringAsync(urls[i], ct);
                data[i] = text.Length;
            });
            await Executor.ForEachAsync(urls, new ExecutorOptions { MaxDegreeOfParallelism = 32 }, async (url, ct) => await client.GetStringAsync(url, ct));
            var pages = await Executor.MapAsync(urls, new ExecutorOptions { MaxDegreeOfParallelism = 32 }, async (url, ct) => await client.GetStringAsync(url, ct));
            var block = new ActionBlock<string>(async url => await client.GetStringAsync(url), new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = 16 });

            // A task handed back without await is still I/O, and so are async method groups.
            await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 16 }, (url, ct) => new ValueTask(client.GetStringAsync(url, ct)));
            await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 16 }, DownloadAsync);

            // Options kept in a local and used only by an I/O-bound loop.
            var options = new ParallelOptions { MaxDegreeOfParallelism = 16 };
            await Parallel.ForEachAsync(urls, options, async (url, ct) => await client.GetStringAsync(url, ct));
        }

        async ValueTask DownloadAsync(string url, CancellationToken ct) => await client.GetStringAsync(url, ct);
        """);

    [Fact]
    public Task Options_shared_by_an_IO_bound_and_a_CPU_bound_loop_are_reported() => Verify("""
        async Task Run(string[] urls)
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:16|} };
            await Parallel.ForEachAsync(urls, options, async (url, ct) => await client.GetStringAsync(url, ct));
            Parallel.For(0, 100, options, i => data[i] = Fit(i));
        }
        """);

    [Fact]
    public Task The_limit_follows_the_option() => Verify(
        """
        void Run()
        {
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:9|} }, i => data[i] = Fit(i));
        }
        """,
        editorConfig: "parallellint.max_constant_degree = 8");

    [Theory]
    [InlineData("parallellint.max_constant_degree = lots")]
    [InlineData("parallellint.max_constant_degree = 0")]
    [InlineData("parallellint.max_constant_degree = -3")]
    public Task A_malformed_limit_is_ignored(string editorConfig) => Verify(
        """
        void Run()
        {
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => data[i] = Fit(i));
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:5|} }, i => data[i] = Fit(i));
        }
        """,
        editorConfig);

    [Fact]
    public Task Without_the_runtime() => Verify(
        """
        void Run()
        {
            Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = {|PL2001:Environment.ProcessorCount * 2|} }, i => data[i] = Fit(i));
        }
        """,
        withRuntime: false);

    [Fact]
    public async Task Half_typed_code_analyzes_without_an_analyzer_exception()
    {
        var source = Code("""
            const int Many = 16;
            static readonly ParallelOptions Options = new() { MaxDegreeOfParallelism = Many };

            async Task Run(int n)
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 2 };
                Parallel.For(0, n, options, i => data[i] = Fit(i));
                Parallel.For(0, n, Options, i => data[i] = Fit(i));
                var q = items.AsParallel().WithDegreeOfParallelism(8).Sum(x => Fit(x));
                await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (x, ct) => await Task.Delay(x, ct));
                Executor.ForEach(items, new ExecutorOptions { MaxDegreeOfParallelism = 8 }, x => data[x] = Fit(x));
            }
            """);
        await AssertNoAnalyzerExceptions(new HardCodedDegreeAnalyzer(), source);
    }

    /// <summary>Every prefix of <paramref name="source"/> and every variant with one token deleted: no analyzer exception.</summary>
    internal static async Task AssertNoAnalyzerExceptions(DiagnosticAnalyzer analyzer, string source)
    {
        var tokens = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().ToArray();
        var variants = Enumerable.Range(1, source.Length / 5).Select(i => source[..(i * 5)])
            .Concat(tokens.Select(token => source.Remove(token.SpanStart, token.Span.Length)));
        var exceptions = new ConcurrentBag<Exception>();
        foreach (var variant in variants)
        {
            var compilation = TestReferences.Compile("HalfTyped", new[] { CSharpSyntaxTree.ParseText(variant) });
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create(analyzer), options).GetAnalyzerDiagnosticsAsync();
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        }

        Assert.Empty(exceptions);
    }
}
