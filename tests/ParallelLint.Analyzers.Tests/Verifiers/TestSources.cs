namespace ParallelLint.Analyzers.Tests.Verifiers;

/// <summary>What test sources start with.</summary>
internal static class TestSources
{
    /// <summary>What every rule test's source starts with: the namespaces of every parallel construct and the runtime.</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using System.Threading.Tasks.Dataflow;
        using ParallelLint.Runtime;

        """;

    /// <summary>What <c>&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;</c> gives a project (the samples').</summary>
    public const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>Accord.NET's shape: options in a base-class property over a field, left at <c>new ParallelOptions()</c> for users to set.</summary>
    public const string ParallelLearningBase = """
    class ParallelLearningBase
    {
        private ParallelOptions parallelOptions = new ParallelOptions();

        public ParallelOptions ParallelOptions
        {
            get { return parallelOptions; }
            set { parallelOptions = value; }
        }
    }
    """;
}
