using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ParallelLint.Package.Tests;

/// <summary>
/// What the package holds and declares, and that projects on both kinds of target consume it: a netstandard2.0
/// library (lib/netstandard2.0 and its dependencies, the analyzers in its build) and a net10.0 app that runs it.
/// </summary>
[Collection(PackedPackage.Collection)]
public sealed class PackageLayoutTests
{
    /// <summary>Every file the package ships: the one list to extend when the package grows.</summary>
    private static readonly string[] ShippedFiles =
    {
        "analyzers/dotnet/cs/ParallelLint.Analyzers.dll",
        "analyzers/dotnet/cs/ParallelLint.CodeFixes.dll",
        "lib/netstandard2.0/ParallelLint.Runtime.dll",
        "lib/netstandard2.0/ParallelLint.Runtime.xml",
        "lib/net8.0/ParallelLint.Runtime.dll",
        "lib/net8.0/ParallelLint.Runtime.xml",
        "README.md",
        "LICENSE",
    };

    /// <summary>Written by NuGet into every package.</summary>
    private static readonly string[] PackagingFiles = { "ParallelLint.nuspec", "[Content_Types].xml", "_rels/.rels" };

    private const string PackagingCoreProperties = "package/services/metadata/core-properties/";

    /// <summary>
    /// The package's MSBuild integration (props, targets, configuration presets): files there need not be listed in
    /// <see cref="ShippedFiles"/>, though any that must be there belong in it.
    /// </summary>
    private static readonly string[] MSBuildFolders = { "build/", "buildTransitive/" };

    /// <summary>
    /// What a Roslyn 4.8 host (the .NET 8 SDK, Visual Studio 17.8: the floor the README promises) gives analyzers, at
    /// the versions it carries. An analyzer assembly may reference nothing else: the package ships no dependencies
    /// beside it, and a newer version fails to load there. System.Composition is left out on purpose: see
    /// ParallelLint.CodeFixes.csproj.
    /// </summary>
    private static readonly Dictionary<string, Version> AnalyzerHostAssemblies = new()
    {
        ["netstandard"] = new(2, 0, 0, 0),
        ["Microsoft.CodeAnalysis"] = new(4, 8, 0, 0),
        ["Microsoft.CodeAnalysis.CSharp"] = new(4, 8, 0, 0),
        ["Microsoft.CodeAnalysis.Workspaces"] = new(4, 8, 0, 0),
        ["Microsoft.CodeAnalysis.CSharp.Workspaces"] = new(4, 8, 0, 0),
        ["System.Collections.Immutable"] = new(7, 0, 0, 0),
    };

    private static readonly XNamespace Nuspec = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";

    private readonly PackedPackage package;

    public PackageLayoutTests(PackedPackage package) => this.package = package;

    [Fact]
    public void The_package_holds_the_shipped_files_and_nothing_else()
    {
        using var archive = ZipFile.OpenRead(package.Path);
        var entries = archive.Entries.Select(entry => entry.FullName).ToArray();

        Assert.All(ShippedFiles, file => Assert.Contains(file, entries));
        var unexpected = entries.Where(entry =>
            !ShippedFiles.Contains(entry) &&
            !PackagingFiles.Contains(entry) &&
            !entry.StartsWith(PackagingCoreProperties, StringComparison.Ordinal) &&
            !MSBuildFolders.Any(folder => entry.StartsWith(folder, StringComparison.Ordinal)));
        Assert.Empty(unexpected);
    }

    [Fact]
    public void The_metadata_names_the_readme_and_license_and_is_no_development_dependency()
    {
        var metadata = PackedNuspec().Root!.Element(Nuspec + "metadata")!;

        // A development dependency would keep lib/ (ParallelLint.Runtime) out of the consumer's compilation.
        Assert.Null(metadata.Element(Nuspec + "developmentDependency"));
        Assert.Equal("README.md", metadata.Element(Nuspec + "readme")?.Value);
        var license = metadata.Element(Nuspec + "license");
        Assert.Equal("expression", license?.Attribute("type")?.Value);
        Assert.Equal("MIT", license?.Value);
        Assert.Equal("git", metadata.Element(Nuspec + "repository")?.Attribute("type")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(Nuspec + "tags")?.Value));
    }

    /// <summary>
    /// The packed README is read where the repository is not (nuget.org, the IDE): every link and image in it is
    /// absolute, and those into the repository name a file it has. The repository's README links relatively.
    /// </summary>
    [Fact]
    public void The_packed_readme_links_only_absolute_urls_to_files_the_repository_has()
    {
        const string FileUrl = "https://github.com/parallellint/parallellint/blob/main/";
        const string RawUrl = "https://raw.githubusercontent.com/parallellint/parallellint/main/";
        using var archive = ZipFile.OpenRead(package.Path);
        using var reader = new StreamReader(archive.GetEntry("README.md")!.Open());
        var packed = LinkTargets(reader.ReadToEnd());
        var repository = LinkTargets(File.ReadAllText(Path.Combine(DotNet.RepositoryRoot(), "README.md")));

        Assert.Contains(repository, target => !target.Contains("://", StringComparison.Ordinal));
        Assert.Equal(repository.Length, packed.Length);
        Assert.DoesNotContain(packed, target => !target.StartsWith("https://", StringComparison.Ordinal));
        Assert.Contains(FileUrl + "docs/rules/PL1001.md", packed);
        Assert.Contains(RawUrl + "docs/images/seed-examples.png", packed);
        var missing = packed
            .Where(target => target.StartsWith(FileUrl, StringComparison.Ordinal) || target.StartsWith(RawUrl, StringComparison.Ordinal))
            .Select(target => target[(target.StartsWith(FileUrl, StringComparison.Ordinal) ? FileUrl : RawUrl).Length..].Split('#')[0])
            .Where(path => !File.Exists(Path.Combine(DotNet.RepositoryRoot(), path)));
        Assert.Empty(missing);
    }

    /// <summary>
    /// The nuspec's dependencies are written by hand; the runtime's are in its project file. Each target's group must
    /// list exactly the runtime's package references that reach consumers, at the central versions.
    /// </summary>
    [Fact]
    public async Task Each_dependency_group_lists_the_runtime_package_references_of_its_target()
    {
        var runtime = Path.Combine(DotNet.RepositoryRoot(), "src", "ParallelLint.Runtime", "ParallelLint.Runtime.csproj");
        var outer = await Evaluate(runtime, "-getProperty:TargetFrameworks", "-getItem:PackageVersion");
        var centralVersions = outer.GetProperty("Items").GetProperty("PackageVersion").EnumerateArray()
            .ToDictionary(item => item.GetProperty("Identity").GetString()!, item => item.GetProperty("Version").GetString()!);

        var expected = new List<string>();
        foreach (var framework in outer.GetProperty("Properties").GetProperty("TargetFrameworks").GetString()!.Split(';'))
        {
            expected.Add(GroupName(framework));
            var references = (await Evaluate(runtime, "-p:TargetFramework=" + framework, "-getItem:PackageReference"))
                .GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
                .Where(reference => Metadata(reference, "IsImplicitlyDefined") != "true" && !string.Equals(Metadata(reference, "PrivateAssets"), "all", StringComparison.OrdinalIgnoreCase));
            // Build,Analyzers: what dotnet pack excludes from a package reference by default.
            expected.AddRange(references.Select(reference => (Id: reference.GetProperty("Identity").GetString()!, Override: Metadata(reference, "VersionOverride")))
                .Select(reference => $"{GroupName(framework)} {reference.Id} {reference.Override ?? centralVersions[reference.Id]} exclude=Build,Analyzers"));
        }

        var groups = PackedNuspec().Descendants(Nuspec + "group").ToArray();
        var declared = groups.Select(group => GroupName(group.Attribute("targetFramework")!.Value))
            .Concat(groups.SelectMany(group => group.Elements(Nuspec + "dependency").Select(dependency =>
                $"{GroupName(group.Attribute("targetFramework")!.Value)} {dependency.Attribute("id")!.Value} {dependency.Attribute("version")!.Value} exclude={dependency.Attribute("exclude")?.Value}")));
        Assert.Equal(expected.Order(), declared.Order());
    }

    [Fact]
    public void The_shipped_analyzers_reference_only_what_a_Roslyn_4_8_host_provides()
    {
        using var archive = ZipFile.OpenRead(package.Path);
        var analyzers = archive.Entries.Where(entry => entry.FullName.StartsWith("analyzers/", StringComparison.Ordinal) && entry.Name.EndsWith(".dll", StringComparison.Ordinal)).ToArray();
        var shippedTogether = analyzers.Select(entry => Path.GetFileNameWithoutExtension(entry.Name)).ToHashSet();
        Assert.NotEmpty(analyzers);

        foreach (var entry in analyzers)
        {
            var references = AssemblyReferences(entry);
            Assert.True(references.ContainsKey("Microsoft.CodeAnalysis"), $"{entry.FullName} does not reference Roslyn: {string.Join(", ", references.Keys)}");
            foreach (var (name, version) in references.Where(reference => !shippedTogether.Contains(reference.Key)))
            {
                Assert.True(
                    AnalyzerHostAssemblies.TryGetValue(name, out var provided) && version <= provided,
                    $"{entry.FullName} references {name} {version}; a Roslyn 4.8 host provides {(provided is null ? "no such assembly" : provided.ToString())}");
            }
        }
    }

    /// <summary>
    /// A netstandard2.0 library (C# 7.3, the default there) that calls the runtime's IAsyncEnumerable API, which compiles
    /// only with the package's netstandard2.0 dependencies, and whose build runs the analyzers; and a net10.0 app on top
    /// of it that runs with the net8.0 runtime.
    /// </summary>
    [Fact]
    public async Task A_netstandard2_0_library_and_a_net10_0_app_build_analyze_and_run()
    {
        var library = package.CreateProject("NetStandardLibrary", "<TargetFramework>netstandard2.0</TargetFramework>");
        File.WriteAllText(Path.Combine(library, "Squares.cs"), """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using ParallelLint.Runtime;

            namespace NetStandardLibrary
            {
                public static class Squares
                {
                    public static Task<int[]> OfAsync(IAsyncEnumerable<int> numbers) =>
                        Executor.MapAsync(numbers, (n, token) => new ValueTask<int>(n * n));

                    public static long NestedSum()
                    {
                        var sums = new long[4];
                        Parallel.For(0, sums.Length, i =>
                        {
                            Parallel.For(0, 100, j => Interlocked.Add(ref sums[i], j));
                        });
                        return sums[0] + sums[1] + sums[2] + sums[3];
                    }
                }
            }
            """);

        var app = package.CreateProject("CurrentTargetApp", PackedPackage.ConsoleApp, """<ProjectReference Include="../NetStandardLibrary/NetStandardLibrary.csproj" />""");
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using System.Reflection;
            using System.Runtime.Versioning;
            using NetStandardLibrary;
            using ParallelLint.Runtime;

            var squares = await Squares.OfAsync(Numbers());
            var runtimeTarget = typeof(Cores).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName;
            Console.WriteLine($"squares={string.Join(",", squares)} nested={Squares.NestedSum()} cores={Cores.Available} runtime={runtimeTarget}");

            static async IAsyncEnumerable<int> Numbers()
            {
                for (var i = 1; i <= 4; i++)
                {
                    await Task.Yield();
                    yield return i;
                }
            }
            """);

        var build = await DotNet.Run(app, DotNet.CommandTimeout, "build");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Matches(@"Squares\.cs\(\d+,\d+\): warning PL1001: .*NetStandardLibrary\.csproj", build.Output);
        // An analyzer that throws (AD0001), cannot be created (CS8032) or needs a newer compiler (CS9057).
        Assert.DoesNotMatch(@"\b(AD0001|CS8032|CS9057)\b", build.Output);

        var run = await DotNet.Run(app, DotNet.CommandTimeout, "run", "--no-build");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Matches(@"squares=1,4,9,16 nested=19800 cores=[1-9]\d* runtime=\.NETCoreApp,Version=v8\.0", run.Output);
    }

    /// <summary>
    /// Every link and image target of a Markdown text outside its code blocks: <c>[text](target)</c>,
    /// <c>![alt](target)</c>, <c>[name]: target</c> and HTML <c>href</c> / <c>src</c>.
    /// </summary>
    private static string[] LinkTargets(string markdown)
    {
        var outsideCode = new List<string>();
        var inCode = false;
        foreach (var line in markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            inCode ^= line.TrimStart().StartsWith("```", StringComparison.Ordinal);
            if (!inCode && !line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                outsideCode.Add(line);
            }
        }

        return Regex.Matches(
                string.Join("\n", outsideCode),
                @"\]\(\s*<?(?<target>[^)\s>]+)|^\s*\[[^\]]+\]:\s*(?<target>\S+)|\b(?:href|src)\s*=\s*[""'](?<target>[^""']+)",
                RegexOptions.Multiline)
            .Select(match => match.Groups["target"].Value)
            .ToArray();
    }

    private XDocument PackedNuspec()
    {
        using var archive = ZipFile.OpenRead(package.Path);
        using var nuspec = archive.GetEntry("ParallelLint.nuspec")!.Open();
        return XDocument.Load(nuspec);
    }

    /// <summary>"netstandard2.0" and the nuspec's ".NETStandard2.0" name one target.</summary>
    private static string GroupName(string framework) => framework.TrimStart('.').ToLowerInvariant();

    private static string? Metadata(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.GetString() : null;

    /// <summary>The project as MSBuild evaluates it (properties and items as JSON), without building anything.</summary>
    private static async Task<JsonElement> Evaluate(string project, params string[] arguments)
    {
        var evaluation = await DotNet.Run(DotNet.RepositoryRoot(), DotNet.CommandTimeout, ["msbuild", project, "-nologo", .. arguments]);
        Assert.True(evaluation.ExitCode == 0, evaluation.Output);
        return JsonDocument.Parse(evaluation.Output).RootElement;
    }

    private static Dictionary<string, Version> AssemblyReferences(ZipArchiveEntry entry)
    {
        // PEReader needs a seekable stream; a zip entry's is not.
        using var image = new MemoryStream();
        using (var compressed = entry.Open())
        {
            compressed.CopyTo(image);
        }

        image.Position = 0;
        using var pe = new PEReader(image);
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences
            .Select(metadata.GetAssemblyReference)
            .ToDictionary(reference => metadata.GetString(reference.Name), reference => reference.Version);
    }
}
