using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace ParallelLint.Package.Tests;

/// <summary>
/// The package as a user meets it: packed from this repository, added to a fresh console project from a local feed,
/// built (the warning), fixed with <c>dotnet format</c>, rebuilt clean, and run (the runtime works).
/// </summary>
[Collection(PackedPackage.Collection)]
public sealed class PackageTests
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly PackedPackage package;

    public PackageTests(PackedPackage package) => this.package = package;

    [Fact]
    public void Package_has_the_analyzers_the_runtime_for_both_targets_and_its_metadata()
    {
        using var archive = ZipFile.OpenRead(package.Path);
        var entries = archive.Entries.Select(entry => entry.FullName).ToHashSet();
        foreach (var expected in new[]
        {
            "analyzers/dotnet/cs/ParallelLint.Analyzers.dll",
            "analyzers/dotnet/cs/ParallelLint.CodeFixes.dll",
            "lib/netstandard2.0/ParallelLint.Runtime.dll",
            "lib/net8.0/ParallelLint.Runtime.dll",
            "README.md",
            "LICENSE",
        })
        {
            Assert.Contains(expected, entries);
        }

        using var nuspec = new StreamReader(archive.GetEntry("ParallelLint.nuspec")!.Open());
        var text = nuspec.ReadToEnd();
        Assert.DoesNotContain("developmentDependency", text);
        Assert.Contains("<readme>README.md</readme>", text);
        Assert.Contains("<license type=\"expression\">MIT</license>", text);
        Assert.Contains("<repository type=\"git\"", text);
        Assert.Contains("<tags>", text);
    }

    [Fact]
    public Task A_consumer_gets_the_warning_the_fix_a_clean_build_and_a_working_runtime() => WarningFixRebuildRun(
        "NestedLoops",
        """
        using ParallelLint.Runtime;

        var sums = new long[8];
        Parallel.For(0, sums.Length, i =>
        {
            Parallel.For(0, 1000, j => Interlocked.Add(ref sums[i], j));
        });
        Console.WriteLine($"cores={Cores.Available} sum={sums.Sum()}");
        """,
        "PL1001",
        "for (int j = 0; j < 1000; j++)",
        @"cores=[1-9]\d* sum=3996000");

    [Fact]
    public Task An_unbounded_blocking_loop_is_bounded_by_the_fix() => WarningFixRebuildRun(
        "BlockingLoop",
        """
        var total = 0;
        Parallel.ForEach(Enumerable.Range(1, 8), item =>
        {
            Thread.Sleep(10);
            Interlocked.Add(ref total, item);
        });
        Console.WriteLine($"total={total}");
        """,
        "PL2002",
        "MaxDegreeOfParallelism = Cores.Available",
        "total=36");

    /// <summary>
    /// A fresh console project on the packed package: <c>dotnet build</c> reports <paramref name="rule"/>,
    /// <c>dotnet format analyzers</c> fixes it, the rebuild is clean and the program prints <paramref name="output"/>.
    /// </summary>
    private async Task WarningFixRebuildRun(string name, string source, string rule, string fixedFragment, string output)
    {
        var project = package.Consumer(name, source);
        var program = Path.Combine(project, "Program.cs");

        var build = await DotNet.Run(project, Timeout, "build", "--no-incremental");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains("warning " + rule, build.Output);

        var format = await DotNet.Run(project, Timeout, "format", "analyzers", "--diagnostics", rule, "--severity", "warn");
        Assert.True(format.ExitCode == 0, format.Output);
        var fixedSource = File.ReadAllText(program);
        Assert.Contains(fixedFragment, fixedSource);

        var rebuild = await DotNet.Run(project, Timeout, "build", "--no-incremental");
        Assert.True(rebuild.ExitCode == 0, rebuild.Output);
        Assert.DoesNotContain(rule, rebuild.Output);

        var run = await DotNet.Run(project, Timeout, "run", "--no-build");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Matches(output, run.Output);
    }

    /// <summary>
    /// Packs the repository once for every test class of <see cref="Collection"/> into a private feed, with a private
    /// package cache: a pack costs minutes on a small machine.
    /// </summary>
    public sealed class PackedPackage : IAsyncLifetime
    {
        public const string Collection = "Packed package";

        public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("parallellint-package-").FullName;

        public string Feed => System.IO.Path.Combine(WorkDirectory, "feed");

        public string Path { get; private set; } = "";

        public string Version { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var root = DotNet.RepositoryRoot();
            var pack = await DotNet.Run(root, Timeout, "pack", "src/ParallelLint.Package", "-c", "Release", "-o", Feed);
            Assert.True(pack.ExitCode == 0, pack.Output);
            Path = Directory.GetFiles(Feed, "ParallelLint.*.nupkg").Single();
            Version = System.IO.Path.GetFileNameWithoutExtension(Path)["ParallelLint.".Length..];
        }

        /// <summary>
        /// A fresh console project <paramref name="name"/> with <paramref name="source"/> as its Program.cs, on the packed
        /// package from the private feed; <paramref name="properties"/> (MSBuild XML) join its property group.
        /// Returns the project's directory.
        /// </summary>
        public string Consumer(string name, string source, string properties = "")
        {
            var project = System.IO.Path.Combine(WorkDirectory, name);
            Directory.CreateDirectory(project);
            File.WriteAllText(System.IO.Path.Combine(project, name + ".csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <RestorePackagesPath>{System.IO.Path.Combine(WorkDirectory, "packages")}</RestorePackagesPath>
                    {properties}
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="ParallelLint" Version="{Version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(System.IO.Path.Combine(project, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="local" value="{Feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(System.IO.Path.Combine(project, "Program.cs"), source);
            return project;
        }

        public Task DisposeAsync()
        {
            Directory.Delete(WorkDirectory, recursive: true);
            return Task.CompletedTask;
        }
    }
}
