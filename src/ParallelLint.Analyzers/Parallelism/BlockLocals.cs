using System.Runtime.CompilerServices;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// The locals of each operation block (<see cref="LocalUsages"/>), gathered on first use and shared by every rule
/// of a compilation: the rules that need them ask only for the rare blocks with a construct they report on.
/// </summary>
internal sealed class BlockLocals
{
    private static readonly ConditionalWeakTable<Compilation, BlockLocals> Cache = new();

    // Keyed by the block's root operation: the entry lives as long as the driver keeps the block's tree.
    private readonly ConditionalWeakTable<IOperation, LocalUsages> blocks = new();

    private BlockLocals()
    {
    }

    /// <summary>The cache of <paramref name="compilation"/>.</summary>
    public static BlockLocals Of(Compilation compilation) => Cache.GetValue(compilation, _ => new BlockLocals());

    /// <summary>The locals of the block <paramref name="operation"/> belongs to.</summary>
    public LocalUsages For(IOperation operation) => blocks.GetValue(operation.Root(), root => LocalUsages.Of(new[] { root }));
}
