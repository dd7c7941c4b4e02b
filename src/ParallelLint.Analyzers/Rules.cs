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
