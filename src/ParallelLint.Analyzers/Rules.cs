namespace ParallelLint.Analyzers;

/// <summary>The rule catalogue: every descriptor, made by one factory that owns category and help links.</summary>
internal static class Rules
{
    public const string Category = "Parallelism";

    public static readonly DiagnosticDescriptor NestedParallelConstruct = Create(
        RuleIds.NestedParallelConstruct,
        "Nested parallel construct",
        "{0} runs inside the parallel body of {1}: {2}",
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
        "Libraries such as ONNX Runtime, Math.NET Numerics, ML.NET trainers, TorchSharp, ImageSharp, OpenCV and ImageMagick start a pool of threads " +
        "for their own work. Called from every parallel body, each pool again sizes itself for the whole machine. " +
        "Configure the library single-threaded where it runs inside parallel work.",
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor HardCodedDegree = Create(
        RuleIds.HardCodedDegree,
        "Hard-coded degree of parallelism",
        "The degree of parallelism {0} is hard-coded for CPU-bound work: it cannot follow the machine the code runs on",
        DiagnosticSeverity.Warning,
        "A constant degree above parallellint.max_constant_degree, or the processor count times a factor above one, " +
        "asks for more workers than the cores a container, an affinity mask or a grid allocation gives. Start small " +
        "and use the cores the machine actually offers.");

    public static readonly DiagnosticDescriptor UnboundedBlockingLoop = Create(
        RuleIds.UnboundedBlockingLoop,
        "Unbounded parallel loop with a blocking body",
        "{0} has no bound on its degree and its body blocks in {1}: the thread pool keeps adding threads",
        DiagnosticSeverity.Warning,
        "Parallel.For and Parallel.ForEach without MaxDegreeOfParallelism let the thread pool decide; while bodies " +
        "block (sleeping, waiting on tasks, synchronous I/O, waiting for processes), the pool injects more threads, " +
        "each taking another item. Bound the loop with the cores available.");

    public static readonly DiagnosticDescriptor UnboundedFanOut = Create(
        RuleIds.UnboundedFanOut,
        "Unbounded fan-out of tasks or threads",
        "{0} starts one per item with nothing bounding how many run at once",
        DiagnosticSeverity.Warning,
        "A task or thread per item, all started before any is awaited, runs as many at once as there are items: " +
        "memory, contention and the scheduler's queue grow with the input. Use a loop with a bounded degree.");

    public static readonly DiagnosticDescriptor AsyncDelegateToParallelLoop = Create(
        RuleIds.AsyncDelegateToParallelLoop,
        "Async delegate passed to a synchronous parallel loop",
        "The async {0} given to {1} becomes async void: the loop returns at its first await and its exceptions go unobserved",
        DiagnosticSeverity.Warning,
        "Parallel.For, Parallel.ForEach and Parallel.Invoke take synchronous delegates. An async lambda or method " +
        "becomes async void: each returns at its first await, the loop ends while the work still runs, unbounded, " +
        "and an exception crashes the process. Use Parallel.ForEachAsync or Parallel.ForAsync and await them.");

    public static readonly DiagnosticDescriptor LoopBodyTooSmall = Create(
        RuleIds.LoopBodyTooSmall,
        "Parallel loop body too small",
        "The body of {0} is too small to pay for a delegate call and scheduling per iteration",
        DiagnosticSeverity.Info,
        "A body of a few arithmetic statements costs less than running it as a parallel iteration. Partition the " +
        "range (Partitioner.Create(from, to)) and loop over each chunk inside the body.");

    public static readonly DiagnosticDescriptor BodySerializedByLock = Create(
        RuleIds.BodySerializedByLock,
        "Parallel body serialized by a lock",
        "All the work of the parallel body of {0} runs inside {1}: iterations run one at a time, plus contention",
        DiagnosticSeverity.Warning,
        "When the whole body holds one lock, the loop is sequential with the cost of parallel scheduling and lock " +
        "contention added. Do the work outside the lock; for an accumulation, keep a total per thread and combine " +
        "the totals once (localInit/localFinally).");

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
#pragma warning disable RS0030 // The one factory of descriptors: every rule's category and help link come from here.
        new(id, title, messageFormat, Category, severity, isEnabledByDefault: true, description, HelpLink(id), tags);
#pragma warning restore RS0030
}
