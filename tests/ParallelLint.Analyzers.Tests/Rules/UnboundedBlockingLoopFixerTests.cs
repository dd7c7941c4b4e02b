using ParallelLint.CodeFixes;
using VerifyPL2002 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.UnboundedBlockingLoopAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class UnboundedBlockingLoopFixerTests
{
    private static string Code(string members, bool withRuntime = true)
    {
        var code = UnboundedBlockingLoopAnalyzerTests.Code(members);
        return withRuntime ? code : code.Replace("using ParallelLint.Runtime;\n", "");
    }

    private static Task Fix(string members, string fixedMembers, bool withRuntime = true) =>
        VerifyPL2002.CodeFix<UnboundedBlockingLoopFixer>(
            Code(members, withRuntime), Code(fixedMembers, withRuntime), UnboundedBlockingLoopFixer.EquivalenceKey, withRuntime);

    [Fact]
    public Task A_loop_without_options_gets_the_available_cores() => Fix(
        """
        void Load() => {|PL2002:Parallel.ForEach|}(paths, path => _ = File.ReadAllText(path));
        """,
        """
        void Load() => Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, path => _ = File.ReadAllText(path));
        """);

    [Fact]
    public Task Without_the_runtime_the_processor_count() => Fix(
        """
        void Load() => {|PL2002:Parallel.ForEach|}(paths, path => Thread.Sleep(100));
        """,
        """
        void Load() => Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, path => Thread.Sleep(100));
        """,
        withRuntime: false);

    [Fact]
    public Task Parallel_For_takes_the_options_after_its_range() => Fix(
        """
        void Load()
        {
            {|PL2002:Parallel.For|}(0, paths.Length, (i, state) =>
            {
                var text = FetchAsync(paths[i]).Result;
                if (text.Length == 0) state.Stop();
            });
        }
        """,
        """
        void Load()
        {
            Parallel.For(0, paths.Length, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, (i, state) =>
            {
                var text = FetchAsync(paths[i]).Result;
                if (text.Length == 0) state.Stop();
            });
        }
        """);

    [Fact]
    public Task Inline_options_keep_their_other_settings() => Fix(
        """
        void Load(CancellationToken token) => {|PL2002:Parallel.ForEach|}(paths, new ParallelOptions { CancellationToken = token }, path => queue.Take());
        """,
        """
        void Load(CancellationToken token) => Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available, CancellationToken = token }, path => queue.Take());
        """);

    [Fact]
    public Task An_explicit_minus_one_is_replaced() => Fix(
        """
        void Load(CancellationToken token) => {|PL2002:Parallel.ForEach|}(paths, new ParallelOptions { CancellationToken = token, MaxDegreeOfParallelism = -1 }, path => gate.Wait());
        """,
        """
        void Load(CancellationToken token) => Parallel.ForEach(paths, new ParallelOptions { CancellationToken = token, MaxDegreeOfParallelism = Cores.Available }, path => gate.Wait());
        """);

    [Fact]
    public Task An_options_local_is_bounded_where_it_is_created() => Fix(
        """
        void Load(CancellationToken token)
        {
            var options = new ParallelOptions { CancellationToken = token };
            {|PL2002:Parallel.ForEach|}(paths, options, path => File.Copy(path, path + ".bak"));
        }
        """,
        """
        void Load(CancellationToken token)
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = Cores.Available, CancellationToken = token };
            Parallel.ForEach(paths, options, path => File.Copy(path, path + ".bak"));
        }
        """);

    [Fact]
    public Task An_options_local_unbounded_later_gets_no_fix() => VerifyPL2002.CodeFix<UnboundedBlockingLoopFixer>(
        Code("""
            void Load()
            {
                var options = new ParallelOptions();
                options.MaxDegreeOfParallelism = -1;
                {|PL2002:Parallel.ForEach|}(paths, options, path => Thread.Sleep(10));
            }
            """),
        Code("""
            void Load()
            {
                var options = new ParallelOptions();
                options.MaxDegreeOfParallelism = -1;
                {|PL2002:Parallel.ForEach|}(paths, options, path => Thread.Sleep(10));
            }
            """),
        UnboundedBlockingLoopFixer.EquivalenceKey);

    [Fact]
    public Task Named_arguments_get_no_fix() => VerifyPL2002.CodeFix<UnboundedBlockingLoopFixer>(
        Code("""void Load() => {|PL2002:Parallel.ForEach|}(source: paths, body: path => Thread.Sleep(10));"""),
        Code("""void Load() => {|PL2002:Parallel.ForEach|}(source: paths, body: path => Thread.Sleep(10));"""),
        UnboundedBlockingLoopFixer.EquivalenceKey);

    [Fact]
    public Task Fix_all_bounds_every_loop() => Fix(
        """
        void Load()
        {
            {|PL2002:Parallel.ForEach|}(paths, path => File.WriteAllText(path + ".out", FetchAsync(path).Result));
            {|PL2002:Parallel.For|}(0, paths.Length, i => Thread.Sleep(i));
            Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = 2 }, path => Thread.Sleep(1));
        }
        """,
        """
        void Load()
        {
            Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, path => File.WriteAllText(path + ".out", FetchAsync(path).Result));
            Parallel.For(0, paths.Length, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, i => Thread.Sleep(i));
            Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = 2 }, path => Thread.Sleep(1));
        }
        """);
}
