using Microsoft.CodeAnalysis;

namespace ParallelLint.Analyzers
{
    /// <summary>The rule catalogue: every descriptor, made by one factory that owns category and help links.</summary>
    internal static class Rules
    {
        public const string Category = "Parallelism";

        public static readonly DiagnosticDescriptor NestedParallelConstruct = Create(
            RuleIds.NestedParallelConstruct,
            "Nested parallel construct",
            "{0} runs inside the parallel body of {1}: both levels use every core, so their threads multiply",
            DiagnosticSeverity.Warning,
            "A parallel construct inside the body of another one oversubscribes the machine: outer × inner workers " +
            "compete for the same cores. Make the inner level sequential, or bound both levels so that their product " +
            "stays within the available cores.");

        public static readonly DiagnosticDescriptor HiddenNestedParallelism = Create(
            RuleIds.HiddenNestedParallelism,
            "Hidden nested parallelism through a call",
            "{0} runs parallel work inside the parallel body of {1}: both levels use every core, so their threads multiply",
            DiagnosticSeverity.Warning,
            "A call inside a parallel body reaches code that parallelizes again, directly or through a chain of calls, " +
            "a method marked [RunsParallelWork], or an API listed in parallellint.parallel_apis. The levels multiply " +
            "like directly nested loops. Make one level sequential, or bound both.",
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor LibraryThreadPoolInParallelBody = Create(
            RuleIds.LibraryThreadPoolInParallelBody,
            "Library with its own thread pool inside a parallel body",
            "{0} runs its own thread pool inside the parallel body of {1}: {2}",
            DiagnosticSeverity.Warning,
            "Libraries such as ONNX Runtime, Math.NET Numerics, ML.NET trainers and TorchSharp start a pool of threads " +
            "for their own work. Called from every parallel body, each pool again sizes itself for the whole machine. " +
            "Configure the library single-threaded where it runs inside parallel work.",
            WellKnownDiagnosticTags.CompilationEnd);

        public static readonly DiagnosticDescriptor ProcessPerItem = Create(
            RuleIds.ProcessPerItem,
            "Process per work item",
            "{0} starts a child process per item {1}",
            DiagnosticSeverity.Warning,
            "Starting a process costs the parent time, paid one start after another, and every child copies what it " +
            "needs. Started per item without waiting, the children all run at once however many cores there are; " +
            "started and waited for inside a parallel body, each blocks a thread. Run the commands through the " +
            "runtime's job executor, which bounds the slots, captures output and reports every exit code.");

        public static readonly DiagnosticDescriptor LoopInvariantCopy = Create(
            RuleIds.LoopInvariantCopy,
            "Loop-invariant data copied for every item",
            "{0} copies '{1}' for every item although '{1}' does not change between items",
            DiagnosticSeverity.Warning,
            "A copy or serialization of data that no item changes gives the same result every time: every item pays " +
            "for it, and the copies add up to the data's size times the items. Make it once, before the loop.");

        public static readonly DiagnosticDescriptor SameDataToEveryProcess = Create(
            RuleIds.SameDataToEveryProcess,
            "The same data sent to every child process",
            "The {0} of every child process carries '{1}', the same for every item",
            DiagnosticSeverity.Warning,
            "Each child process started per item receives the same loop-invariant data through its command line, " +
            "environment or standard input: the parent pushes the whole data set to every child, one after another. " +
            "Stage it once in a file and pass each child the path.");

        public static string HelpLink(string id) =>
            $"https://github.com/parallellint/parallellint/blob/main/docs/rules/{id}.md";

        private static DiagnosticDescriptor Create(
            string id,
            string title,
            string messageFormat,
            DiagnosticSeverity severity,
            string description,
            params string[] tags) =>
            new(id, title, messageFormat, Category, severity, isEnabledByDefault: true, description, HelpLink(id), tags);
    }
}
