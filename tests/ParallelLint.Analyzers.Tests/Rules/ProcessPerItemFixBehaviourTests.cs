using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ParallelLint.Analyzers.Tests.Verifiers;
using ParallelLint.CodeFixes;

namespace ParallelLint.Analyzers.Tests.Rules;

/// <summary>
/// PL3001's fix keeps what the commands do: the original and the fixed program are compiled against the real runtime
/// and run with real processes, and must report the same exit codes for the same arguments.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ProcessPerItemFixBehaviourTests
{
    // Each job prints its arguments back through its exit code: `sh -c 'exit $#'` counts them, the item sets the code.
    private const string Program = """
        using System.Collections.Generic;
        using System.Diagnostics;
        using System.Linq;
        using System.Threading.Tasks;

        public static class Fits
        {
            public static List<string> ExitCodes(string[] items)
            {
                var codes = new List<string>();
                Parallel.ForEach(items, item =>
                {
                    using var run = Process.Start(new ProcessStartInfo("sh") { ArgumentList = { "-c", "exit $(( $1 + $# ))", "sh", item, "two words" }, UseShellExecute = false })!;
                    run.WaitForExit();
                    lock (codes) codes.Add(item + "=" + run.ExitCode);
                });
                codes.Sort();
                return codes;
            }

            public static List<string> CountedArguments(string[] items)
            {
                var codes = new List<string>();
                Parallel.For(0, items.Length, i =>
                {
                    var run = Process.Start("sh", $"-c {Script} sh {items[i]} x y")!;
                    run.WaitForExit();
                    lock (codes) codes.Add(i + "=" + run.ExitCode);
                });
                codes.Sort();
                return codes;
            }

            // A constant with a space: the original command line splits it into two arguments, and so must the fix.
            private const string Script = "exit $#";
        }
        """;

    [Fact]
    public async Task The_fixed_program_runs_the_same_commands_with_the_same_exit_codes()
    {
        var original = Compile(Program);
        var fixedSource = await FixAllAsync(Program);
        Assert.Contains("JobExecutor.Shared.ForEachAsync(items", fixedSource);
        Assert.DoesNotContain("Process.Start", fixedSource);
        var fixedProgram = Compile(fixedSource);

        var items = new[] { "0", "3", "7" };
        foreach (var method in new[] { "ExitCodes", "CountedArguments" })
        {
            Assert.Equal(Run(original, method, items), Run(fixedProgram, method, items));
        }

        // `exit $(( $1 + $# ))` with "two words" as one argument: 2 arguments after the script name.
        Assert.Equal(new[] { "0=2", "3=5", "7=9" }, Run(fixedProgram, "ExitCodes", items));

        // `-c exit $# sh <item> x y` split at every space: the script is `exit` alone, so every run exits 0 (as one
        // argument, `exit $#` would exit 3).
        Assert.Equal(new[] { "0=0", "1=0", "2=0" }, Run(fixedProgram, "CountedArguments", items));
    }

    private static async Task<string> FixAllAsync(string source)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject("Fits", LanguageNames.CSharp)
            .WithCompilationOptions(new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary))
            .WithMetadataReferences(TestReferences.Framework.Add(TestReferences.Runtime));
        var document = project.AddDocument("Fits.cs", SourceText.From(source));
        var analyzer = new ProcessPerItemAnalyzer();
        var fixer = new ProcessPerItemFixer();
        for (var round = 0; round < 5; round++)
        {
            var compilation = (await document.Project.GetCompilationAsync())!;
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer)).GetAnalyzerDiagnosticsAsync();
            if (diagnostics.IsEmpty)
            {
                break;
            }

            var actions = new List<CodeAction>();
            var context = new CodeFixContext(document, diagnostics[0], (action, _) => actions.Add(action), CancellationToken.None);
            await fixer.RegisterCodeFixesAsync(context);
            var operation = Assert.Single(Assert.Single(actions).GetOperationsAsync(CancellationToken.None).Result.OfType<ApplyChangesOperation>());
            document = operation.ChangedSolution.GetDocument(document.Id)!;
        }

        return (await document.GetTextAsync()).ToString();
    }

    private static Assembly Compile(string source)
    {
        var compilation = TestReferences.Compile("Fits" + Guid.NewGuid().ToString("N"), new[] { CSharpSyntaxTree.ParseText(source) });
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics) + "\n" + source);
        return new AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(image.ToArray()));
    }

    private static List<string> Run(Assembly assembly, string method, string[] items) =>
        (List<string>)assembly.GetType("Fits")!.GetMethod(method)!.Invoke(null, new object[] { items })!;
}
