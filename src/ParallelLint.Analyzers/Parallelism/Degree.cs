namespace ParallelLint.Analyzers.Parallelism;

/// <summary>What is known about how many bodies of a construct run at once.</summary>
internal enum Degree
{
    /// <summary>Bounded to one: the construct is sequential and never counts as parallel work.</summary>
    One,

    /// <summary>No bound (the default of the Parallel class, or -1): the thread pool decides.</summary>
    Unbounded,

    /// <summary>Every core: <c>Environment.ProcessorCount</c> and friends, or a default that means it.</summary>
    AllCores,

    /// <summary>
    /// ParallelLint.Runtime's <c>Cores.Available</c> (or an executor's default): every core outside an executor's
    /// item, the item's share inside one.
    /// </summary>
    Share,

    /// <summary>An explicit bound chosen by the code (a constant above one, or a computed value).</summary>
    Bounded,

    /// <summary>
    /// Options its users may replace or bound (a public property of options), which its type leaves unbounded: parallel
    /// unless set otherwise. Not <see cref="DegreeExtensions.IsParallel"/>: only the nesting rules count it (<see cref="DegreeExtensions.Nests"/>), where any
    /// bound but one still multiplies with an unbounded level.
    /// </summary>
    UnboundedByDefault,

    /// <summary>Options that come from elsewhere (a parameter, a field): the rules do not guess.</summary>
    Unknown,
}

internal static class DegreeExtensions
{
    public static bool IsParallel(this Degree degree) =>
        degree is Degree.Unbounded or Degree.AllCores or Degree.Share or Degree.Bounded;

    /// <summary>Parallel, or options left unbounded for their users to set: as written, a level that multiplies with another.</summary>
    public static bool Nests(this Degree degree) => degree.IsParallel() || degree == Degree.UnboundedByDefault;
}
