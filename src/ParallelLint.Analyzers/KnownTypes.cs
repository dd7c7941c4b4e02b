using System.Runtime.CompilerServices;

namespace ParallelLint.Analyzers;

/// <summary>
/// The library types the rules reason about, resolved once per compilation by metadata name.
/// A type the compilation does not reference is null, and the rules that need it stay silent.
/// </summary>
internal sealed class KnownTypes
{
    // Looking a name up searches every referenced assembly: done once per compilation, for all the rules.
    private static readonly ConditionalWeakTable<Compilation, KnownTypes> Cache = new();

    private KnownTypes(Compilation compilation)
    {
        Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
        ParallelOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.ParallelOptions");
        ParallelEnumerable = compilation.GetTypeByMetadataName("System.Linq.ParallelEnumerable");
        Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
        List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
        Array = compilation.GetSpecialType(SpecialType.System_Array);
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        GenericTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
        GenericTaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
        Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
        ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
        Environment = compilation.GetTypeByMetadataName("System.Environment");
        Process = compilation.GetTypeByMetadataName("System.Diagnostics.Process");
        ProcessStartInfo = compilation.GetTypeByMetadataName("System.Diagnostics.ProcessStartInfo");
        SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
        GeneratedCodeAttribute = compilation.GetTypeByMetadataName("System.CodeDom.Compiler.GeneratedCodeAttribute");

        // Types of optional libraries are looked up only where the library is referenced (a miss searches everything).
        var referenced = new HashSet<string>(compilation.ReferencedAssemblyNames.Select(assembly => assembly.Name));
        INamedTypeSymbol? Optional(string assembly, string type) =>
            referenced.Contains(assembly) || compilation.AssemblyName == assembly ? compilation.GetTypeByMetadataName(type) : null;
        DataflowBlockOptions = Optional("System.Threading.Tasks.Dataflow", "System.Threading.Tasks.Dataflow.ExecutionDataflowBlockOptions");
        ActionBlock = Optional("System.Threading.Tasks.Dataflow", "System.Threading.Tasks.Dataflow.ActionBlock`1");
        TransformBlock = Optional("System.Threading.Tasks.Dataflow", "System.Threading.Tasks.Dataflow.TransformBlock`2");
        TransformManyBlock = Optional("System.Threading.Tasks.Dataflow", "System.Threading.Tasks.Dataflow.TransformManyBlock`2");
        Cores = Optional("ParallelLint.Runtime", "ParallelLint.Runtime.Cores");
        Executor = Optional("ParallelLint.Runtime", "ParallelLint.Runtime.Executor");
        ExecutorOptions = Optional("ParallelLint.Runtime", "ParallelLint.Runtime.ExecutorOptions");
        RunsParallelWorkAttribute = Optional("ParallelLint.Runtime", "ParallelLint.Runtime.RunsParallelWorkAttribute");
        JobExecutor = Optional("ParallelLint.Runtime", "ParallelLint.Runtime.Jobs.JobExecutor");
    }

    /// <summary>The types of <paramref name="compilation"/>, resolved on first use and shared by every rule.</summary>
    public static KnownTypes Of(Compilation compilation) => Cache.GetValue(compilation, c => new KnownTypes(c));

    public INamedTypeSymbol? Parallel { get; }
    public INamedTypeSymbol? ParallelOptions { get; }
    public INamedTypeSymbol? ParallelEnumerable { get; }
    public INamedTypeSymbol? Enumerable { get; }
    public INamedTypeSymbol? List { get; }
    public INamedTypeSymbol Array { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? GenericTask { get; }
    public INamedTypeSymbol? TaskFactory { get; }
    public INamedTypeSymbol? GenericTaskFactory { get; }
    public INamedTypeSymbol? Thread { get; }
    public INamedTypeSymbol? ThreadPool { get; }
    public INamedTypeSymbol? Environment { get; }
    public INamedTypeSymbol? Process { get; }
    public INamedTypeSymbol? ProcessStartInfo { get; }
    public INamedTypeSymbol? SemaphoreSlim { get; }

    /// <summary>What marks generated members (<see cref="GeneratedCode"/>).</summary>
    public INamedTypeSymbol? GeneratedCodeAttribute { get; }
    public INamedTypeSymbol? DataflowBlockOptions { get; }
    public INamedTypeSymbol? ActionBlock { get; }
    public INamedTypeSymbol? TransformBlock { get; }
    public INamedTypeSymbol? TransformManyBlock { get; }

    /// <summary>ParallelLint.Runtime's core detection, when the project references the runtime.</summary>
    public INamedTypeSymbol? Cores { get; }

    /// <summary>ParallelLint.Runtime's bounded executor, whose items get their share of the cores.</summary>
    public INamedTypeSymbol? Executor { get; }

    /// <summary>The executor's options (<c>Degree</c>, <c>CoresPerItem</c>).</summary>
    public INamedTypeSymbol? ExecutorOptions { get; }

    /// <summary>ParallelLint.Runtime's job executor: what the process rules' fixes target.</summary>
    public INamedTypeSymbol? JobExecutor { get; }

    /// <summary>The attribute libraries put on members that run parallel work (read across assemblies).</summary>
    public INamedTypeSymbol? RunsParallelWorkAttribute { get; }

    public bool IsDataflowBlock(ITypeSymbol? type) =>
        type is INamedTypeSymbol named &&
        (Is(named.OriginalDefinition, ActionBlock) ||
         Is(named.OriginalDefinition, TransformBlock) ||
         Is(named.OriginalDefinition, TransformManyBlock));

    public bool IsTask(ITypeSymbol? type) =>
        Is(type?.OriginalDefinition, Task) || Is(type?.OriginalDefinition, GenericTask);

    public static bool Is(ITypeSymbol? type, ITypeSymbol? known) =>
        known is not null && SymbolEqualityComparer.Default.Equals(type, known);
}
