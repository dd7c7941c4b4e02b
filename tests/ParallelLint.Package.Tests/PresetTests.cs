using System.Text.Json;

namespace ParallelLint.Package.Tests;

/// <summary>
/// <c>ParallelLintMode</c> as a user sets it, in consumers of the packed package: the severities each preset gives,
/// read from the compiler's own SARIF log (which, unlike the build output, also lists suggestions), a user's
/// <c>.editorconfig</c> and <c>.globalconfig</c> over the preset, and a misspelt mode.
/// </summary>
[Collection(PackedPackage.Collection)]
public sealed class PresetTests
{
    // PL1001 (a warning by default) on the nested loop, PL2005 (a suggestion by default) on the last one.
    private const string Source = """
        var sums = new long[8];
        Parallel.For(0, sums.Length, i =>
        {
            Parallel.For(0, 1000, j => Interlocked.Add(ref sums[i], j));
        });

        var x = new double[1000];
        var y = new double[1000];
        Parallel.For(0, x.Length, i => y[i] = 2 * x[i]);
        Console.WriteLine(sums.Sum() + y.Sum());
        """;

    private const string SarifLog = "<ErrorLog>$(MSBuildProjectDirectory)/build.sarif,version=2.1</ErrorLog>";

    private readonly PackedPackage package;

    public PresetTests(PackedPackage package) => this.package = package;

    [Fact]
    public async Task Recommended_is_the_default_none_turns_every_rule_off_and_a_mode_change_recompiles()
    {
        var project = package.Consumer("Recommended", Source, SarifLog);

        var recommended = await Build(project);
        Assert.True(recommended.ExitCode == 0, recommended.Output);
        Assert.Contains("warning PL1001", recommended.Output);
        Assert.Equal(Levels(("PL1001", "warning"), ("PL2005", "note")), Reported(project));

        // NuGet imports buildTransitive/ over build/ for a direct reference too: these builds run the transitive entry.
        var imports = File.ReadAllText(Path.Combine(project, "obj", "Recommended.csproj.nuget.g.props"));
        Assert.Contains("buildTransitive/ParallelLint.props", imports);

        // No file changes between these builds: only the mode does, and the compiler must run again for it.
        var none = await Build(project, "-p:ParallelLintMode=none");
        Assert.True(none.ExitCode == 0, none.Output);
        Assert.DoesNotContain("PL1001", none.Output);
        Assert.Empty(Reported(project));

        // Written out, in any case, as MSBuild compares property values.
        var again = await Build(project, "-p:ParallelLintMode=Recommended");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(Levels(("PL1001", "warning"), ("PL2005", "note")), Reported(project));
    }

    [Fact]
    public async Task Strict_set_in_the_project_file_makes_rules_errors_and_the_users_own_configuration_still_wins()
    {
        var project = package.Consumer("Strict", Source, SarifLog + "<ParallelLintMode>strict</ParallelLintMode>");

        var strict = await Build(project);
        Assert.True(strict.ExitCode != 0, strict.Output);
        Assert.Contains("error PL1001", strict.Output);
        Assert.Contains("warning PL2005", strict.Output);
        Assert.Equal(Levels(("PL1001", "error"), ("PL2005", "warning")), Reported(project));

        File.WriteAllText(Path.Combine(project, ".editorconfig"), """
            root = true

            [*.cs]
            dotnet_diagnostic.PL1001.severity = warning
            """);
        var overridden = await Build(project);
        Assert.True(overridden.ExitCode == 0, overridden.Output);
        Assert.DoesNotContain("error PL1001", overridden.Output);
        Assert.Equal(Levels(("PL1001", "warning"), ("PL2005", "warning")), Reported(project));

        // A user's global config (level 100 for a file named .globalconfig) sits above the preset's -50.
        File.WriteAllText(Path.Combine(project, ".globalconfig"), """
            is_global = true
            dotnet_diagnostic.PL2005.severity = suggestion
            """);
        var global = await Build(project);
        Assert.True(global.ExitCode == 0, global.Output);
        Assert.Equal(Levels(("PL1001", "warning"), ("PL2005", "note")), Reported(project));
    }

    [Fact]
    public async Task The_preset_applies_in_a_project_that_turns_off_global_config_discovery()
    {
        var project = package.Consumer("NoDiscovery", Source, SarifLog + "<DiscoverGlobalAnalyzerConfigFiles>false</DiscoverGlobalAnalyzerConfigFiles>");

        var strict = await Build(project, "-p:ParallelLintMode=strict");
        Assert.True(strict.ExitCode != 0, strict.Output);
        Assert.Equal(Levels(("PL1001", "error"), ("PL2005", "warning")), Reported(project));

        var none = await Build(project, "-p:ParallelLintMode=none");
        Assert.True(none.ExitCode == 0, none.Output);
        Assert.Empty(Reported(project));
    }

    [Fact]
    public async Task A_misspelt_mode_fails_the_build_naming_the_presets()
    {
        var project = package.Consumer("Misspelt", Source);

        var build = await Build(project, "-p:ParallelLintMode=stirct");
        Assert.True(build.ExitCode != 0, build.Output);
        Assert.Contains(
            "error PL0001: ParallelLintMode 'stirct' is not a ParallelLint preset: use recommended (the default), strict or none.",
            build.Output);
    }

    private static Task<(int ExitCode, string Output)> Build(string project, params string[] arguments) =>
        DotNet.Run(project, DotNet.CommandTimeout, new[] { "build" }.Concat(arguments).ToArray());

    private static SortedDictionary<string, string> Levels(params (string Rule, string Level)[] levels) =>
        new(levels.ToDictionary(entry => entry.Rule, entry => entry.Level));

    /// <summary>Each ParallelLint rule the last compilation reported, with its level, from the SARIF log.</summary>
    private static SortedDictionary<string, string> Reported(string project)
    {
        using var log = JsonDocument.Parse(File.ReadAllText(Path.Combine(project, "build.sarif")));
        return new(log.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Select(result => (Rule: result.GetProperty("ruleId").GetString()!, Level: result.GetProperty("level").GetString()!))
            .Where(result => result.Rule.StartsWith("PL"))
            .Distinct()
            .ToDictionary(result => result.Rule, result => result.Level));
    }
}
