using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CSharp;
using ParallelLint.Analyzers.Tests.Verifiers;

namespace ParallelLint.Analyzers.Tests;

/// <summary>The samples project (samples/ParallelLint.Samples), compiled as its build compiles it: every rule fires in it.</summary>
internal static class SampleCompilation
{
    /// <summary>The sample files, each named by its file name, and the implicit usings.</summary>
    public static ImmutableArray<SyntaxTree> Trees { get; } = Directory
        .GetFiles(Path.Combine(RepositoryFiles.Root, "samples", "ParallelLint.Samples"), "*.cs", SearchOption.TopDirectoryOnly)
        .Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), path: Path.GetFileName(path)))
        .Append(CSharpSyntaxTree.ParseText(TestSources.ImplicitUsings, path: "ImplicitUsings.cs"))
        .ToImmutableArray();

    public static Compilation Compilation { get; } = TestReferences.Compile("Samples", Trees, OutputKind.DynamicallyLinkedLibrary)
        .AddReferences(TestReferences.ThreadPoolLibraries);
}
