using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ParallelLint.Analyzers.Tests;

/// <summary>The repository this test run was built from, and the analyzers it ships.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = typeof(RuleIds).Assembly.GetTypes()
        .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
        .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
        .ToImmutableArray();

    public static string Read(params string[] relativePath) => File.ReadAllText(Path.Combine(Root, Path.Combine(relativePath)));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ParallelLint.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ParallelLint.sln above {AppContext.BaseDirectory}.");
    }
}
