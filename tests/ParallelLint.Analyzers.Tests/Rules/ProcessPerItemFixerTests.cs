using ParallelLint.CodeFixes;
using VerifyPL3001 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.ProcessPerItemAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class ProcessPerItemFixerTests
{
    private static string Code(string members, bool jobsUsing = false, bool withRuntime = true) =>
        ProcessPerItemAnalyzerTests.Code(members).Replace(
            "using ParallelLint.Runtime;\n",
            !withRuntime ? "" : jobsUsing ? "using ParallelLint.Runtime;\nusing ParallelLint.Runtime.Jobs;\n" : "using ParallelLint.Runtime;\n");

    private static Task Fix(string members, string fixedMembers, bool withRuntime = true) =>
        VerifyPL3001.CodeFix<ProcessPerItemFixer>(
            Code(members, withRuntime: withRuntime), Code(fixedMembers, jobsUsing: withRuntime, withRuntime: withRuntime), ProcessPerItemFixer.Key, withRuntime);

    private static Task NoFix(string members) =>
        VerifyPL3001.CodeFix<ProcessPerItemFixer>(Code(members), Code(members), ProcessPerItemFixer.Key);

    [Fact]
    public Task Start_and_wait_with_exit_code_handling_becomes_ForEachAsync() => Fix(
        """
        void Run(List<string> failed) => Parallel.ForEach(inputs, input =>
        {
            using var process = {|PL3001:Process.Start|}("gzip", new[] { "-k", input })!;
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                lock (failed) failed.Add(input);
            }
        });
        """,
        """
        void Run(List<string> failed) => JobExecutor.Shared.ForEachAsync(inputs, input => new Job("gzip", new[] { "-k", input }), (input, process) =>
        {
            if (process.ExitCode != 0)
            {
                lock (failed) failed.Add(input);
            }
        }).GetAwaiter().GetResult();
        """);

    [Fact]
    public Task A_command_line_string_becomes_its_words_in_an_async_method() => Fix(
        """
        async Task Run(string model)
        {
            await Task.Yield();
            Parallel.For(0, 100, i =>
            {
                {|PL3001:Process.Start|}("nmfe", $"{model}.ctl run{i}.lst -seed={i}")!.WaitForExit();
            });
        }
        """,
        """
        async Task Run(string model)
        {
            await Task.Yield();
            await JobExecutor.Shared.RunAllAsync(Enumerable.Range(0, 100).Select(i => new Job("nmfe", $"{model}.ctl", $"run{i}.lst", $"-seed={i}")));
        }
        """);

    [Fact]
    public Task A_start_info_keeps_its_arguments_directory_and_environment() => Fix(
        """
        void Run() => Parallel.ForEach(inputs, input =>
        {
            var process = {|PL3001:Process.Start|}(new ProcessStartInfo("fit")
            {
                ArgumentList = { "--data", input },
                WorkingDirectory = "/work",
                UseShellExecute = false,
                Environment = { ["OMP_NUM_THREADS"] = "1" },
            })!;
            process.WaitForExit();
            Console.WriteLine($"{input}: {process.ExitCode}");
        });
        """,
        """
        void Run() => JobExecutor.Shared.ForEachAsync(inputs, input => new Job("fit", "--data", input) { WorkingDirectory = "/work", Environment = { ["OMP_NUM_THREADS"] = "1" } }, (input, process) =>
        {
            Console.WriteLine($"{input}: {process.ExitCode}");
        }).GetAwaiter().GetResult();
        """);

    [Fact]
    public Task Start_all_then_wait_all_becomes_one_run() => Fix(
        """
        void Run()
        {
            var processes = inputs.Select(input => {|PL3001:Process.Start|}("gzip", input)!).ToList();
            foreach (var process in processes)
            {
                process.WaitForExit();
                Console.WriteLine(process.ExitCode);
            }

            foreach (var process in processes) process.WaitForExit();
        }
        """,
        """
        void Run()
        {
            var processes = JobExecutor.Shared.RunAllAsync(inputs.Select(input => new Job("gzip", input))).GetAwaiter().GetResult();
            foreach (var process in processes)
            {
                Console.WriteLine(process.ExitCode);
            }
        }
        """);

    [Fact]
    public Task Start_all_without_a_wait_becomes_one_awaited_run_in_an_async_method() => Fix(
        """
        async Task Run(string[] models)
        {
            var fits = models.Select(m => {|PL3001:Process.Start|}("nmfe", m)).ToList();
            Console.WriteLine(fits.Count);
            await Task.Yield();
        }
        """,
        """
        async Task Run(string[] models)
        {
            var fits = await JobExecutor.Shared.RunAllAsync(models.Select(m => new Job("nmfe", m)));
            Console.WriteLine(fits.Count);
            await Task.Yield();
        }
        """);

    [Fact]
    public Task Start_all_without_a_wait_is_waited_for_outside_an_async_method() => Fix(
        """
        void Run()
        {
            var processes = inputs.Select(input => {|PL3001:Process.Start|}("gzip", input)!).ToArray();
        }
        """,
        """
        void Run()
        {
            var processes = JobExecutor.Shared.RunAllAsync(inputs.Select(input => new Job("gzip", input))).GetAwaiter().GetResult();
        }
        """);

    [Theory]
    [InlineData("Console.WriteLine(fits[0].Id);")]                    // compiles on a JobResult, but is not the process id
    [InlineData("foreach (var p in fits) Console.WriteLine(p.ExitCode);")] // read before an exit, an exception
    [InlineData("fits.ForEach(p => p.Kill());")]
    public Task Start_all_without_a_wait_gets_no_fix_where_later_code_asks_a_process(string later) => NoFix($$"""
        void Run()
        {
            var fits = inputs.Select(input => {|PL3001:Process.Start|}("gzip", input)!).ToList();
            {{later}}
        }
        """);

    [Fact]
    public Task Start_all_without_a_wait_gets_no_fix_without_the_runtime()
    {
        var source = Code("""
            void Run()
            {
                var fits = inputs.Select(input => {|PL3001:Process.Start|}("gzip", input)!).ToList();
            }
            """, withRuntime: false);
        return VerifyPL3001.CodeFix<ProcessPerItemFixer>(source, source, ProcessPerItemFixer.Key, withRuntime: false);
    }

    [Fact]
    public Task Without_the_runtime_the_parallel_loop_gets_one_process_per_core() => VerifyPL3001.CodeFix<ProcessPerItemFixer>(
        Code("""void Run() => Parallel.ForEach(inputs, input => {|PL3001:Process.Start|}("gzip", input)!.WaitForExit());""", withRuntime: false),
        Code("""void Run() => Parallel.ForEach(inputs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, input => Process.Start("gzip", input)!.WaitForExit());""", withRuntime: false),
        ProcessPerItemFixer.Key,
        withRuntime: false,
        remaining: new[] { VerifyPL3001.Diagnostic("PL3001").WithSpan(13, 126, 13, 139).WithArguments("Process.Start", "inside the parallel body of Parallel.ForEach: a thread waits on each process, and the parent pays for every start one after another") });

    [Fact]
    public Task Fix_all_fixes_every_loop() => VerifyPL3001.CodeFix<ProcessPerItemFixer>(
        Code("""
                void Run()
                {
                    Parallel.ForEach(inputs, input => {|PL3001:Process.Start|}("gzip", input)!.WaitForExit());
                    Parallel.ForEach(inputs, input => {|PL3001:Process.Start|}("xz", input)!.WaitForExit());
                }
            """),
        Code("""
                void Run()
                {
                    JobExecutor.Shared.RunAllAsync(inputs.Select(input => new Job("gzip", input))).GetAwaiter().GetResult();
                    JobExecutor.Shared.RunAllAsync(inputs.Select(input => new Job("xz", input))).GetAwaiter().GetResult();
                }
            """, jobsUsing: true),
        ProcessPerItemFixer.Key);

    [Theory]
    [InlineData("Process.Start(\"sh\", $\"-c \\\"{input}\\\"\")!.WaitForExit()")]
    [InlineData("Process.Start(\"tool\", \"-k \" + input)!.WaitForExit()")]
    [InlineData("Process.Start(new ProcessStartInfo(\"tool\", input) { RedirectStandardOutput = true })!.WaitForExit()")]
    public Task Commands_that_do_not_translate_exactly_get_no_fix(string start) => NoFix($$"""
        string arguments = "";
        void Run() => Parallel.ForEach(inputs, input => {|PL3001:{{start.Substring(0, start.IndexOf('('))}}|}{{start.Substring(start.IndexOf('('))}});
        """);

    [Fact]
    public Task Reading_the_output_gets_no_fix() => NoFix("""
        void Run() => Parallel.ForEach(inputs, input =>
        {
            using var process = {|PL3001:Process.Start|}(new ProcessStartInfo("tool", input))!;
            process.WaitForExit();
            Console.WriteLine(process.StandardOutput.ReadToEnd());
        });
        """);

    [Fact]
    public Task Reading_the_output_gets_no_fix_while_the_start_is_half_typed() => NoFix("""
        // The fix would drop the start's syntax error and bring one of its own (a job result has no StandardOutput): no fewer errors, but new ones.
        void Run() => Parallel.ForEach(inputs, input =>
        {
            using var process = {|PL3001:Process.Start|}(new ProcessStartInfo("tool" {|CS1003:input|}))!;
            process.WaitForExit();
            Console.WriteLine(process.StandardOutput.ReadToEnd());
        });
        """);
}
