using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using ParallelLint.Analyzers.Tests.Verifiers;
using ParallelLint.CodeFixes;
using VerifyPL1003 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.LibraryThreadPoolAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class LibraryThreadPoolFixerTests
{
    private static Task Fix(string before, string after, string addedUsings = "") =>
        VerifyPL1003.CodeFix<LibraryThreadPoolFixer>(Code(before), Code(after, addedUsings), LibraryThreadPoolFixer.EquivalenceKey, behaviors: EndOfCompilation, withLibraries: true);

    // PL1003 reports at the end of the compilation (a process-wide switch anywhere turns a library off).
    private const CodeFixTestBehaviors EndOfCompilation = CodeFixTestBehaviors.SkipLocalDiagnosticCheck;

    [Fact]
    public Task ONNX_sessions_get_one_intra_op_thread() => Fix(
        """
        void Run(string[] models) => Parallel.ForEach(models, path =>
        {
            using var a = {|PL1003:new InferenceSession|}(path);
        });
        void Run2(string[] models) => Parallel.ForEach(models, path =>
        {
            using var b = {|PL1003:new InferenceSession|}(path, new SessionOptions { IntraOpNumThreads = 8, InterOpNumThreads = 1 });
        });
        """,
        """
        void Run(string[] models) => Parallel.ForEach(models, path =>
        {
            using var a = new InferenceSession(path, new SessionOptions { IntraOpNumThreads = 1 });
        });
        void Run2(string[] models) => Parallel.ForEach(models, path =>
        {
            using var b = new InferenceSession(path, new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });
        });
        """);

    [Fact]
    public Task MLNET_trainer_options_get_one_thread() => Fix(
        """
        void Run(MLContext ml, int n) => Parallel.For(0, n, i =>
        {
            var a = ml.Regression.Trainers.{|PL1003:Sdca|}(new SdcaRegressionTrainer.Options { MaximumNumberOfIterations = 10 });
        });
        """,
        """
        void Run(MLContext ml, int n) => Parallel.For(0, n, i =>
        {
            var a = ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1, MaximumNumberOfIterations = 10 });
        });
        """);

    [Fact]
    public Task MathNet_is_switched_to_one_thread_before_the_loop_once_for_all_findings() => Fix(
        """
        void Run(Matrix<double>[] matrices)
        {
            Parallel.ForEach(matrices, m => m.{|PL1003:Multiply|}(m));
            Parallel.ForEach(matrices, m => m.{|PL1003:Inverse|}());
        }
        """,
        """
        void Run(Matrix<double>[] matrices)
        {
            Control.UseSingleThread();
            Parallel.ForEach(matrices, m => m.Multiply(m));
            Parallel.ForEach(matrices, m => m.Inverse());
        }
        """,
        "using MathNet.Numerics;\n");

    [Fact]
    public Task MathNet_is_switched_to_one_thread_before_top_level_statements()
    {
        // The first top-level statement is a member of the compilation unit: inserting before the statement inside it threw.
        var test = new CSharpCodeFixTest<LibraryThreadPoolAnalyzer, LibraryThreadPoolFixer, DefaultVerifier>
        {
            TestCode = """
                using System.Threading.Tasks;
                using MathNet.Numerics.LinearAlgebra;
                var matrices = new[] { Matrix<double>.Build.Dense(2, 2) };
                Parallel.ForEach(matrices, m => m.{|PL1003:Multiply|}(m));
                """,
            FixedCode = """
                using System.Threading.Tasks;
                using MathNet.Numerics;
                using MathNet.Numerics.LinearAlgebra;
                Control.UseSingleThread();

                var matrices = new[] { Matrix<double>.Build.Dense(2, 2) };
                Parallel.ForEach(matrices, m => m.Multiply(m));
                """,
            CodeActionEquivalenceKey = LibraryThreadPoolFixer.EquivalenceKey,
            CodeFixTestBehaviors = EndOfCompilation,
        };
        foreach (var state in new[] { test.TestState, test.FixedState })
        {
            VerifyPL1003.Configure(state, withRuntime: false, editorConfig: null);
            state.AdditionalReferences.AddRange(TestReferences.ThreadPoolLibraries);
            state.OutputKind = OutputKind.ConsoleApplication;
        }

        return test.RunAsync();
    }

    [Fact]
    public Task TorchSharp_is_switched_to_one_thread_before_the_loop() => Fix(
        """
        void Run(int n)
        {
            Parallel.For(0, n, i => {|PL1003:torch.randn|}(3, 3));
        }
        """,
        """
        void Run(int n)
        {
            torch.set_num_threads(1);
            Parallel.For(0, n, i => torch.randn(3, 3));
        }
        """);

    [Fact]
    public Task No_fix_for_trainers_without_inline_options_or_loops_without_a_statement() => VerifyPL1003.CodeFix<LibraryThreadPoolFixer>(
        Code("""
            void Run(MLContext ml, int n) => Parallel.For(0, n, i => ml.Regression.Trainers.{|PL1003:Sdca|}());
            void Run2(Matrix<double>[] matrices) => Parallel.ForEach(matrices, m => m.{|PL1003:Multiply|}(m));
            """),
        Code("""
            void Run(MLContext ml, int n) => Parallel.For(0, n, i => ml.Regression.Trainers.{|PL1003:Sdca|}());
            void Run2(Matrix<double>[] matrices) => Parallel.ForEach(matrices, m => m.{|PL1003:Multiply|}(m));
            """),
        LibraryThreadPoolFixer.EquivalenceKey,
        behaviors: EndOfCompilation,
        withLibraries: true);

    private static string Code(string members, string addedUsings = "") => TestSources.Usings + $$"""
        using Microsoft.ML;
        using Microsoft.ML.OnnxRuntime;
        using Microsoft.ML.Trainers;
        using MathNet.Numerics.LinearAlgebra;
        using TorchSharp;
        {{addedUsings}}
        partial class C
        {
            {{members.Replace("\n", "\n    ")}}
        }
        """;
}
