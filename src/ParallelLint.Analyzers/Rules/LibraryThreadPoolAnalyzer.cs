using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Diagnostics;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers;

/// <summary>
/// PL1003: inside a parallel body, a call into a library that runs its own thread pool, not configured
/// single-threaded: the catalogue (<see cref="ThreadPoolLibraries"/>) and <c>parallellint.internally_parallel_apis</c>.
/// </summary>
/// <remarks>
/// Some libraries are switched to one thread globally (Math.NET's <c>Control.UseSingleThread()</c>, TorchSharp's
/// <c>torch.set_num_threads(1)</c>), anywhere in the program: the rule reports at the end of the compilation, once
/// it knows whether such a switch exists. One diagnostic per library per parallel body.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LibraryThreadPoolAnalyzer : DiagnosticAnalyzer
{
    internal const string InternallyParallelApisOption = "parallellint.internally_parallel_apis";

    /// <summary>Diagnostic property: which <see cref="ThreadPoolLibrary"/> the call uses (the fixer's knob).</summary>
    internal const string LibraryProperty = "Library";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Rules.LibraryThreadPoolInParallelBody);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCode.Flags);
        context.RegisterCompilationStartAction(start =>
        {
            var libraries = new ThreadPoolLibraries(start.Compilation);
            var listed = ApiList.FromOptions(start.Options, start.Compilation, InternallyParallelApisOption);
            if (libraries.IsEmpty && listed.IsEmpty)
            {
                return;
            }

            var constructs = new ParallelConstructs(KnownTypes.Of(start.Compilation));
            var findings = new ConcurrentBag<(ThreadPoolLibrary Library, Diagnostic Diagnostic)>();
            var switchedOff = new ConcurrentDictionary<ThreadPoolLibrary, bool>();
            start.RegisterOperationBlockAction(block =>
            {
                // One finding per library per parallel body: the first call in the text.
                var walker = new ParallelBodyWalker(constructs);
                var first = new Dictionary<(IOperation Body, string Library), (IOperation Call, ParallelBody Body, (ThreadPoolLibrary Library, string Name, string Advice) Match)>();
                walker.Walk(block.OperationBlocks, block.OwningSymbol, (operation, _, body) =>
                {
                    if (libraries.SingleThreadSwitch(operation, constructs) is { } off)
                    {
                        switchedOff[off] = true;
                    }

                    if (body is not null && Match(operation, libraries, listed, constructs, walker.Locals) is { } match)
                    {
                        var key = (body.Delegate, match.Library == ThreadPoolLibrary.UserListed ? match.Name : match.Library.ToString());
                        if (!first.TryGetValue(key, out var earlier) || operation.Syntax.SpanStart < earlier.Call.Syntax.SpanStart)
                        {
                            first[key] = (operation, body, match);
                        }
                    }
                });

                foreach (var (call, body, match) in first.Values)
                {
                    findings.Add((match.Library, Diagnostic.Create(
                        Rules.LibraryThreadPoolInParallelBody,
                        ParallelConstruct.GetLocation(call),
                        new[] { body.Construct.Location },
                        ImmutableDictionary<string, string?>.Empty.Add(LibraryProperty, match.Library.ToString()),
                        match.Name,
                        body.Construct.Name,
                        match.Advice)));
                }
            });
            start.RegisterCompilationEndAction(end =>
            {
                foreach (var (library, diagnostic) in findings)
                {
                    if (!switchedOff.ContainsKey(library))
                    {
                        end.Report(diagnostic);
                    }
                }
            });
        });
    }

    private static (ThreadPoolLibrary Library, string Name, string Advice)? Match(
        IOperation operation, ThreadPoolLibraries libraries, ApiList listed, ParallelConstructs constructs, LocalUsages locals)
    {
        if (libraries.Match(operation, constructs, locals) is { } known)
        {
            return known;
        }

        var target = operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod,
            IObjectCreationOperation creation => (ISymbol?)creation.Constructor,
            _ => null,
        };
        return target is not null && listed.Contains(target)
            ? (ThreadPoolLibrary.UserListed, target.ContainingType.Name + "." + target.Name, "listed in " + InternallyParallelApisOption + "; configure it single-threaded")
            : null;
    }
}
