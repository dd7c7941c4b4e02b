using VerifyPL3001 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.ProcessPerItemAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class ProcessPerItemAnalyzerTests
{
    internal static string Code(string members) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Diagnostics;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using ParallelLint.Runtime;

        class Tool
        {
            string[] inputs = { "a", "b" };
            SemaphoreSlim gate = new SemaphoreSlim(2);

        {{members}}
        }
        """;

    private static Task Verify(string members, string? editorConfig = null) =>
        VerifyPL3001.Analyzer(Code(members), withRuntime: true, editorConfig);

    [Theory]
    [InlineData("Process.Start(\"gzip\", input)")]
    [InlineData("Process.Start(\"gzip\", new[] { \"-k\", input })")]
    [InlineData("Process.Start(new ProcessStartInfo(\"gzip\") { ArgumentList = { input } })")]
    [InlineData("Process.Start(\"gzip\")")]
    public Task Every_start_overload_waited_for_inside_a_parallel_body(string start) => VerifyPL3001.Analyzer(
        Code($$"""
            void Run() => Parallel.ForEach(inputs, input =>
            {
                using var process = {|#0:Process.Start|}({{start.Substring("Process.Start(".Length)}};
                process.WaitForExit();
            });
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL3001.Diagnostic("PL3001").WithLocation(0).WithArguments(
            "Process.Start",
            "inside the parallel body of Parallel.ForEach: a thread waits on each process, and the parent pays for every start one after another"));

    [Fact]
    public Task Created_process_started_in_a_parallel_body() => Verify("""
        void Run() => Parallel.For(0, 100, i =>
        {
            using var process = new Process { StartInfo = new ProcessStartInfo("fit", i.ToString()) };
            process.{|PL3001:Start|}();
            process.WaitForExit();
        });
        """);

    [Fact]
    public Task Every_parallel_body_kind() => Verify("""
        async Task Run()
        {
            inputs.AsParallel().ForAll(x => {|PL3001:Process.Start|}("gzip", x)!.WaitForExit());
            await Parallel.ForEachAsync(inputs, async (x, ct) => await {|PL3001:Process.Start|}("gzip", x)!.WaitForExitAsync(ct));
            Executor.ForEach(inputs, x => {|PL3001:Process.Start|}("gzip", x)!.WaitForExit());
            var tasks = new List<Task>();
            foreach (var x in inputs) tasks.Add(Task.Run(() => {|PL3001:Process.Start|}("gzip", x)!.WaitForExit()));
            Task.WaitAll(tasks.ToArray());
        }
        """);

    [Fact]
    public Task Started_in_a_loop_and_collected_without_waiting() => VerifyPL3001.Analyzer(
        Code("""
            void Run()
            {
                var processes = new List<Process>();
                foreach (var input in inputs)
                {
                    processes.Add({|#0:Process.Start|}("gzip", input)!);
                }

                foreach (var process in processes) process.WaitForExit();
            }
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL3001.Diagnostic("PL3001").WithLocation(0).WithArguments(
            "Process.Start",
            "of this loop without waiting for it: every item's process runs at once, however many cores there are"));

    [Fact]
    public Task Fan_out_in_for_while_and_Select() => Verify("""
        void Run(int n, Queue<string> queue)
        {
            var started = new List<Process>();
            for (var i = 0; i < n; i++) started.Add({|PL3001:Process.Start|}("fit", i.ToString())!);
            while (queue.Count > 0) started.Add({|PL3001:Process.Start|}("fit", queue.Dequeue())!);
            var all = inputs.Select(x => {|PL3001:Process.Start|}("gzip", x)!).ToList();
            foreach (var p in all) p.WaitForExit();
        }
        """);

    [Fact]
    public Task Async_per_item_lambdas_start_every_process_before_the_first_await_returns() => Verify("""
        Task Run() => Task.WhenAll(inputs.Select(async x =>
        {
            using var process = {|PL3001:Process.Start|}("gzip", x)!;
            await process.WaitForExitAsync();
        }));
        """);

    [Fact]
    public Task A_sequential_start_and_wait_loop_is_not_a_finding() => Verify("""
        async Task Run()
        {
            foreach (var input in inputs)
            {
                using var process = Process.Start("gzip", input)!;
                process.WaitForExit();
            }

            for (var i = 0; i < 100; i++)
            {
                Process.Start("fit", i.ToString())!.WaitForExit();
            }

            foreach (var input in inputs)
            {
                var process = new Process { StartInfo = new ProcessStartInfo("gzip", input) };
                process.Start();
                await process.WaitForExitAsync().ConfigureAwait(false);
            }

            var codes = inputs.Select(x => { using var p = Process.Start("gzip", x)!; p.WaitForExit(); return p.ExitCode; }).ToList();
        }
        """);

    [Fact]
    public Task A_few_long_lived_workers_are_not_findings() => Verify("""
        void Run()
        {
            var workers = new List<Process>();
            for (var i = 0; i < Environment.ProcessorCount; i++) workers.Add(Process.Start("worker", i.ToString())!);
            for (var i = 0; i < Cores.Available; i++) workers.Add(Process.Start("worker", i.ToString())!);
            for (var i = 0; i < 4; i++) workers.Add(Process.Start("worker", i.ToString())!);
            foreach (var i in Enumerable.Range(0, 3)) workers.Add(Process.Start("worker", i.ToString())!);
            foreach (var tool in new[] { "server", "monitor" }) workers.Add(Process.Start(tool)!);
            workers.AddRange(Enumerable.Range(0, 2).Select(i => Process.Start("worker", i.ToString())!));
            workers.AddRange(Enumerable.Range(count: 2, start: 1000).Select(i => Process.Start("worker", i.ToString())!));
            foreach (var worker in workers) worker.WaitForExit();
        }
        """);

    [Fact]
    public Task Named_arguments_in_another_order_are_read_by_parameter() => Verify("""
        void Run()
        {
            var many = Enumerable.Range(count: 1000, start: 2).Select(i => {|PL3001:Process.Start|}("worker", i.ToString())!).ToList();
        }
        """);

    [Fact]
    public Task The_constant_limit_is_an_option() => Verify(
        """
        void Run()
        {
            var workers = new List<Process>();
            for (var i = 0; i < 8; i++) workers.Add(Process.Start("worker", i.ToString())!);
            for (var i = 0; i < 9; i++) workers.Add({|PL3001:Process.Start|}("worker", i.ToString())!);
        }
        """,
        "parallellint.max_constant_degree = 8");

    [Theory]
    [InlineData("eight")]
    [InlineData("-3")]
    [InlineData("")]
    public Task A_malformed_limit_falls_back_to_four(string value) => Verify(
        """
        void Run()
        {
            for (var i = 0; i < 4; i++) Process.Start("worker", i.ToString());
            for (var i = 0; i < 5; i++) {|PL3001:Process.Start|}("worker", i.ToString());
        }
        """,
        "parallellint.max_constant_degree = " + value);

    [Fact]
    public Task One_process_a_semaphore_gate_and_sequential_Task_Run_are_not_findings() => Verify("""
        async Task Run()
        {
            using var one = Process.Start("server")!;
            await Task.WhenAll(inputs.Select(async x =>
            {
                await gate.WaitAsync();
                try
                {
                    using var p = Process.Start("gzip", x)!;
                    await p.WaitForExitAsync();
                }
                finally
                {
                    gate.Release();
                }
            }));
            foreach (var x in inputs) await Task.Run(() => Process.Start("gzip", x)!.WaitForExit());
            Parallel.ForEach(inputs, new ParallelOptions { MaxDegreeOfParallelism = 1 }, x => Process.Start("gzip", x)!.WaitForExit());
        }
        """);

    [Fact]
    public Task A_local_function_runs_where_it_is_called() => Verify("""
        void Run()
        {
            foreach (var x in inputs) {|PL3001:Compress|}(x);
            void Compress(string x) => Process.Start("gzip", x);
        }
        """);

    private const string InParallelBody =
        "inside the parallel body of Parallel.ForEach: a thread waits on each process, and the parent pays for every start one after another";

    private static Task VerifyThrough(string members, string chain, string where = InParallelBody) => VerifyPL3001.Analyzer(
        Code(members),
        withRuntime: true,
        editorConfig: null,
        VerifyPL3001.Diagnostic("PL3001").WithLocation(0).WithArguments(chain, where));

    [Fact]
    public Task A_private_helper_that_starts_a_process_in_a_parallel_body() => VerifyThrough(
        """
        void Run() => Parallel.ForEach(inputs, x => {|#0:Compress|}(x));
        void Compress(string x)
        {
            using var process = Process.Start("gzip", x);
            process.WaitForExit();
        }
        """,
        "Compress → Process.Start");

    [Fact]
    public Task Two_calls_down_in_an_instance_method_of_another_class() => VerifyThrough(
        """
        Runner runner = new Runner();
        void Run() => Parallel.ForEach(inputs, x => runner.{|#0:Fit|}(x));
        }

        class Runner
        {
            internal int Fit(string x) => Launch("fit", x);
            int Launch(string tool, string x)
            {
                var process = new Process { StartInfo = new ProcessStartInfo(tool, x) };
                process.Start();
                process.WaitForExit();
                return process.ExitCode;
            }
        """,
        "Fit → Launch → Process.Start()");

    [Fact]
    public Task Behind_an_interface_with_one_implementation_and_an_extension_method() => Verify("""
        ITool tool = new Gzip();
        void Run()
        {
            Parallel.ForEach(inputs, x => tool.{|PL3001:Apply|}(x));
            Parallel.ForEach(inputs, x => x.{|PL3001:Gunzip|}());
        }
        }

        interface ITool { void Apply(string x); }
        sealed class Gzip : ITool { public void Apply(string x) => Process.Start("gzip", x)!.WaitForExit(); }
        static class Tools
        {
            internal static void Gunzip(this string x) => Process.Start("gunzip", x)!.WaitForExit();
        """);

    [Fact]
    public Task A_method_group_body_and_a_constructor() => Verify("""
        void Run()
        {
            Parallel.ForEach(inputs, {|PL3001:Compress|});
            Parallel.ForEach(inputs, x => _ = {|PL3001:new Job|}(x));
        }

        static void Compress(string x) => Process.Start("gzip", x)!.WaitForExit();
        }

        class Job
        {
            public Job(string x) => Process.Start("fit", x)!.WaitForExit();
        """);

    [Fact]
    public Task A_helper_that_leaves_its_process_running_fans_out_from_a_loop() => VerifyThrough(
        """
        void Run()
        {
            foreach (var x in inputs.Concat(inputs)) {|#0:Launch|}(x);
        }

        void Launch(string x) => Process.Start("gzip", x);
        """,
        "Launch → Process.Start",
        "of this loop without waiting for it: every item's process runs at once, however many cores there are");

    [Fact]
    public Task Sequential_loops_over_helpers_that_wait_or_hand_the_process_back_are_not_findings() => Verify("""
        void Run()
        {
            foreach (var x in inputs) Compress(x);
            foreach (var x in inputs) Start(x).WaitForExit();
            var started = inputs.Select(x => Compress(x)).ToList();
            for (var i = 0; i < 2; i++) Launch("worker");
        }

        static int Compress(string x)
        {
            using var process = Process.Start("gzip", x)!;
            process.WaitForExit();
            return process.ExitCode;
        }

        static Process Start(string x) => Process.Start("gzip", x)!;
        static void Launch(string x) => Process.Start("worker", x);
        """);

    [Fact]
    public Task Helpers_that_start_no_process_where_they_run_are_not_findings() => Verify("""
        IStarter starter = new Gzip();
        void Run()
        {
            Parallel.ForEach(inputs, x => starter.Apply(x));
            Parallel.ForEach(inputs, x => Recover(x));
            Parallel.ForEach(inputs, x => Ping(x, 2));
            Parallel.ForEach(inputs, x => Later(x));
            Parallel.ForEach(inputs, x => Gated(x));
        }

        static void Recover(string x)
        {
            try { _ = x.Length; }
            catch (InvalidOperationException) { Process.Start("report", x); }
        }

        static void Ping(string x, int n) { if (n > 0) Pong(x, n - 1); }
        static void Pong(string x, int n) => Ping(x, n);
        static void Later(string x) => _ = new Func<Process?>(() => Process.Start("gzip", x));
        void Gated(string x) { gate.Wait(); try { Compress(x); } finally { gate.Release(); } }
        static void Compress(string x) => Process.Start("gzip", x)!.WaitForExit();
        }

        interface IStarter { void Apply(string x); }
        sealed class Gzip : IStarter { public void Apply(string x) => Process.Start("gzip", x)!.WaitForExit(); }
        sealed class Copy : IStarter { public void Apply(string x) { }
        """);

    [Fact]
    public Task Half_typed_code_does_not_crash() => VerifyPL3001.Analyzer(
        Code("""
            void Run()
            {
                Parallel.ForEach(inputs, x => {|CS0120:Process.Start|}());
                var p = new Process();
                foreach (var x in {|CS0103:missing|}) p.{|PL3001:Start|}();
                foreach (var x in inputs) Process.Start(x, {|CS1503:5|});
            }
            """),
        withRuntime: true,
        editorConfig: null);
}
