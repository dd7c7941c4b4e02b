namespace ParallelLint.Analyzers;

/// <summary>Every rule ID, named by meaning. IDs are fixed by the rule catalogue.</summary>
internal static class RuleIds
{
    public const string NestedParallelConstruct = "PL1001";
    public const string HiddenNestedParallelism = "PL1002";
    public const string LibraryThreadPoolInParallelBody = "PL1003";
    public const string HardCodedDegree = "PL2001";
    public const string UnboundedBlockingLoop = "PL2002";
    public const string UnboundedFanOut = "PL2003";
    public const string AsyncDelegateToParallelLoop = "PL2004";
    public const string LoopBodyTooSmall = "PL2005";
    public const string BodySerializedByLock = "PL2006";
    public const string ProcessPerItem = "PL3001";
    public const string LoopInvariantCopy = "PL3002";
    public const string SameDataToEveryProcess = "PL3003";
}
