using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ParallelLint.Analyzers.Tests.Verifiers;

/// <summary>
/// The thin verifier every rule test uses: markup (<c>{|PL1001:...|}</c>) instead of positions, the SDK's
/// framework references, and the real ParallelLint.Runtime unless a test asks for a project without it.
/// </summary>
public static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

    public static Task Analyzer(string source, bool withRuntime = true, string? editorConfig = null, params DiagnosticResult[] expected) =>
        Analyzer(source, withRuntime, editorConfig, withLibraries: false, expected);

    public static Task Analyzer(string source, bool withRuntime, string? editorConfig, bool withLibraries, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest { TestCode = source };
        Configure(test.TestState, withRuntime, editorConfig);
        if (withLibraries)
        {
            test.TestState.AdditionalReferences.AddRange(TestReferences.ThreadPoolLibraries);
        }

        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    public static Task CodeFix<TCodeFix>(
        string source,
        string fixedSource,
        string? equivalenceKey = null,
        bool withRuntime = true,
        int? fixAllIterations = null,
        CodeFixTestBehaviors behaviors = CodeFixTestBehaviors.None,
        bool withLibraries = false,
        DiagnosticResult[]? remaining = null,
        string? title = null,
        string? editorConfig = null)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<TCodeFix>
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = equivalenceKey,
            CodeFixTestBehaviors = behaviors,
        };
        if (title is not null)
        {
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title);
        }

        if (fixAllIterations is { } count)
        {
            test.NumberOfFixAllIterations = count;
            test.NumberOfFixAllInDocumentIterations = count;
            test.NumberOfFixAllInProjectIterations = count;
        }

        Configure(test.TestState, withRuntime, editorConfig);
        Configure(test.FixedState, withRuntime, editorConfig);
        if (remaining is not null)
        {
            // What the fix leaves standing (a loop it bounded but did not replace).
            test.FixedState.ExpectedDiagnostics.AddRange(remaining);
        }
        if (withLibraries)
        {
            test.TestState.AdditionalReferences.AddRange(TestReferences.ThreadPoolLibraries);
            test.FixedState.AdditionalReferences.AddRange(TestReferences.ThreadPoolLibraries);
        }

        return test.RunAsync();
    }

    internal static void Configure(ProjectState project, bool withRuntime)
    {
        project.ReferenceAssemblies = TestReferences.None;
        project.AdditionalReferences.AddRange(TestReferences.Framework);
        if (withRuntime)
        {
            project.AdditionalReferences.Add(TestReferences.Runtime);
        }
    }

    internal static void Configure(SolutionState state, bool withRuntime, string? editorConfig)
    {
        state.ReferenceAssemblies = TestReferences.None;
        state.AdditionalReferences.AddRange(TestReferences.Framework);
        if (withRuntime)
        {
            state.AdditionalReferences.Add(TestReferences.Runtime);
        }

        if (editorConfig is not null)
        {
            state.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*]\n" + editorConfig));
        }
    }

    internal sealed class AnalyzerTest : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest() => TestState.OutputKind = OutputKind.DynamicallyLinkedLibrary;
    }

    private sealed class CodeFixTest<TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        where TCodeFix : CodeFixProvider, new()
    {
    }
}
