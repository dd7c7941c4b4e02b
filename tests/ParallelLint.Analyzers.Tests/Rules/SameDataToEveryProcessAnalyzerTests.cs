using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using ParallelLint.Analyzers.Tests.Verifiers;
using VerifyPL3003 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.SameDataToEveryProcessAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class SameDataToEveryProcessAnalyzerTests
{
    private static Task Verify(string members, bool withRuntime = true) => VerifyPL3003.Analyzer(Code(members, withRuntime), withRuntime);

    [Fact]
    public Task The_message_names_the_channel_and_the_data_as_written() => VerifyPL3003.Analyzer(
        Code("""
            void Run(Settings settings, int[] seeds)
            {
                var settingsJson = JsonSerializer.Serialize(settings);
                {|#1:foreach (var seed in seeds)
                {
                    using var p = Process.Start("fit", $"--seed {seed} --settings {{|#0:settingsJson|}}");
                    p.WaitForExit();
                }|}
            }
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL3003.Diagnostic("PL3003").WithLocation(0).WithLocation(1).WithArguments("command line", "settingsJson"));

    [Fact]
    public Task Inline_serializer_calls_are_named_as_written() => VerifyPL3003.Analyzer(
        Code("""
            void Run(Settings settings, int n)
            {
                for (var i = 0; i < n; i++)
                {
                    Process.Start("fit", "--settings " + {|#0:JsonSerializer.Serialize(settings)|} + " --rep " + i)!.WaitForExit();
                }
            }
            """),
        withRuntime: true,
        editorConfig: null,
        VerifyPL3003.Diagnostic("PL3003").WithLocation(0).WithArguments("command line", "JsonSerializer.Serialize(settings)")
            .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));

    [Fact]
    public Task The_command_line_in_every_per_item_body_kind() => Verify("""
        void Foreach(Settings settings, string[] files)
        {
            var json = JsonSerializer.Serialize(settings);
            foreach (var file in files)
            {
                Process.Start("fit", $"{file} {{|PL3003:json|}}")!.WaitForExit();
            }
        }

        void For(double[] data, int n)
        {
            for (var i = 0; i < n; i++)
            {
                var psi = new ProcessStartInfo("fit", {|PL3003:string.Join(",", data)|});
                Process.Start(psi)!.WaitForExit();
            }
        }

        Process[] Select(Settings settings, int[] seeds)
        {
            var json = JsonSerializer.Serialize(settings);
            return seeds.Select(seed => Process.Start(new ProcessStartInfo("fit") { Arguments = $"--seed {seed} --data {{|PL3003:json|}}" })!).ToArray();
        }

        void ParallelForEach(Settings settings, int[] seeds)
        {
            Parallel.ForEach(seeds, seed =>
            {
                var psi = new ProcessStartInfo("fit") { ArgumentList = { "--seed", seed.ToString(), "--data", {|PL3003:JsonSerializer.Serialize(settings)|} } };
                using var p = Process.Start(psi)!;
                p.WaitForExit();
            });
        }

        void While(Settings settings, Queue<int> seeds)
        {
            var json = JsonSerializer.Serialize(settings);
            while (seeds.Count > 0)
            {
                var seed = seeds.Dequeue();
                Process.Start("fit", $"--seed {seed} --data {{|PL3003:json|}}")!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task Every_command_line_form() => Verify("""
        void Run(Settings settings, int[] seeds)
        {
            var json = JsonSerializer.Serialize(settings);
            foreach (var seed in seeds)
            {
                Process.Start("fit", new[] { "--data", {|PL3003:json|} })!.WaitForExit();
                Process.Start("fit", ["--data", {|PL3003:JsonSerializer.Serialize(settings)|}])!.WaitForExit();
                Process.Start("fit", new List<string> { "--seed", seed.ToString(), {|PL3003:Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(settings))|} })!.WaitForExit();

                var psi = new ProcessStartInfo("fit");
                psi.Arguments = "--data " + {|PL3003:json|};
                Process.Start(psi)!.WaitForExit();

                var list = new ProcessStartInfo("fit");
                list.ArgumentList.Add("--data");
                list.ArgumentList.Add({|PL3003:json|});
                Process.Start(list)!.WaitForExit();

                using var created = new Process { StartInfo = new ProcessStartInfo("fit", $"--data {{|PL3003:json|}}") };
                created.Start();
                created.WaitForExit();

                using var later = new Process();
                later.StartInfo.FileName = "fit";
                later.StartInfo.Arguments = {|PL3003:json|};
                later.Start();
                later.WaitForExit();

                var composed = $"--seed {seed} --data {{|PL3003:json|}}";
                Process.Start("fit", composed)!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task The_environment() => Verify("""
        void Run(Settings settings, string[] files)
        {
            var json = JsonSerializer.Serialize(settings);
            var table = File.ReadAllText("table.csv");
            foreach (var file in files)
            {
                var psi = new ProcessStartInfo("fit", file);
                psi.Environment["FIT_SETTINGS"] = {|PL3003:json|};
                psi.EnvironmentVariables["FIT_TABLE"] = {|PL3003:table|};
                psi.Environment.Add("FIT_AGAIN", {|PL3003:JsonSerializer.Serialize(settings)|});
                Process.Start(psi)!.WaitForExit();

                var initialized = new ProcessStartInfo("fit", file) { Environment = { ["FIT_SETTINGS"] = {|PL3003:json|} } };
                Process.Start(initialized)!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task Standard_input_of_the_started_process() => Verify("""
        async Task Run(Settings settings, string[] files)
        {
            var json = JsonSerializer.Serialize(settings);
            foreach (var file in files)
            {
                using var p = Process.Start(new ProcessStartInfo("fit", file) { RedirectStandardInput = true })!;
                p.StandardInput.Write({|PL3003:json|});
                await p.StandardInput.WriteLineAsync({|PL3003:string.Join("\n", settings.Values)|});
                p.StandardInput.Close();
                await p.WaitForExitAsync();
            }
        }
        """);

    [Fact]
    public Task Whole_files_Base64_and_joins_over_computed_data() => Verify("""
        void Run(string[] files, double[] weights)
        {
            var lines = File.ReadLines("design.csv").ToArray();
            var design = string.Join("\n", lines);
            var bytes = Convert.ToBase64String(File.ReadAllBytes("model.bin"));
            foreach (var file in files)
            {
                Process.Start("fit", $"{file} {{|PL3003:design|}} {bytes}")!.WaitForExit();
                Process.Start("fit", $"{file} {{|PL3003:bytes|}}")!.WaitForExit();
                Process.Start("fit", $"{file} {{|PL3003:string.Join(",", weights.Select(w => w.ToString("R")))|}}")!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task A_start_info_shared_by_two_starts_is_reported_once() => Verify("""
        void Run(Settings settings, int n)
        {
            var psi = new ProcessStartInfo("fit", {|PL3003:JsonSerializer.Serialize(settings)|});
            for (var i = 0; i < n; i++)
            {
                Process.Start(psi)!.WaitForExit();
                Process.Start(psi)!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task Data_that_depends_on_the_item_is_not_a_finding() => Verify("""
        void Run(Settings[] items, Settings settings, int n)
        {
            for (var i = 0; i < n; i++)
            {
                Process.Start("fit", JsonSerializer.Serialize(items[i]))!.WaitForExit();
            }

            foreach (var item in items)
            {
                Process.Start("fit", JsonSerializer.Serialize(item))!.WaitForExit();
                var local = new Settings { Name = item.Name };
                Process.Start("fit", JsonSerializer.Serialize(local))!.WaitForExit();
                Process.Start("fit", JsonSerializer.Serialize(new { settings, item.Name }))!.WaitForExit();
                Process.Start("fit", JsonSerializer.Serialize(new { settings, at = DateTime.Now }))!.WaitForExit();
            }

            Parallel.For(0, n, i => Process.Start("fit", JsonSerializer.Serialize(items[i]))!.WaitForExit());

            // A file read in the body may be rewritten per item, here by the body itself.
            foreach (var item in items)
            {
                File.WriteAllText("input.json", JsonSerializer.Serialize(item));
                Process.Start("fit", File.ReadAllText("input.json"))!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task Options_flags_and_paths_are_not_findings() => Verify("""
        const string Mode = "--fast";

        void Run(string[] files, string[] flags, string data)
        {
            var staged = ParallelLint.Runtime.Jobs.JobExecutor.Shared.Stage("data.json", data);
            var temp = Path.GetTempFileName();
            File.WriteAllText(temp, data);
            var common = string.Join(" ", flags);
            var fixedFlags = string.Join(" ", new[] { "--quiet", "--no-color" });
            var constant = JsonSerializer.Serialize(42);
            foreach (var file in files)
            {
                Process.Start("fit", $"--verbose {Mode} {file} {common} {fixedFlags}")!.WaitForExit();
                Process.Start("fit", $"--data {staged} --also {temp} {constant}")!.WaitForExit();
                Process.Start("fit", $"{data} {string.Join(" ", flags)}")!.WaitForExit();
                var psi = new ProcessStartInfo("fit", file);
                psi.Environment["DATA_PATH"] = staged;
                Process.Start(psi)!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task A_process_started_once_is_not_a_finding() => Verify("""
        void Run(Settings settings, string[] files)
        {
            var json = JsonSerializer.Serialize(settings);
            using var p = Process.Start("fit", $"--data {json}")!;
            p.WaitForExit();
            Task.Run(() => Process.Start("fit", JsonSerializer.Serialize(settings))!.WaitForExit()).Wait();
        }
        """);

    [Fact]
    public Task Reassigned_locals_and_data_mutated_in_the_body_are_not_findings() => Verify("""
        void Run(List<double> data, Settings settings, int n)
        {
            var json = JsonSerializer.Serialize(settings);
            for (var i = 0; i < n; i++)
            {
                json = JsonSerializer.Serialize(new { settings, i });
                Process.Start("fit", json)!.WaitForExit();
            }

            var once = JsonSerializer.Serialize(settings);
            once = once.Trim();
            foreach (var x in data.ToArray())
            {
                Process.Start("fit", once)!.WaitForExit();
            }

            for (var i = 0; i < n; i++)
            {
                data.Add(i);
                Process.Start("fit", JsonSerializer.Serialize(data))!.WaitForExit();
            }

            for (var i = 0; i < n; i++)
            {
                settings.Name = i.ToString();
                Process.Start("fit", JsonSerializer.Serialize(settings))!.WaitForExit();
            }

            var array = data.ToArray();
            for (var i = 0; i < n; i++)
            {
                array[0] = i;
                Process.Start("fit", string.Join(",", array))!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task A_process_started_in_a_local_function_called_only_per_item_is_per_item() => Verify("""
        void Run(Settings settings, int[] seeds)
        {
            var json = JsonSerializer.Serialize(settings);
            foreach (var seed in seeds)
            {
                Fit(seed);
            }

            void Fit(int seed) => Process.Start("fit", $"--seed {seed} --data {{|PL3003:json|}}")!.WaitForExit();
        }

        void Once(Settings settings, int[] seeds)
        {
            var json = JsonSerializer.Serialize(settings);
            Fit(0);
            foreach (var seed in seeds)
            {
                Fit(seed);
            }

            void Fit(int seed) => Process.Start("fit", $"--seed {seed} --data {json}")!.WaitForExit();
        }
        """);

    [Fact]
    public Task Data_a_call_in_the_body_changes_is_not_the_same_for_every_child() => Verify("""
        void Run(HashSet<int> ids, Counter counter, List<Job> jobs, int n)
        {
            for (var i = 0; i < n; i++)
            {
                ids.UnionWith(new[] { i });
                Process.Start("fit", string.Join(",", ids))!.WaitForExit();
            }

            for (var i = 0; i < n; i++)
            {
                counter.Bump();
                Process.Start("fit", JsonSerializer.Serialize(counter))!.WaitForExit();
            }

            foreach (var job in jobs)
            {
                job.Done = true;
                Process.Start("fit", JsonSerializer.Serialize(jobs))!.WaitForExit();
            }
        }
        class Counter { public int Count { get; private set; } public void Bump() => Count++; }
        class Job { public bool Done { get; set; } }
        """);

    [Fact]
    public Task Ordinary_loops_over_messages_and_in_helpers() => Verify("""
        void Receive(Queue<string> inbox, Settings settings)
        {
            string? message;
            while ((message = inbox.Count > 0 ? inbox.Dequeue() : null) != null)
            {
                Process.Start("fit", $"{message} {{|PL3003:JsonSerializer.Serialize(settings)|}}")!.WaitForExit();
            }
        }

        static void RunAll(IEnumerable<string> cases, Settings settings)
        {
            foreach (var name in cases)
            {
                Process.Start("fit", new[] { name, {|PL3003:JsonSerializer.Serialize(settings)|} })!.WaitForExit();
            }
        }

        void Sequential(Settings settings, int n)
        {
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i =>
                Process.Start("fit", $"{i} {{|PL3003:JsonSerializer.Serialize(settings)|}}")!.WaitForExit());
        }
        """);

    [Fact]
    public Task Every_serializer_of_the_catalogue_and_a_types_own_serializer() => VerifyPL3003.Analyzer(Code("""
        void Run(Settings settings, Model model, int n)
        {
            for (var i = 0; i < n; i++)
            {
                Process.Start("fit", $"{i} {{|PL3003:Newtonsoft.Json.JsonConvert.SerializeObject(settings)|}}")!.WaitForExit();
                Process.Start("fit", $"{i} {{|PL3003:Convert.ToBase64String(MessagePack.MessagePackSerializer.Serialize(settings))|}}")!.WaitForExit();
                Process.Start("fit", $"{i} {{|PL3003:model.ToJson()|}}")!.WaitForExit();
                Process.Start("fit", $"{i} {{|PL3003:ModelWriter.Serialize(model)|}}")!.WaitForExit();
                using var p = Process.Start(new ProcessStartInfo("fit", i.ToString()) { RedirectStandardInput = true })!;
                {|PL3003:ProtoBuf.Serializer.Serialize(p.StandardInput.BaseStream, model)|};
                p.WaitForExit();
            }
        }
        """) + LoopInvariantCopyAnalyzerTests.SerializerStubs);

    [Fact]
    public Task Projects_without_the_runtime_are_analyzed_too() => Verify(
        """
        void Run(Settings settings, int[] seeds)
        {
            var json = JsonSerializer.Serialize(settings);
            foreach (var seed in seeds)
            {
                Process.Start("fit", $"--seed {seed} --data {{|PL3003:json|}}")!.WaitForExit();
            }
        }
        """,
        withRuntime: false);

    [Fact]
    public async Task Every_prefix_of_a_process_loop_analyzes_without_an_analyzer_exception()
    {
        var source = Code("""
            async Task Run(Settings settings, int[] seeds)
            {
                var json = JsonSerializer.Serialize(settings);
                var psi = new ProcessStartInfo("fit") { ArgumentList = { "--data", json }, Environment = { ["K"] = json } };
                foreach (var seed in seeds)
                {
                    psi.Environment["S"] = string.Join(",", seeds.Select(s => s * 2));
                    using var p = new Process { StartInfo = psi };
                    p.StartInfo.Arguments = $"--seed {seed} " + json;
                    p.Start();
                    await p.StandardInput.WriteAsync(File.ReadAllText("x"));
                    await p.StandardInput.WriteAsync(Convert.ToBase64String(File.ReadAllBytes("y")));
                    Process.Start("fit", ["--data", json])!.WaitForExit();
                }
            }
            """);
        var exceptions = new ConcurrentBag<Exception>();
        var variants = Enumerable.Range(1, source.Length / 5).Select(i => source[..(i * 5)])
            .Concat(CSharpSyntaxTree.ParseText(source).GetRoot().DescendantTokens().Select(t => source.Remove(t.SpanStart, t.Span.Length)));
        foreach (var variant in variants)
        {
            var diagnostics = await Analyze(variant, exceptions);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        }

        Assert.Empty(exceptions);
        // Not the files read in the body: they may change between items.
        Assert.Equal(5, (await Analyze(source, exceptions)).Count(d => d.Id == RuleIds.SameDataToEveryProcess));
    }

    private static async Task<ImmutableArray<Diagnostic>> Analyze(string source, ConcurrentBag<Exception> exceptions)
    {
        var compilation = TestReferences.Compile("HalfTyped", new[] { CSharpSyntaxTree.ParseText(source) });
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        return await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SameDataToEveryProcessAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>The members in a class, with the usings a process-starting file has (the runtime's only when referenced).</summary>
    internal static string Code(string members, bool withRuntime = true) =>
        (withRuntime ? TestSources.Usings : TestSources.Usings.Replace("using ParallelLint.Runtime;\n", "")) + $$"""
        using System.Diagnostics;
        using System.IO;
        using System.Text.Json;

        class Settings
        {
            public string Name { get; set; } = "";
            public double[] Values { get; set; } = Array.Empty<double>();
        }

        partial class C
        {
            {{members.Replace("\n", "\n    ").Replace("\n    \n", "\n\n")}}
        }
        """;
}
