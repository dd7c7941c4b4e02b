using System.Reflection;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Formatting;
using Xunit.Abstractions;

namespace ParallelLint.Analyzers.Tests;

/// <summary>
/// Proves which compiler the rule tests ran on. The same sources are compiled into two test projects, one per Roslyn
/// version (<c>TestedRoslynVersion</c> in AnalyzerTestProject.props); a package resolved to another version (a
/// transitive dependency raising it, say) would quietly test something else.
/// </summary>
public class RoslynVersionTests
{
    private readonly ITestOutputHelper output;

    public RoslynVersionTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void The_loaded_Roslyn_is_the_version_this_test_project_names()
    {
        var expected = typeof(RoslynVersionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "TestedRoslynVersion").Value;
        Assert.False(string.IsNullOrEmpty(expected));

        // Compiler, C# compiler, workspaces, C# workspaces: the four assemblies the analyzers and fixes run in.
        foreach (var assembly in new[] { typeof(Compilation), typeof(CSharpCompilation), typeof(Workspace), typeof(CSharpFormattingOptions) }.Select(type => type.Assembly))
        {
            // "4.8.0-7.23558.1+e0917286": the package version comes before the build label and the commit.
            var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
            output.WriteLine($"{assembly.GetName().Name} {informational} ({assembly.Location})");
            Assert.Equal(expected, informational.Split('-', '+')[0]);
        }
    }
}
