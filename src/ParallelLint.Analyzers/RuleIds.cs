namespace ParallelLint.Analyzers
{
    /// <summary>Every rule ID, named by meaning. IDs are fixed by the rule catalogue.</summary>
    internal static class RuleIds
    {
        public const string NestedParallelConstruct = "PL1001";
        public const string HiddenNestedParallelism = "PL1002";
        public const string LibraryThreadPoolInParallelBody = "PL1003";
        public const string ProcessPerItem = "PL3001";
        public const string LoopInvariantCopy = "PL3002";
        public const string SameDataToEveryProcess = "PL3003";
    }
}
