using System.Collections.Concurrent;
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

    private readonly Compilation compilation;
    private readonly HashSet<string> referenced;

    // Every name resolved so far, misses (null) included: each is looked up once per compilation, whichever rule asks.
    private readonly ConcurrentDictionary<string, INamedTypeSymbol?> named = new(System.StringComparer.Ordinal);
    private readonly Func<string, INamedTypeSymbol?> lookUp;

    private KnownTypes(Compilation compilation)
    {
        this.compilation = compilation;
        referenced = new HashSet<string>(compilation.ReferencedAssemblyNames.Select(assembly => assembly.Name));
#pragma warning disable RS0030 // The one place that resolves types by metadata name: every other lookup goes through Named.
        lookUp = compilation.GetTypeByMetadataName;
#pragma warning restore RS0030

        Parallel = Named("System.Threading.Tasks.Parallel");
        ParallelOptions = Named("System.Threading.Tasks.ParallelOptions");
        ParallelEnumerable = Named("System.Linq.ParallelEnumerable");
        Enumerable = Named("System.Linq.Enumerable");
        List = Named("System.Collections.Generic.List`1");
        Array = compilation.GetSpecialType(SpecialType.System_Array);
        Task = Named("System.Threading.Tasks.Task");
        GenericTask = Named("System.Threading.Tasks.Task`1");
        TaskFactory = Named("System.Threading.Tasks.TaskFactory");
        GenericTaskFactory = Named("System.Threading.Tasks.TaskFactory`1");
        Thread = Named("System.Threading.Thread");
        ThreadPool = Named("System.Threading.ThreadPool");
        Environment = Named("System.Environment");
        Process = Named("System.Diagnostics.Process");
        ProcessStartInfo = Named("System.Diagnostics.ProcessStartInfo");
        SemaphoreSlim = Named("System.Threading.SemaphoreSlim");
        GeneratedCodeAttribute = Named("System.CodeDom.Compiler.GeneratedCodeAttribute");

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

    /// <summary>The compilation these types belong to.</summary>
    public Compilation Compilation => compilation;

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

    // Resolved on first use (through Named), for the few rules that need them: read them once, at compilation start.
    public INamedTypeSymbol? CancellationToken => Named("System.Threading.CancellationToken");
    public INamedTypeSymbol? Semaphore => Named("System.Threading.Semaphore");
    public INamedTypeSymbol? Monitor => Named("System.Threading.Monitor");
    public INamedTypeSymbol? Interlocked => Named("System.Threading.Interlocked");
    public INamedTypeSymbol? Math => Named("System.Math");
    public INamedTypeSymbol? MathF => Named("System.MathF");
    public INamedTypeSymbol? Convert => Named("System.Convert");
    public INamedTypeSymbol? Console => Named("System.Console");
    public INamedTypeSymbol? Cloneable => Named("System.ICloneable");
    public INamedTypeSymbol? StringBuilder => Named("System.Text.StringBuilder");
    public INamedTypeSymbol? File => Named("System.IO.File");
    public INamedTypeSymbol? Queryable => Named("System.Linq.IQueryable");
    public INamedTypeSymbol? ParallelQuery => Named("System.Linq.ParallelQuery");
    public INamedTypeSymbol? OrderedEnumerable => Named("System.Linq.IOrderedEnumerable`1");
    public INamedTypeSymbol? AsyncEnumerable => Named("System.Collections.Generic.IAsyncEnumerable`1");
    public INamedTypeSymbol? ImmutableArrayExtensions => Named("System.Linq.ImmutableArrayExtensions");

    /// <summary>System.Text.Json's serializer, wherever it is (a reference or the framework): not gated like <see cref="Optional"/>.</summary>
    public INamedTypeSymbol? JsonSerializer => Named("System.Text.Json.JsonSerializer");

    /// <summary>
    /// The type named <paramref name="metadataName"/> (null when missing or ambiguous), looked up once per compilation
    /// whatever rule or catalogue asks: the only way the analyzers resolve a type by name. Thread-safe.
    /// </summary>
    public INamedTypeSymbol? Named(string metadataName) => named.GetOrAdd(metadataName, lookUp);

    /// <summary>
    /// <see cref="Named"/> for a library the compilation may not reference: looked up only when it references
    /// <paramref name="assembly"/> or is that assembly, since a miss searches every reference.
    /// </summary>
    public INamedTypeSymbol? Optional(string assembly, string metadataName) =>
        References(assembly) || compilation.AssemblyName == assembly ? Named(metadataName) : null;

    /// <summary>True when the compilation references <paramref name="assembly"/> (by simple name).</summary>
    public bool References(string assembly) => referenced.Contains(assembly);

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
