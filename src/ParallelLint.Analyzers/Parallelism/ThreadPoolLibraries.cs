namespace ParallelLint.Analyzers.Parallelism;

/// <summary>A library with its own thread pool, as the rules and the fixes know it.</summary>
internal enum ThreadPoolLibrary
{
    OnnxRuntime,
    MathNetNumerics,
    MlNet,
    TorchSharp,
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
    }

    public bool IsEmpty => inferenceSession is null && matrix is null && torch is null && mlNetTrainerCatalogs.All(c => c is null);

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

            case IInvocationOperation { TargetMethod: var method } invocation:
                var type = method.ContainingType?.OriginalDefinition;
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

    /// <summary>True for a call that turns a library's global pool off: its single-thread switch.</summary>
    public ThreadPoolLibrary? SingleThreadSwitch(IOperation operation, ParallelConstructs constructs) => operation switch
    {
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
