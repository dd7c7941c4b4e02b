using ParallelLint.CodeFixes;
using VerifyPL3003 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.SameDataToEveryProcessAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class SameDataToEveryProcessFixerTests
{
    private const string RuntimeJobs = "using ParallelLint.Runtime.Jobs;\n";

    private static Task Fix(string before, string after, bool withRuntime = true, string addedUsings = RuntimeJobs) =>
        VerifyPL3003.CodeFix<SameDataToEveryProcessFixer>(
            Code(before, withRuntime), Code(after, withRuntime, withRuntime ? addedUsings : ""), SameDataToEveryProcessFixer.EquivalenceKey, withRuntime: withRuntime);

    [Fact]
    public Task A_hoisted_local_is_staged_once_with_the_runtime() => Fix(
        """
        void Run(Settings settings, int[] seeds)
        {
            var settingsJson = JsonSerializer.Serialize(settings);
            // One fit per seed.
            foreach (var seed in seeds)
            {
                Process.Start("fit", $"--seed {seed} --settings {{|PL3003:settingsJson|}}")!.WaitForExit();
            }
        }
        """,
        """
        void Run(Settings settings, int[] seeds)
        {
            var settingsJson = JsonSerializer.Serialize(settings);
            // One fit per seed.
            var settingsJsonPath = JobExecutor.Shared.Stage("settings.json", settingsJson);
            foreach (var seed in seeds)
            {
                Process.Start("fit", $"--seed {seed} --settings-file {settingsJsonPath}")!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task Without_the_runtime_the_data_goes_to_a_temporary_file() => Fix(
        """
        void Run(Settings settings, int[] seeds)
        {
            Parallel.ForEach(seeds, seed =>
            {
                var psi = new ProcessStartInfo("fit", seed.ToString());
                psi.Environment["FIT_SETTINGS"] = {|PL3003:JsonSerializer.Serialize(settings)|};
                Process.Start(psi)!.WaitForExit();
            });
        }
        """,
        """
        void Run(Settings settings, int[] seeds)
        {
            var settingsPath = Path.GetTempFileName();
            File.WriteAllText(settingsPath, JsonSerializer.Serialize(settings));
            Parallel.ForEach(seeds, seed =>
            {
                var psi = new ProcessStartInfo("fit", seed.ToString());
                psi.Environment["FIT_SETTINGS_FILE"] = settingsPath;
                Process.Start(psi)!.WaitForExit();
            });
        }
        """,
        withRuntime: false);

    [Fact]
    public Task Per_item_lambdas_stage_before_their_statement() => Fix(
        """
        Process[] Run(double[] data, int[] seeds)
        {
            return seeds.Select(seed => Process.Start("fit", new[] { seed.ToString(), {|PL3003:string.Join(",", data)|} })!).ToArray();
        }
        """,
        """
        Process[] Run(double[] data, int[] seeds)
        {
            var dataPath = JobExecutor.Shared.Stage("data.txt", string.Join(",", data));
            // PL3003: now the path of a file holding the data
            return seeds.Select(seed => Process.Start("fit", new[] { seed.ToString(), dataPath })!).ToArray();
        }
        """);

    [Fact]
    public Task Fix_all_covers_two_channels_and_two_loops() => Fix(
        """
        void Run(Settings settings, string[] files, double[] weights)
        {
            var settingsJson = JsonSerializer.Serialize(settings);
            foreach (var file in files)
            {
                var psi = new ProcessStartInfo("fit", $"{file} {{|PL3003:settingsJson|}}");
                psi.Environment["FIT_SETTINGS"] = {|PL3003:settingsJson|};
                Process.Start(psi)!.WaitForExit();
            }

            for (var i = 0; i < 3; i++)
            {
                Process.Start("fit", "--weights " + {|PL3003:string.Join(",", weights)|})!.WaitForExit();
            }
        }
        """,
        """
        void Run(Settings settings, string[] files, double[] weights)
        {
            var settingsJson = JsonSerializer.Serialize(settings);
            var settingsJsonPath = JobExecutor.Shared.Stage("settings.json", settingsJson);
            foreach (var file in files)
            {
                // PL3003: now the path of a file holding the data
                var psi = new ProcessStartInfo("fit", $"{file} {settingsJsonPath}");
                psi.Environment["FIT_SETTINGS_FILE"] = settingsJsonPath;
                Process.Start(psi)!.WaitForExit();
            }

            var weightsPath = JobExecutor.Shared.Stage("weights.txt", string.Join(",", weights));
            for (var i = 0; i < 3; i++)
            {
                Process.Start("fit", "--weights-file " + weightsPath)!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task Later_loops_reuse_the_path_staged_for_the_same_local() => Fix(
        """
        void Run(Settings settings, int[] seeds)
        {
            var settingsJson = JsonSerializer.Serialize(settings);
            foreach (var seed in seeds)
            {
                var args = $"--seed {seed} --settings {{|PL3003:settingsJson|}}";
                Process.Start("fit", args)!.WaitForExit();
            }

            for (var i = 0; i < seeds.Length; i++)
            {
                Process.Start("check", ["--settings", {|PL3003:settingsJson|}])!.WaitForExit();
            }
        }
        """,
        """
        void Run(Settings settings, int[] seeds)
        {
            var settingsJson = JsonSerializer.Serialize(settings);
            var settingsJsonPath = JobExecutor.Shared.Stage("settings.json", settingsJson);
            foreach (var seed in seeds)
            {
                var args = $"--seed {seed} --settings-file {settingsJsonPath}";
                Process.Start("fit", args)!.WaitForExit();
            }

            for (var i = 0; i < seeds.Length; i++)
            {
                Process.Start("check", ["--settings-file", settingsJsonPath])!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task The_path_gets_a_name_that_is_free_in_the_member() => Fix(
        """
        void Run(Settings settings, int[] seeds)
        {
            var settingsJson = JsonSerializer.Serialize(settings);
            foreach (var seed in seeds)
            {
                Process.Start("fit", {|PL3003:settingsJson|})!.WaitForExit();
            }

            var settingsJsonPath = "unrelated";
            Console.WriteLine(settingsJsonPath);
        }
        """,
        """
        void Run(Settings settings, int[] seeds)
        {
            var settingsJson = JsonSerializer.Serialize(settings);
            var settingsJsonPath2 = JobExecutor.Shared.Stage("settings.json", settingsJson);
            foreach (var seed in seeds)
            {
                // PL3003: now the path of a file holding the data
                Process.Start("fit", settingsJsonPath2)!.WaitForExit();
            }

            var settingsJsonPath = "unrelated";
            Console.WriteLine(settingsJsonPath);
        }
        """);

    [Theory]
    [InlineData("$\"--seed {seed} --data={{|PL3003:dataJson|}}\"", "$\"--seed {seed} --data-file={dataJsonPath}\"")]
    [InlineData("$\"-data \\\"{{|PL3003:dataJson|}}\\\"\"", "$\"-data-file \\\"{dataJsonPath}\\\"\"")]
    [InlineData("@\"--data \" + {|PL3003:dataJson|}", "@\"--data-file \" + dataJsonPath")]
    [InlineData("new[] { \"--seed\", seed.ToString(), \"--data\", {|PL3003:dataJson|} }", "new[] { \"--seed\", seed.ToString(), \"--data-file\", dataJsonPath }")]
    public Task The_flag_before_the_data_is_renamed_for_the_path(string arguments, string fixedArguments) => Fix(
        $$"""
        void Run(Settings settings, int[] seeds)
        {
            var dataJson = JsonSerializer.Serialize(settings);
            foreach (var seed in seeds)
            {
                Process.Start("fit", {{arguments}})!.WaitForExit();
            }
        }
        """,
        $$"""
        void Run(Settings settings, int[] seeds)
        {
            var dataJson = JsonSerializer.Serialize(settings);
            var dataJsonPath = JobExecutor.Shared.Stage("data.json", dataJson);
            foreach (var seed in seeds)
            {
                Process.Start("fit", {{fixedArguments}})!.WaitForExit();
            }
        }
        """);

    [Fact]
    public Task An_argument_list_flag_added_before_the_data_is_renamed_with_the_configured_suffix() => VerifyPL3003.CodeFix<SameDataToEveryProcessFixer>(
        Code("""
            void Run(Settings settings, int[] seeds)
            {
                var dataJson = JsonSerializer.Serialize(settings);
                foreach (var seed in seeds)
                {
                    var psi = new ProcessStartInfo("fit") { ArgumentList = { "--seed", seed.ToString() } };
                    psi.ArgumentList.Add("--options");
                    psi.ArgumentList.Add({|PL3003:dataJson|});
                    Process.Start(psi)!.WaitForExit();
                }
            }
            """),
        Code("""
            void Run(Settings settings, int[] seeds)
            {
                var dataJson = JsonSerializer.Serialize(settings);
                var dataJsonPath = JobExecutor.Shared.Stage("data.json", dataJson);
                foreach (var seed in seeds)
                {
                    var psi = new ProcessStartInfo("fit") { ArgumentList = { "--seed", seed.ToString() } };
                    psi.ArgumentList.Add("--options-path");
                    psi.ArgumentList.Add(dataJsonPath);
                    Process.Start(psi)!.WaitForExit();
                }
            }
            """, addedUsings: RuntimeJobs),
        SameDataToEveryProcessFixer.EquivalenceKey,
        editorConfig: "parallellint.path_flag_suffix = -path");

    [Theory]
    [InlineData("$\"--seed {seed} -d {{|PL3003:dataJson|}}\"")]
    [InlineData("new[] { \"-d\", {|PL3003:dataJson|} }")]
    public Task No_fix_after_a_one_letter_flag(string arguments)
    {
        // `-d-file` is `-d` with the value `-file` to getopt, and `-d` itself expects the data: only the author can name it.
        var source = Code($$"""
            void Run(Settings settings, int[] seeds)
            {
                var dataJson = JsonSerializer.Serialize(settings);
                foreach (var seed in seeds)
                {
                    Process.Start("fit", {{arguments}})!.WaitForExit();
                }
            }
            """);
        return VerifyPL3003.CodeFix<SameDataToEveryProcessFixer>(source, source, SameDataToEveryProcessFixer.EquivalenceKey);
    }

    [Fact]
    public Task No_fix_for_standard_input_or_a_loop_outside_a_block()
    {
        const string Source = """
            async Task Run(Settings settings, string[] files)
            {
                var json = JsonSerializer.Serialize(settings);
                foreach (var file in files)
                {
                    using var p = Process.Start(new ProcessStartInfo("fit", file) { RedirectStandardInput = true })!;
                    await p.StandardInput.WriteAsync({|PL3003:json|});
                    p.StandardInput.Close();
                    await p.WaitForExitAsync();
                }
            }

            void Expression(Settings settings, int[] seeds) =>
                Parallel.ForEach(seeds, seed => Process.Start("fit", {|PL3003:JsonSerializer.Serialize(settings)|})!.WaitForExit());
            """;
        return VerifyPL3003.CodeFix<SameDataToEveryProcessFixer>(Code(Source), Code(Source), SameDataToEveryProcessFixer.EquivalenceKey);
    }

    [Fact]
    public Task No_fix_for_data_that_holds_what_the_parser_skipped()
    {
        // The call lacks its ')': the parser takes the interpolation's '}' into it, and staging the call would take the '}' away.
        const string Source = """
            void Run(string[] files, double[] weights)
            {
                foreach (var file in files)
                {
                    Process.Start("fit", $"{file} {{|PL3003:string.Join(",", weights.Select(w => w.ToString()){|CS1003:{|CS1003:}|}|}|}{|CS1026:|}")!.WaitForExit();
                }
            }
            """;
        return VerifyPL3003.CodeFix<SameDataToEveryProcessFixer>(Code(Source), Code(Source), SameDataToEveryProcessFixer.EquivalenceKey);
    }

    private static string Code(string members, bool withRuntime = true, string addedUsings = "")
    {
        var code = SameDataToEveryProcessAnalyzerTests.Code(members, withRuntime);
        var end = code.IndexOf("using System.Text.Json;\n", System.StringComparison.Ordinal) + "using System.Text.Json;\n".Length;
        return code.Insert(end, addedUsings);
    }
}
