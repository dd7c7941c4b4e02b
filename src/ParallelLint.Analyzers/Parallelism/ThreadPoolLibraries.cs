namespace ParallelLint.Analyzers.Parallelism;

/// <summary>A library with its own thread pool, as the rules and the fixes know it.</summary>
internal enum ThreadPoolLibrary
{
    OnnxRuntime,
    MathNetNumerics,
    MlNet,
    TorchSharp,
    ImageSharp,
    OpenCvSharp,
    MagickNet,
    XGBoost,
    UserListed,
}

/// <summary>
/// The catalogue of well-known .NET libraries that run their own multi-threaded pools, matched by metadata name.
/// A library the compilation does not reference resolves to nothing and never matches.
/// </summary>
internal sealed class ThreadPoolLibraries
{
    private readonly INamedTypeSymbol? inferenceSession;
    private readonly INamedTypeSymbol? matrix;
    private readonly INamedTypeSymbol? mathNetControl;
    private readonly INamedTypeSymbol? torch;
    private readonly INamedTypeSymbol?[] mlNetTrainerCatalogs;
    private readonly INamedTypeSymbol? imageSharpProcessing;
    private readonly INamedTypeSymbol? imageSharpConfiguration;
    private readonly INamedTypeSymbol? cv2;
    private readonly INamedTypeSymbol? magickImage;
    private readonly INamedTypeSymbol? magickResourceLimits;
    private readonly INamedTypeSymbol?[] xgboostModels;

    // OpenCV's functions that split their work over its own thread pool (cv::parallel_for_).
    private static readonly HashSet<string> OpenCvParallel = new(System.StringComparer.Ordinal)
    {
        "Resize", "CvtColor", "GaussianBlur", "Blur", "BoxFilter", "MedianBlur", "BilateralFilter", "Filter2D", "SepFilter2D",
        "Sobel", "Scharr", "Laplacian", "Canny", "Dilate", "Erode", "MorphologyEx", "WarpAffine", "WarpPerspective", "Remap",
        "Threshold", "AdaptiveThreshold", "MatchTemplate", "Integral", "EqualizeHist", "DistanceTransform", "Dft", "Idft",
        "Gemm", "PyrDown", "PyrUp", "CornerHarris", "CornerMinEigenVal", "GoodFeaturesToTrack", "HoughLines", "HoughLinesP",
    };

    // ImageMagick's operations that run their pixel loops on OpenMP threads.
    private static readonly HashSet<string> MagickParallel = new(System.StringComparer.Ordinal)
    {
        "Resize", "AdaptiveResize", "Scale", "Resample", "Thumbnail", "Blur", "GaussianBlur", "MotionBlur", "Sharpen",
        "AdaptiveSharpen", "UnsharpMask", "Rotate", "Distort", "Composite", "Modulate", "Level", "Despeckle", "Edge",
        "Emboss", "Charcoal", "OilPaint", "Quantize", "Morphology", "Convolve", "Evaluate", "Fx", "ColorMatrix",
    };

    public ThreadPoolLibraries(Compilation compilation)
    {
        // A name lookup searches every reference: only for the libraries this compilation references at all (unlike
        // KnownTypes.Optional, not in the library's own compilation, whose internal pools are its own business).
        var types = KnownTypes.Of(compilation);
        INamedTypeSymbol? Lookup(string assembly, string type) => types.References(assembly) ? types.Named(type) : null;

        inferenceSession = Lookup("Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxRuntime.InferenceSession");
        matrix = Lookup("MathNet.Numerics", "MathNet.Numerics.LinearAlgebra.Matrix`1");
        mathNetControl = Lookup("MathNet.Numerics", "MathNet.Numerics.Control");
        torch = Lookup("TorchSharp", "TorchSharp.torch");
        mlNetTrainerCatalogs = new[]
        {
            "Microsoft.ML.RegressionCatalog+RegressionTrainers",
            "Microsoft.ML.BinaryClassificationCatalog+BinaryClassificationTrainers",
            "Microsoft.ML.MulticlassClassificationCatalog+MulticlassClassificationTrainers",
            "Microsoft.ML.ClusteringCatalog+ClusteringTrainers",
            "Microsoft.ML.RankingCatalog+RankingTrainers",
        }.Select(name => Lookup("Microsoft.ML.Data", name)).ToArray();
        imageSharpProcessing = Lookup("SixLabors.ImageSharp", "SixLabors.ImageSharp.Processing.ProcessingExtensions");
        imageSharpConfiguration = Lookup("SixLabors.ImageSharp", "SixLabors.ImageSharp.Configuration");
        cv2 = Lookup("OpenCvSharp", "OpenCvSharp.Cv2");

        // Magick.NET ships one assembly per quantum and platform (Magick.NET-Q16-AnyCPU, Magick.NET-Q8-x64...).
        var magick = compilation.ReferencedAssemblyNames.Any(a => a.Name.StartsWith("Magick.NET-", System.StringComparison.Ordinal));
        magickImage = magick ? types.Named("ImageMagick.MagickImage") : null;
        magickResourceLimits = magick ? types.Named("ImageMagick.ResourceLimits") : null;

        // The XGBoost wrappers (PicNet.XGBoost, XGBoostSharp): scikit-learn-style models whose nThread defaults to every core.
        xgboostModels = new[]
        {
            Lookup("PicNet.XGBoost", "XGBoost.XGBRegressor"), Lookup("PicNet.XGBoost", "XGBoost.XGBClassifier"),
            Lookup("XGBoostSharp", "XGBoostSharp.XGBRegressor"), Lookup("XGBoostSharp", "XGBoostSharp.XGBClassifier"),
        };
    }

    public bool IsEmpty => inferenceSession is null && matrix is null && torch is null && mlNetTrainerCatalogs.All(c => c is null) &&
                           imageSharpProcessing is null && cv2 is null && magickImage is null && xgboostModels.All(m => m is null);

    /// <summary>
    /// The library a call uses, the advice for it, and the options argument that holds its knob (if any).
    /// Null when the call is not catalogued or its knob is already at one thread.
    /// </summary>
    public (ThreadPoolLibrary Library, string Name, string Advice)? Match(IOperation operation, ParallelConstructs constructs, LocalUsages locals)
    {
        switch (operation)
        {
            case IObjectCreationOperation creation when inferenceSession is not null && KnownTypes.Is(creation.Type, inferenceSession):
                var options = creation.Arguments.FirstOrDefault(a => a.Parameter?.Type.Name == "SessionOptions")?.Value;
                return constructs.OptionsValue(options, "IntraOpNumThreads", Degree.Unbounded, locals).IsParallel()
                    ? (ThreadPoolLibrary.OnnxRuntime, "ONNX Runtime InferenceSession", "set SessionOptions.IntraOpNumThreads = 1")
                    : null;

            case IObjectCreationOperation creation when xgboostModels.Any(model => KnownTypes.Is(creation.Type?.OriginalDefinition, model)):
                // nThread is a constructor parameter: -1 (its default) is every core.
                var threads = creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == XGBoostThreads);
                return threads is not { ArgumentKind: ArgumentKind.Explicit } || EveryCore(threads.Value, constructs)
                    ? (ThreadPoolLibrary.XGBoost, "XGBoost " + creation.Type!.Name, $"pass {XGBoostThreads}: 1")
                    : null;

            case IInvocationOperation { TargetMethod: var method } invocation:
                var type = method.ContainingType?.OriginalDefinition;
                if (ImageSharp(invocation, method, constructs, locals) is { } image)
                {
                    return image;
                }

                if (cv2 is not null && KnownTypes.Is(type, cv2) && OpenCvParallel.Contains(method.Name))
                {
                    return (ThreadPoolLibrary.OpenCvSharp, "OpenCV Cv2." + method.Name, "call Cv2.SetNumThreads(1) first");
                }

                if (magickImage is not null && KnownTypes.Is(type, magickImage) && MagickParallel.Contains(method.Name))
                {
                    return (ThreadPoolLibrary.MagickNet, "Magick.NET MagickImage." + method.Name, "set ResourceLimits.Thread = 1 first");
                }

                if (IsMatrix(type) && method.Name is "Multiply" or "TransposeAndMultiply" or "TransposeThisAndMultiply" or "Inverse" or "Solve" or
                        "Svd" or "Evd" or "QR" or "GramSchmidt" or "Cholesky" or "LU" or "Power" or "KroneckerProduct")
                {
                    return (ThreadPoolLibrary.MathNetNumerics, $"Math.NET Matrix.{method.Name}", "call Control.UseSingleThread() first");
                }

                if (torch is not null && IsTorch(type) && method.Name is not ("set_num_threads" or "get_num_threads" or "manual_seed"))
                {
                    return (ThreadPoolLibrary.TorchSharp, "TorchSharp " + method.Name, "call torch.set_num_threads(1) first");
                }

                // Trainers are extension methods on the catalogs: the catalog is their first parameter.
                var definition = method.ReducedFrom ?? method;
                var catalogType = definition.IsExtensionMethod && definition.Parameters.Length > 0 ? definition.Parameters[0].Type.OriginalDefinition : type;
                if (mlNetTrainerCatalogs.Any(catalog => KnownTypes.Is(catalogType, catalog)) && ThreadsOption(definition) is { } property)
                {
                    var trainerOptions = invocation.Arguments.FirstOrDefault(a => a.Parameter is { } parameter && HasMember(parameter.Type, property))?.Value;
                    return constructs.OptionsValue(trainerOptions, property, Degree.Unbounded, locals).IsParallel()
                        ? (ThreadPoolLibrary.MlNet, $"ML.NET trainer {method.Name}", $"set {property} = 1 in its options")
                        : null;
                }

                return null;

            case IBinaryOperation { OperatorMethod: { } op } when IsMatrix(op.ContainingType?.OriginalDefinition):
                return (ThreadPoolLibrary.MathNetNumerics, "Math.NET matrix " + op.Name.Replace("op_", "").ToLowerInvariant(), "call Control.UseSingleThread() first");

            default:
                return null;
        }
    }

    /// <summary>The parameter of the XGBoost wrappers' constructors that sets their threads.</summary>
    internal const string XGBoostThreads = "nThread";

    /// <summary>
    /// ImageSharp's <c>Mutate</c>/<c>Clone</c>, which run the processors on the image's configuration: the default one uses
    /// every core. With a configuration argument, its <c>MaxDegreeOfParallelism</c> as far as the code shows it.
    /// </summary>
    private (ThreadPoolLibrary Library, string Name, string Advice)? ImageSharp(
        IInvocationOperation invocation, IMethodSymbol method, ParallelConstructs constructs, LocalUsages locals)
    {
        var definition = method.ReducedFrom ?? method;
        if (imageSharpProcessing is null || !KnownTypes.Is(definition.ContainingType, imageSharpProcessing) || method.Name is not ("Mutate" or "Clone"))
        {
            return null;
        }

        var configuration = invocation.Arguments.FirstOrDefault(a => KnownTypes.Is(a.Parameter?.Type, imageSharpConfiguration))?.Value;
        return configuration is null || IsParallel(constructs.OptionsValue(configuration, "MaxDegreeOfParallelism", Degree.AllCores, locals))
            ? (ThreadPoolLibrary.ImageSharp, "ImageSharp " + method.Name, "set Configuration.Default.MaxDegreeOfParallelism = 1 first")
            : null;
    }

    private static bool IsParallel(Degree degree) => degree.IsParallel();

    // A thread count that is certainly more than one: -1 or 0 (every core, for the native libraries), the core count, a constant above one.
    private static bool EveryCore(IOperation count, ParallelConstructs constructs) =>
        count.WalkDownConversion().ConstantValue is { HasValue: true, Value: int constant }
            ? constant != 1
            : constructs.ValueDegree(count) is Degree.AllCores or Degree.Share;

    /// <summary>
    /// True for a call that turns a library's global pool off: its single-thread switch. For ImageSharp, any
    /// <c>MaxDegreeOfParallelism</c> set on a configuration: the images it governs are not followed, so the rule stays silent.
    /// </summary>
    public ThreadPoolLibrary? SingleThreadSwitch(IOperation operation, ParallelConstructs constructs) => operation switch
    {
        ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { Name: "MaxDegreeOfParallelism" } property } }
            when imageSharpConfiguration is not null && KnownTypes.Is(property.ContainingType, imageSharpConfiguration) =>
            ThreadPoolLibrary.ImageSharp,
        IInvocationOperation { TargetMethod: { Name: "SetNumThreads" } method } invocation
            when cv2 is not null && KnownTypes.Is(method.ContainingType, cv2) && invocation.Arguments.Length == 1 &&
                 invocation.Arguments[0].Value.WalkDownConversion().ConstantValue is { HasValue: true, Value: 0 or 1 } =>
            ThreadPoolLibrary.OpenCvSharp,
        ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { Name: "Thread" } property } } assignment
            when magickResourceLimits is not null && KnownTypes.Is(property.ContainingType, magickResourceLimits) &&
                 System.Convert.ToString(assignment.Value.WalkDownConversion().ConstantValue.Value, System.Globalization.CultureInfo.InvariantCulture) == "1" =>
            ThreadPoolLibrary.MagickNet,
        IInvocationOperation { TargetMethod: { Name: "UseSingleThread" } method } when KnownTypes.Is(method.ContainingType, mathNetControl) =>
            ThreadPoolLibrary.MathNetNumerics,
        ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property: { Name: "MaxDegreeOfParallelism" } property } } assignment
            when KnownTypes.Is(property.ContainingType, mathNetControl) && constructs.ValueDegree(assignment.Value) == Degree.One =>
            ThreadPoolLibrary.MathNetNumerics,
        IInvocationOperation { TargetMethod: { Name: "set_num_threads" } method } invocation
            when KnownTypes.Is(method.ContainingType, torch) && invocation.Arguments.Length == 1 && constructs.ValueDegree(invocation.Arguments[0].Value) == Degree.One =>
            ThreadPoolLibrary.TorchSharp,
        _ => null,
    };

    private bool IsMatrix(INamedTypeSymbol? type)
    {
        for (var current = type; current is not null && matrix is not null; current = current.BaseType?.OriginalDefinition)
        {
            if (KnownTypes.Is(current, matrix))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsTorch(INamedTypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (KnownTypes.Is(current, torch))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The threads knob of a trainer: a property of one of its overloads' options types.</summary>
    private static string? ThreadsOption(IMethodSymbol trainer) =>
        trainer.ContainingType.GetMembers(trainer.Name).OfType<IMethodSymbol>()
            .SelectMany(overload => overload.Parameters)
            .Any(parameter => HasMember(parameter.Type, "NumberOfThreads")) ? "NumberOfThreads" : null;

    private static bool HasMember(ITypeSymbol type, string name)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers(name).Any())
            {
                return true;
            }
        }

        return false;
    }
}
