namespace ParallelLint.Runtime;

/// <summary>
/// The cores granted to the item an executor is running on this async flow: what <see cref="Cores.Available"/>
/// returns inside it, so that nested levels multiply to at most the machine.
/// </summary>
internal static class ItemBudget
{
    private static readonly AsyncLocal<int?> Current = new();

    /// <summary>The budget of the enclosing item, or null outside any item.</summary>
    public static int? Cores => Current.Value;

    /// <summary>Runs the rest of the current async flow with <paramref name="cores"/> as its budget.</summary>
    public static void Enter(int cores) => Current.Value = cores < 1 ? 1 : cores;
}
