using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace ParallelLint.Analyzers.Tests.Verifiers;

/// <summary>
/// What test compilations reference: the reference assemblies of the SDK that runs the tests (read from its
/// packs folder, so no download is needed) and, where a test asks for it, the real ParallelLint.Runtime.
/// </summary>
internal static class TestReferences
{
    /// <summary>No package to download: the framework comes from <see cref="Framework"/>.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> Framework { get; } = LoadFramework();

    public static MetadataReference Runtime { get; } =
        MetadataReference.CreateFromFile(typeof(ParallelLint.Runtime.Cores).Assembly.Location);

    /// <summary>
    /// The real assemblies of libraries with their own thread pools (ONNX Runtime, Math.NET Numerics, ML.NET,
    /// TorchSharp), as their NuGet packages put them in the test output.
    /// </summary>
    public static ImmutableArray<MetadataReference> ThreadPoolLibraries { get; } = Directory
        .GetFiles(AppContext.BaseDirectory, "*.dll")
        .Where(path => Path.GetFileName(path) is var name &&
            (name.StartsWith("Microsoft.ML", StringComparison.Ordinal) || name.StartsWith("MathNet.Numerics", StringComparison.Ordinal) ||
             name.StartsWith("TorchSharp", StringComparison.Ordinal)))
        .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
        .ToImmutableArray();

    /// <summary>A compilation against the framework and the runtime, for tests that drive analyzers directly.</summary>
    public static CSharpCompilation Compile(string name, IEnumerable<SyntaxTree> trees, OutputKind kind = OutputKind.DynamicallyLinkedLibrary) =>
        CSharpCompilation.Create(name, trees, Framework.Add(Runtime), new CSharpCompilationOptions(kind));

    private static ImmutableArray<MetadataReference> LoadFramework()
    {
        // .../dotnet/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll -> .../dotnet/packs/Microsoft.NETCore.App.Ref
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var version = Directory.GetDirectories(packs)
            .Select(Path.GetFileName)
            .Where(name => Version.TryParse(name, out var parsed) && parsed.Major == Environment.Version.Major)
            .OrderByDescending(name => Version.Parse(name!))
            .FirstOrDefault()
            ?? throw new InvalidOperationException($"No reference pack for .NET {Environment.Version.Major} under {packs}.");
        var directory = Path.Combine(packs, version, "ref", $"net{Environment.Version.Major}.0");
        return Directory.GetFiles(directory, "*.dll")
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
