using Microsoft.CodeAnalysis.Testing;
using ParallelLint.Analyzers.Tests.Verifiers;
using ParallelLint.CodeFixes;
using VerifyPL1002 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.HiddenNestedParallelismAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class HiddenNestedParallelismFixerTests
{
    // PL1002 is reported at the end of the compilation, not per document: the IDE offers the fix once the diagnostic
    // is computed (full solution analysis), dotnet format always.
    private const CodeFixTestBehaviors NonLocal = CodeFixTestBehaviors.SkipLocalDiagnosticCheck;

    private static Task Fix(string body, string fixedBody, string? title = null) =>
        VerifyPL1002.CodeFix<HiddenNestedParallelismFixer>(Code(body), Code(fixedBody), HiddenNestedParallelismFixer.MakeOuterSequential, behaviors: NonLocal, title: title);

    private static Task NoFix(string body) =>
        VerifyPL1002.CodeFix<HiddenNestedParallelismFixer>(Code(body), Code(body), HiddenNestedParallelismFixer.MakeOuterSequential, behaviors: NonLocal);

    [Fact]
    public Task Parallel_ForEach_over_a_call_that_parallelizes_becomes_foreach() => Fix(
        "Parallel.ForEach(models, m => {|PL1002:Fit|}(m));",
        """
        foreach (var m in models)
        {
            Fit(m);
        }
        """,
        title: "Make the outer level sequential: the call runs in parallel already");

    [Fact]
    public Task Parallel_For_with_the_call_as_its_only_statement_becomes_for() => Fix(
        """
        Parallel.For(0, models.Length, i =>
        {
            {|PL1002:Fit|}(models[i]);
        });
        """,
        """
        for (int i = 0; i < models.Length; i++)
        {
            Fit(models[i]);
        }
        """);

    [Fact]
    public Task A_PLINQ_query_over_the_call_loses_AsParallel() => Fix(
        "var fits = models.AsParallel().Select(m => {|PL1002:Fit|}(m)).ToArray();",
        "var fits = models.Select(m => Fit(m)).ToArray();");

    [Fact]
    public Task An_awaited_ForEachAsync_becomes_foreach_with_the_await_kept() => Fix(
        "await Parallel.ForEachAsync(models, token, async (m, ct) => await {|PL1002:FitAsync|}(m, ct));",
        """
        foreach (var m in models)
        {
            await FitAsync(m, token);
        }
        """);

    [Theory]
    [InlineData("Parallel.ForEach(models, m => { Console.WriteLine(m.Length); {|PL1002:Fit|}(m); });")]        // the body does more than the call
    [InlineData("Parallel.ForEach(models, m => Console.WriteLine({|PL1002:Fit|}(m)));")]                       // the call is part of the body
    [InlineData("Parallel.ForEach(models, (m, state) => {|PL1002:Fit|}(m));")]                                  // ParallelLoopState
    [InlineData("Parallel.For(0, models.Length, () => 0.0, (i, s, sum) => {|PL1002:Fit|}(models[i]), sum => { });")] // thread-local state
    [InlineData("Parallel.ForEach(models, {|PL1002:Fit2|});")]                                                  // a method group
    [InlineData("var fits = models.AsParallel().Where(m => m.Length > 0).Select(m => {|PL1002:Fit|}(m)).ToArray();")] // other delegates in the query
    [InlineData("var fits = models.AsParallel().Select(m => {|PL1002:Fit|}(m));")]                              // the result must stay a ParallelQuery
    [InlineData("Parallel.Invoke(() => {|PL1002:Fit|}(models[0]), () => {|PL1002:Fit|}(models[1]));")]        // several actions
    [InlineData("Parallel.ForEach(models, m => models.ToList().ForEach(x => {|PL1002:Fit|}(x)));")]            // the call is in a lambda of its own
    public Task No_fix_where_the_body_is_more_than_the_call_or_the_loop_has_no_exact_sequential_form(string body) => NoFix(body);

    [Fact]
    public Task Fix_all_makes_every_outer_loop_sequential() => Fix(
        """
        Parallel.ForEach(models, m => {|PL1002:Fit|}(m));
        Parallel.ForEach(models, delegate (double[] m) { {|PL1002:Fit|}(m); });
        """,
        """
        foreach (var m in models)
        {
            Fit(m);
        }
        foreach (var m in models)
        {
            Fit(m);
        }
        """);

    private static string Code(string body) => TestSources.Usings + $$"""
        class C
        {
            double[][] models = new double[4][];

            async Task M(CancellationToken token)
            {
                {{body.Replace("\n", "\n        ")}}
                await Task.CompletedTask;
            }

            double Fit(double[] model) => Solve(model);
            void Fit2(double[] model) => Solve(model);
            async Task FitAsync(double[] model, CancellationToken ct) { await Task.Delay(1, ct); Solve(model); }

            static double Solve(double[] data)
            {
                Parallel.For(0, data.Length, i => data[i] = Math.Sqrt(data[i]));
                return data.Sum();
            }
        }
        """;
}
