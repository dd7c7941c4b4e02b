namespace ParallelLint.Analyzers.Parallelism;

/// <summary>The kinds of parallel construct in the rule catalogue's terms.</summary>
internal enum ConstructKind
{
    ParallelFor,
    ParallelForEach,
    ParallelForAsync,
    ParallelForEachAsync,
    ParallelInvoke,
    Plinq,
    DataflowBlock,

    // ParallelLint.Runtime's Executor: its items get their share of the cores (nesting protection).
    RuntimeExecutor,

    // Per-item fan-out: parallel only when started once per item of a loop or per-item lambda.
    TaskRun,
    TaskFactoryStartNew,
    Thread,
    QueueUserWorkItem,

    // new Task(...) started with Start(): like a thread, parallel only once started.
    TaskStart,
}

internal static class ConstructKindExtensions
{
    public static bool IsFanOut(this ConstructKind kind) => kind >= ConstructKind.TaskRun;
}
