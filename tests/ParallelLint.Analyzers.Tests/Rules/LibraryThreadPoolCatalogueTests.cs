using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using ParallelLint.Analyzers.Tests.Verifiers;
using ParallelLint.CodeFixes;
using VerifyPL1003 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.LibraryThreadPoolAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

/// <summary>
/// PL1003's image and boosting entries (ImageSharp, OpenCvSharp, Magick.NET, XGBoost), against stub assemblies named
/// like the real ones and declaring the members the catalogue and the fixes use.
/// </summary>
public class LibraryThreadPoolCatalogueTests
{
    private static readonly Dictionary<string, string> Stubs = new()
    {
        ["SixLabors.ImageSharp"] = """
            namespace SixLabors.ImageSharp
            {
                public sealed class Configuration
                {
                    public static Configuration Default { get; } = new Configuration();
                    public int MaxDegreeOfParallelism { get; set; } = System.Environment.ProcessorCount;
                }

                public abstract class Image
                {
                    public static Image Load(string path) => null;
                }
            }

            namespace SixLabors.ImageSharp.Processing
            {
                public interface IImageProcessingContext
                {
                    IImageProcessingContext Resize(int width, int height);
                }

                public static class ProcessingExtensions
                {
                    public static void Mutate(this Image source, System.Action<IImageProcessingContext> operation) { }
                    public static void Mutate(this Image source, Configuration configuration, System.Action<IImageProcessingContext> operation) { }
                    public static Image Clone(this Image source, System.Action<IImageProcessingContext> operation) => source;
                }
            }
            """,
        ["OpenCvSharp"] = """
            namespace OpenCvSharp
            {
                public class Mat { }
                public struct Size { public Size(int width, int height) { } }
                public static class Cv2
                {
                    public static void SetNumThreads(int threads) { }
                    public static void Resize(Mat src, Mat dst, Size size) { }
                    public static void GaussianBlur(Mat src, Mat dst, Size size, double sigma) { }
                    public static Mat ImRead(string path) => new Mat();
                }
            }
            """,
        ["Magick.NET-Q16-AnyCPU"] = """
            namespace ImageMagick
            {
                public static class ResourceLimits
                {
                    public static ulong Thread { get; set; }
                }

                public sealed class MagickImage : System.IDisposable
                {
                    public MagickImage(string path) { }
                    public void Resize(int width, int height) { }
                    public void Write(string path) { }
                    public void Dispose() { }
                }
            }
            """,
        ["PicNet.XGBoost"] = """
            namespace XGBoost
            {
                public class XGBRegressor
                {
                    public XGBRegressor(int maxDepth = 3, float learningRate = 0.1f, int nEstimators = 100, int nThread = -1) { }
                    public void Fit(float[][] data, float[] labels) { }
                }
            }
            """,
    };

    [Fact]
    public Task ImageSharp_processing_with_the_default_configuration() => Analyze("""
        void Run(Image[] images) => {|#1:Parallel.ForEach|}(images, image =>
        {
            image.{|#0:Mutate|}(x => x.Resize(10, 10));
            image.Clone(x => x.Resize(5, 5));
        });
        void Run2(Image[] images) => Parallel.ForEach(images, image => image.{|PL1003:Clone|}(x => x.Resize(5, 5)));
        void Run3(Image[] images) => Parallel.ForEach(images, image => image.{|PL1003:Mutate|}(new Configuration(), x => x.Resize(10, 10)));
        void Sequential(Image[] images)
        {
            foreach (var image in images)
            {
                image.Mutate(x => x.Resize(10, 10));
            }
        }
        """,
        VerifyPL1003.Diagnostic("PL1003").WithLocation(0).WithLocation(1)
            .WithArguments("ImageSharp Mutate", "Parallel.ForEach", "set Configuration.Default.MaxDegreeOfParallelism = 1 first"));

    /// <summary>Which images a configuration governs is not followed: any degree set on one silences the library.</summary>
    [Theory]
    [InlineData("Configuration.Default.MaxDegreeOfParallelism = 1;")]
    [InlineData("var mine = new Configuration(); mine.MaxDegreeOfParallelism = 2;")]
    [InlineData("_ = new Configuration { MaxDegreeOfParallelism = 1 };")]
    public Task ImageSharp_is_silent_once_the_program_configures_a_degree(string configure) => Analyze($$"""
        static void Startup() { {{configure}} }
        void Run(Image[] images) => Parallel.ForEach(images, image => image.Mutate(x => x.Resize(10, 10)));
        """);

    [Fact]
    public Task OpenCV_functions_that_use_its_thread_pool() => Analyze("""
        void Run(Mat[] mats) => Parallel.ForEach(mats, m =>
        {
            var copy = Cv2.ImRead("a.png");
            {|PL1003:Cv2.Resize|}(m, copy, new Size(10, 10));
            Cv2.GaussianBlur(m, copy, new Size(3, 3), 1);
        });
        """);

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    public Task OpenCV_is_silent_once_its_threads_are_off(string threads) => Analyze($$"""
        static void Startup() => Cv2.SetNumThreads({{threads}});
        void Run(Mat[] mats) => Parallel.ForEach(mats, m => Cv2.Resize(m, m, new Size(10, 10)));
        """);

    [Fact]
    public Task MagickNET_operations_that_use_OpenMP() => Analyze("""
        void Run(string[] paths) => Parallel.ForEach(paths, path =>
        {
            using var image = new MagickImage(path);
            image.{|PL1003:Resize|}(10, 10);
            image.Write(path);
        });
        void Off(string[] paths)
        {
            ResourceLimits.Thread = 4;
        }
        """);

    [Fact]
    public Task XGBoost_models_without_one_thread() => Analyze("""
        void Run(float[][][] folds, float[] labels)
        {
            Parallel.ForEach(folds, fold => {|PL1003:new XGBRegressor|}().Fit(fold, labels));
            Parallel.ForEach(folds, fold => {|PL1003:new XGBRegressor|}(nThread: -1).Fit(fold, labels));
            Parallel.ForEach(folds, fold => {|PL1003:new XGBRegressor|}(nThread: Environment.ProcessorCount).Fit(fold, labels));
            Parallel.ForEach(folds, fold => new XGBRegressor(nThread: 1).Fit(fold, labels));
            Parallel.ForEach(folds, fold => new XGBRegressor(nThread: folds.Length).Fit(fold, labels));
        }
        """);

    [Fact]
    public Task Fixes_set_each_librarys_knob() => Fix(
        """
        void Images(Image[] images)
        {
            Parallel.ForEach(images, image => image.{|PL1003:Mutate|}(x => x.Resize(10, 10)));
        }
        void Mats(Mat[] mats)
        {
            Parallel.ForEach(mats, m => {|PL1003:Cv2.Resize|}(m, m, new Size(10, 10)));
        }
        void Magick(string[] paths)
        {
            Parallel.ForEach(paths, path => new MagickImage(path).{|PL1003:Resize|}(10, 10));
        }
        void Boost(float[][][] folds, float[] labels)
        {
            Parallel.ForEach(folds, fold => {|PL1003:new XGBRegressor|}(maxDepth: 4).Fit(fold, labels));
            Parallel.ForEach(folds, fold => {|PL1003:new XGBRegressor|}(nThread: -1).Fit(fold, labels));
        }
        """,
        """
        void Images(Image[] images)
        {
            Configuration.Default.MaxDegreeOfParallelism = 1;
            Parallel.ForEach(images, image => image.Mutate(x => x.Resize(10, 10)));
        }
        void Mats(Mat[] mats)
        {
            Cv2.SetNumThreads(1);
            Parallel.ForEach(mats, m => Cv2.Resize(m, m, new Size(10, 10)));
        }
        void Magick(string[] paths)
        {
            ResourceLimits.Thread = 1;
            Parallel.ForEach(paths, path => new MagickImage(path).Resize(10, 10));
        }
        void Boost(float[][][] folds, float[] labels)
        {
            Parallel.ForEach(folds, fold => new XGBRegressor(maxDepth: 4, nThread: 1).Fit(fold, labels));
            Parallel.ForEach(folds, fold => new XGBRegressor(nThread: 1).Fit(fold, labels));
        }
        """);

    private static Task Analyze(string members, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<LibraryThreadPoolAnalyzer, DefaultVerifier> { TestCode = Code(members) };
        Configure(test.TestState);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static Task Fix(string before, string after)
    {
        var test = new CSharpCodeFixTest<LibraryThreadPoolAnalyzer, LibraryThreadPoolFixer, DefaultVerifier>
        {
            TestCode = Code(before),
            FixedCode = Code(after),
            CodeActionEquivalenceKey = LibraryThreadPoolFixer.EquivalenceKey,

            // PL1003 reports at the end of the compilation (a process-wide switch anywhere turns a library off).
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipLocalDiagnosticCheck,
        };
        Configure(test.TestState);
        Configure(test.FixedState);
        return test.RunAsync();
    }

    private static void Configure(SolutionState state)
    {
        VerifyPL1003.Configure(state, withRuntime: false, editorConfig: null);
        foreach (var (assembly, source) in Stubs)
        {
            state.AdditionalProjects[assembly].Sources.Add(source);
            state.AdditionalProjectReferences.Add(assembly);
        }
    }

    private static string Code(string members) => $$"""
        using System;
        using System.Threading.Tasks;
        using ImageMagick;
        using OpenCvSharp;
        using SixLabors.ImageSharp;
        using SixLabors.ImageSharp.Processing;
        using XGBoost;

        class C
        {
            {{members.Replace("\n", "\n    ")}}
        }
        """;
}
