using Microsoft.CodeAnalysis;

namespace ParallelLint.Analyzers
{
    /// <summary>
    /// The library types the rules reason about, resolved once per compilation by metadata name.
    /// A type the compilation does not reference is null, and the rules that need it stay silent.
    /// </summary>
    internal sealed class KnownTypes
    {
        public KnownTypes(Compilation compilation)
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
            DataflowBlockOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.ExecutionDataflowBlockOptions");
            ActionBlock = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.ActionBlock`1");
            TransformBlock = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.TransformBlock`2");
            TransformManyBlock = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.TransformManyBlock`2");
            Cores = compilation.GetTypeByMetadataName("ParallelLint.Runtime.Cores");
            RunsParallelWorkAttribute = compilation.GetTypeByMetadataName("ParallelLint.Runtime.RunsParallelWorkAttribute");
        }

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
        public INamedTypeSymbol? DataflowBlockOptions { get; }
        public INamedTypeSymbol? ActionBlock { get; }
        public INamedTypeSymbol? TransformBlock { get; }
        public INamedTypeSymbol? TransformManyBlock { get; }

        /// <summary>ParallelLint.Runtime's core detection, when the project references the runtime.</summary>
        public INamedTypeSymbol? Cores { get; }

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
}
