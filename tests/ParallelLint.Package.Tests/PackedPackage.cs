using System.Reflection;

namespace ParallelLint.Package.Tests;

/// <summary>
/// The repository packed once per test run into a private feed, and fresh consumer projects that restore it from
/// there. The test classes share one instance: they would otherwise pack in parallel, racing for the same Release
/// build outputs.
/// </summary>
public sealed class PackedPackage : IAsyncLifetime
{
    public const string Collection = "Packed package";

    /// <summary>The properties of a console app on the current target, as <c>dotnet new console</c> makes it.</summary>
    public const string ConsoleApp = """
        <OutputType>Exe</OutputType>
        <TargetFramework>net10.0</TargetFramework>
        <ImplicitUsings>enable</ImplicitUsings>
        <Nullable>enable</Nullable>
        """;

    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("parallellint-package-").FullName;

    public string Feed => System.IO.Path.Combine(WorkDirectory, "feed");

    public string Path { get; private set; } = "";

    public string Version { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var pack = await DotNet.Run(DotNet.RepositoryRoot(), DotNet.CommandTimeout, "pack", "src/ParallelLint.Package", "-c", "Release", "-o", Feed);
        Assert.True(pack.ExitCode == 0, pack.Output);
        Path = Directory.GetFiles(Feed, "ParallelLint.*.nupkg").Single();
        Version = System.IO.Path.GetFileNameWithoutExtension(Path)["ParallelLint.".Length..];
        WriteNuGetConfig();
    }

    /// <summary>
    /// A project directory under the work directory with a project file that references the package, so a fresh
    /// consumer sees only what the package gives it. <paramref name="properties"/> and <paramref name="items"/> are
    /// MSBuild XML.
    /// </summary>
    public string CreateProject(string name, string properties, string items = "")
    {
        var project = System.IO.Path.Combine(WorkDirectory, name);
        Directory.CreateDirectory(project);
        File.WriteAllText(System.IO.Path.Combine(project, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
            {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ParallelLint" Version="{Version}" />
            {items}
              </ItemGroup>
            </Project>
            """);
        return project;
    }

    /// <summary>
    /// A console app on the current target with <paramref name="source"/> as its Program.cs;
    /// <paramref name="properties"/> (MSBuild XML) join its property group. Returns the project's directory.
    /// </summary>
    public string Consumer(string name, string source, string properties = "")
    {
        var project = CreateProject(name, ConsoleApp + "\n" + properties);
        File.WriteAllText(System.IO.Path.Combine(project, "Program.cs"), source);
        return project;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(WorkDirectory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>
    /// One nuget.config above every consumer: ParallelLint only from the private feed (a version cached from an
    /// earlier run must never stand in for it), restored into a private folder; its dependencies from the packages this
    /// machine already restored for the repository, so the tests need no network.
    /// </summary>
    private void WriteNuGetConfig()
    {
        var machinePackages = typeof(PackedPackage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "NuGetPackageRoot").Value;
        File.WriteAllText(System.IO.Path.Combine(WorkDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{System.IO.Path.Combine(WorkDirectory, "packages")}" />
              </config>
              <packageSources>
                <clear />
                <add key="feed" value="{Feed}" />
                <add key="machine" value="{machinePackages}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="feed">
                  <package pattern="ParallelLint" />
                </packageSource>
                <packageSource key="machine">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }
}

[CollectionDefinition(PackedPackage.Collection)]
public sealed class PackedPackageCollection : ICollectionFixture<PackedPackage>
{
}
