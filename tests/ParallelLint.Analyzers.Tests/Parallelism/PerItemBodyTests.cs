using Microsoft.CodeAnalysis.Operations;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.Analyzers.Tests.Parallelism;

public class PerItemBodyTests
{
    private static PerItemBody? Of(string body)
    {
        var (operation, compilation) = CopiesModelSource.Find<IInvocationOperation>($$"""
            void M(int[] items, Queue<int> queue, int n)
            {
                {{body}}
            }
            static int Work() => 0;
            """);
        return PerItemBody.Of(operation, new ParallelConstructs(KnownTypes.Of(compilation)));
    }

    [Theory]
    [InlineData("for (var i = 0; i < n; i++) { /*@*/Work(); }")]
    [InlineData("foreach (var item in items) { /*@*/Work(); }")]
    [InlineData("while (queue.Count > 0) { queue.Dequeue(); /*@*/Work(); }")]
    [InlineData("do { /*@*/Work(); } while (--n > 0);")]
    [InlineData("foreach (var item in items) { Task.Run(() => /*@*/Work()); }")]
    public void Loop_bodies_and_the_lambdas_written_in_them(string body) => Assert.Equal(PerItemBodyKind.Loop, Of(body)?.Kind);

    [Theory]
    [InlineData("var r = items.Select(x => /*@*/Work() + x).ToArray();")]
    [InlineData("items.ToList().ForEach(x => /*@*/Work());")]
    public void Per_item_lambdas(string body) => Assert.Equal(PerItemBodyKind.PerItemLambda, Of(body)?.Kind);

    [Theory]
    [InlineData("Parallel.For(0, n, i => /*@*/Work());")]
    [InlineData("Parallel.ForEach(items, x => /*@*/Work());")]
    [InlineData("Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i => /*@*/Work());")]
    public void Per_item_parallel_bodies_whatever_their_degree(string body) => Assert.Equal(PerItemBodyKind.ParallelBody, Of(body)?.Kind);

    [Fact]
    public void A_local_function_called_only_per_item() =>
        Assert.Equal(PerItemBodyKind.LocalFunction, Of("foreach (var item in items) { F(); } void F() => /*@*/Work();")?.Kind);

    [Theory]
    [InlineData("/*@*/Work();")]
    [InlineData("Parallel.Invoke(() => /*@*/Work(), () => Work());")]
    [InlineData("Task.Run(() => /*@*/Work());")]
    [InlineData("F(); foreach (var item in items) { F(); } void F() => /*@*/Work();")]
    [InlineData("Action a = F; foreach (var item in items) { F(); } void F() => /*@*/Work();")]
    [InlineData("for (var i = /*@*/Work(); i < n; i++) { }")]
    public void Code_that_runs_once_is_not_per_item(string body) => Assert.Null(Of(body));

    [Fact]
    public void A_loop_body_declares_its_header_variable_and_owns_the_loop()
    {
        var body = Of("foreach (var item in items) { /*@*/Work(); }")!;
        Assert.Same(body.Scope, body.Owner);
        Assert.IsAssignableFrom<IForEachLoopOperation>(body.Scope);
        Assert.True(body.IsLoop);
    }
}
