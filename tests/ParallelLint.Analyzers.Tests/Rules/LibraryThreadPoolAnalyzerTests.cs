using ParallelLint.Analyzers.Tests.Verifiers;
using VerifyPL1003 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.LibraryThreadPoolAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

/// <summary>PL1003 against the real ONNX Runtime, Math.NET Numerics, ML.NET and TorchSharp assemblies.</summary>
public class LibraryThreadPoolAnalyzerTests
{
    private static Task Verify(string members, string? editorConfig = null, bool withLibraries = true) =>
        VerifyPL1003.Analyzer(Code(members, withLibraries), withRuntime: true, editorConfig, withLibraries);

    [Fact]
    public Task ONNX_sessions_created_in_a_parallel_body_without_one_intra_op_thread() => VerifyPL1003.Analyzer(
        Code("""
            void Run(string[] models) => {|#1:Parallel.ForEach|}(models, path =>
            {
                using var session = {|#0:new InferenceSession|}(path);
            });
            """),
        withRuntime: true,
        editorConfig: null,
        withLibraries: true,
        VerifyPL1003.Diagnostic("PL1003").WithLocation(0).WithLocation(1)
            .WithArguments("ONNX Runtime InferenceSession", "Parallel.ForEach", "set SessionOptions.IntraOpNumThreads = 1"));

    [Fact]
    public Task ONNX_sessions_with_default_or_larger_thread_counts_are_findings() => Verify("""
        void Run(string[] models) => Parallel.ForEach(models, path =>
        {
            using var a = {|PL1003:new InferenceSession|}(path, new SessionOptions());
        });
        void Run2(string[] models) => Parallel.ForEach(models, path =>
        {
            var options = new SessionOptions { IntraOpNumThreads = 4 };
            using var b = {|PL1003:new InferenceSession|}(path, options);
        });
        """);

    [Fact]
    public Task ONNX_sessions_with_one_thread_or_outside_parallel_bodies_are_not_findings() => Verify("""
        void Run(string[] models)
        {
            Parallel.ForEach(models, path =>
            {
                using var a = new InferenceSession(path, new SessionOptions { IntraOpNumThreads = 1 });
                var options = new SessionOptions();
                options.IntraOpNumThreads = 1;
                using var b = new InferenceSession(path, options);
            });
            foreach (var path in models)
            {
                using var c = new InferenceSession(path);
            }
        }
        """);

    [Fact]
    public Task MathNet_linear_algebra_in_a_parallel_body_is_reported_once_per_body() => Verify("""
        void Run(Matrix<double>[] matrices) => Parallel.ForEach(matrices, m =>
        {
            var product = m.{|PL1003:Multiply|}(m);
            var inverse = product.Inverse();
            var again = product * inverse;
        });
        void Operator(Matrix<double>[] matrices) => Parallel.ForEach(matrices, m => _ = {|PL1003:m * m|});
        """);

    [Fact]
    public Task MathNet_switched_to_one_thread_anywhere_is_not_a_finding() => Verify("""
        static C() => MathNet.Numerics.Control.UseSingleThread();
        void Run(Matrix<double>[] matrices) => Parallel.ForEach(matrices, m => m.Multiply(m));
        """);

    [Fact]
    public Task MLNET_trainers_without_one_thread_are_findings() => Verify("""
        void Run(MLContext ml, int n) => Parallel.For(0, n, i =>
        {
            var a = ml.Regression.Trainers.{|PL1003:Sdca|}();
        });
        void Run2(MLContext ml, int n) => Parallel.For(0, n, i =>
        {
            var b = ml.Regression.Trainers.{|PL1003:Sdca|}(new SdcaRegressionTrainer.Options { MaximumNumberOfIterations = 10 });
        });
        void Fine(MLContext ml, int n) => Parallel.For(0, n, i =>
        {
            var c = ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1 });
            var d = ml.Regression.Trainers.OnlineGradientDescent();
        });
        """);

    [Fact]
    public Task TorchSharp_tensor_work_without_one_thread_is_a_finding() => Verify("""
        void Run(int n) => Parallel.For(0, n, i =>
        {
            var x = {|PL1003:torch.randn|}(3, 3);
            var y = x.matmul(x);
        });
        """);

    [Fact]
    public Task TorchSharp_set_to_one_thread_is_not_a_finding() => Verify("""
        void Run(int n)
        {
            torch.set_num_threads(1);
            Parallel.For(0, n, i => torch.randn(3, 3));
        }
        """);

    [Fact]
    public Task Users_add_their_own_libraries_by_type_or_method() => Verify(
        """
        void Run(int n) => Parallel.For(0, n, i =>
        {
            {|PL1003:System.Console.WriteLine|}(i);
            {|PL1003:System.Math.Sqrt|}(i);
            System.Math.Abs(i);
        });
        """,
        "parallellint.internally_parallel_apis = T:System.Console, M:System.Math.Sqrt(System.Double)\n",
        withLibraries: false);

    [Fact]
    public Task Without_the_libraries_referenced_the_catalogue_is_silent() => Verify(
        """
        void Run(int n) => Parallel.For(0, n, i => new Fake.InferenceSession());
        """,
        withLibraries: false);

    private const string LibraryUsings = """
        using Microsoft.ML;
        using Microsoft.ML.OnnxRuntime;
        using Microsoft.ML.Trainers;
        using MathNet.Numerics.LinearAlgebra;
        using TorchSharp;

        """;

    private static string Code(string members, bool withLibraries = true) => TestSources.Usings + (withLibraries ? LibraryUsings : "") + $$"""
        partial class C
        {
            {{members}}
        }

        namespace Fake { class InferenceSession { } }
        """;
}
