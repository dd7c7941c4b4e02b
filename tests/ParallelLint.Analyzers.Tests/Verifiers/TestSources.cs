namespace ParallelLint.Analyzers.Tests.Verifiers;

/// <summary>What every rule test's source starts with: the namespaces of every parallel construct and the runtime.</summary>
internal static class TestSources
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;
        using ParallelLint.Runtime;

        """;
}
