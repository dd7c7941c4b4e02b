using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ParallelLint.Analyzers.Parallelism;
using ParallelLint.Analyzers.Tests.Verifiers;

namespace ParallelLint.Analyzers.Tests.Parallelism;

public class MethodSummariesTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Diagnostics;
        using System.IO;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        interface IStep { void Run(string x); }
        interface IShared { void Run(string x); }

        sealed class Sleeper : IStep, IShared { public void Run(string x) => Thread.Sleep(1); }
        sealed class Idle : IShared { public void Run(string x) { } }

        static class Extensions
        {
            public static string Slurp(this string path) => File.ReadAllText(path);
        }

        class Work
        {
            IStep step = new Sleeper();
            IShared shared = new Idle();

            void Direct() => Thread.Sleep(1);
            void OneDown() => Direct();
            void TwoDown() { var n = 1; if (n > 0) OneDown(); }
            void ThreeDown() => TwoDown();
            void ThroughInterface() => step.Run("x");
            void ThroughTwoImplementations() => shared.Run("x");
            void ThroughExtension() => _ = "a".Slurp();
            void Recursive(int n) { if (n > 0) Recursive(n - 1); }
            void Ping(int n) => Pong(n);
            void Pong(int n) { if (n > 0) Ping(n - 1); else Direct(); }
            async Task Async() { Thread.Sleep(1); await Task.Yield(); }
            IEnumerable<string> Lines() { yield return File.ReadAllText("a"); }
            void OnlyOnFailure() { try { } catch (IOException) { Thread.Sleep(1); } }
            void OnlyCreatesALambda() => _ = new Action(() => Thread.Sleep(1));
            void PerItemLambda() => new List<int> { 1 }.ForEach(i => Thread.Sleep(i));
            void CallsLocal() { Local(); void Local() => Thread.Sleep(1); }
            int Property => Task.FromResult(1).Result;
            void ReadsProperty() => _ = Property;

            void Starts() { var p = Process.Start("gzip", "x"); p.WaitForExit(); }
            void StartsAndLeaves() => Process.Start("gzip", "x");
            Process StartsAndReturns() => Process.Start("gzip", "x");
            void CallsStartsAndLeaves() => StartsAndLeaves();

            void Parallelizes() => Parallel.For(0, 10, i => { });
            void Bounded() => Parallel.For(0, 10, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i => { });
            void CallsParallelizes() => Parallelizes();
        }
        """;

    private static readonly Compilation Compilation = TestReferences.Compile("Summaries", new[] { CSharpSyntaxTree.ParseText(Source) });

    private static IMethodSymbol Method(string name, string type = "Work") =>
        (IMethodSymbol)Compilation.GetTypeByMetadataName(type)!.GetMembers(name).Single(m => m is IMethodSymbol);

    private static string? Reach(string name, Effect effect) => MethodSummaries.Of(Compilation).Reach(Method(name), effect)?.ToString();

    [Fact]
    public void The_compilation_compiles() =>
        Assert.Empty(Compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

    [Theory]
    [InlineData("Direct", "Direct → Thread.Sleep")]
    [InlineData("OneDown", "OneDown → Direct → Thread.Sleep")]
    [InlineData("TwoDown", "TwoDown → OneDown → Direct → Thread.Sleep")]
    [InlineData("ThroughInterface", "ThroughInterface → Run → Thread.Sleep")]
    [InlineData("ThroughExtension", "ThroughExtension → Slurp → File.ReadAllText")]
    [InlineData("Pong", "Pong → Direct → Thread.Sleep")]
    [InlineData("Ping", "Ping → Pong → Direct → Thread.Sleep")]
    [InlineData("PerItemLambda", "PerItemLambda → Thread.Sleep")]
    [InlineData("CallsLocal", "CallsLocal → Local → Thread.Sleep")]
    [InlineData("ReadsProperty", "ReadsProperty → Property → Task.Result")]
    public void Blocking_chains(string method, string chain) => Assert.Equal(chain, Reach(method, Effect.Blocks));

    [Theory]
    [InlineData("ThreeDown")]
    [InlineData("ThroughTwoImplementations")]
    [InlineData("Recursive")]
    [InlineData("Async")]
    [InlineData("Lines")]
    [InlineData("OnlyOnFailure")]
    [InlineData("OnlyCreatesALambda")]
    [InlineData("StartsAndLeaves")]
    public void Not_blocking_within_the_bound(string method) => Assert.Null(Reach(method, Effect.Blocks));

    [Theory]
    [InlineData("Starts", "StartsProcess", "Starts → Process.Start")]
    [InlineData("Starts", "LeavesProcessRunning", null)]
    [InlineData("StartsAndLeaves", "LeavesProcessRunning", "StartsAndLeaves → Process.Start")]
    [InlineData("StartsAndReturns", "StartsProcess", "StartsAndReturns → Process.Start")]
    [InlineData("StartsAndReturns", "LeavesProcessRunning", null)]
    [InlineData("CallsStartsAndLeaves", "LeavesProcessRunning", "CallsStartsAndLeaves → StartsAndLeaves → Process.Start")]
    [InlineData("CallsParallelizes", "RunsParallelWork", "CallsParallelizes → Parallelizes → Parallel.For")]
    [InlineData("Bounded", "RunsParallelWork", null)]
    [InlineData("Direct", "StartsProcess", null)]
    public void Process_and_parallel_chains(string method, string effect, string? chain) =>
        Assert.Equal(chain, Reach(method, (Effect)Enum.Parse(typeof(Effect), effect)));

    [Fact]
    public void Callees_are_the_followed_methods_each_once()
    {
        var summaries = MethodSummaries.Of(Compilation);
        Assert.Equal(new[] { "Pong" }, summaries.Callees(Method("Ping")).Select(m => m.Name));
        Assert.Equal(new[] { "Sleeper.Run" }, summaries.Callees(Method("ThroughInterface")).Select(m => m.ContainingType.Name + "." + m.Name));
        Assert.Empty(summaries.Callees(Method("ThroughTwoImplementations")));
        Assert.Equal("Thread.Sleep", summaries.Direct(Method("Direct"), Effect.Blocks));
        Assert.Null(summaries.Direct(Method("OneDown"), Effect.Blocks));
    }

    [Fact]
    public void Summaries_are_made_once_per_compilation() =>
        Assert.Same(MethodSummaries.Of(Compilation), MethodSummaries.Of(Compilation));

    [Fact]
    public void Methods_from_other_assemblies_are_not_followed()
    {
        var sleep = (IMethodSymbol)Compilation.GetTypeByMetadataName("System.Threading.Thread")!.GetMembers("Sleep").First();
        Assert.Null(MethodSummaries.Of(Compilation).Follow(sleep));
        Assert.Null(MethodSummaries.Of(Compilation).Reach(sleep, Effect.Blocks));
    }
}
