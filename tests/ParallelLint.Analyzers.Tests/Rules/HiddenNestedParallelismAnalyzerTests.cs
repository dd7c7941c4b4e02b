using ParallelLint.Analyzers.Tests.Verifiers;
using VerifyPL1002 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.HiddenNestedParallelismAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

public class HiddenNestedParallelismAnalyzerTests
{
    [Fact]
    public Task A_chain_of_one_call_names_the_callee_and_the_construct() => VerifyPL1002.Analyzer(
        Code("""
            void Run(int n) => {|#1:Parallel.For|}(0, n, i => {|#0:Solve|}(i));
            void Solve(int i) => Parallel.For(0, i, j => { });
            """),
        expected: VerifyPL1002.Diagnostic("PL1002").WithLocation(0).WithLocation(1).WithArguments("Solve → Parallel.For", "Parallel.For"));

    [Fact]
    public Task A_chain_of_two_levels_through_a_PLINQ_body() => VerifyPL1002.Analyzer(
        Code("""
            int[] Run(int[] items) => items.{|#1:AsParallel|}().Select(x => {|#0:Fit|}(x)).ToArray();
            int Fit(int x) => Solve(x) + 1;
            int Solve(int x) => items2.AsParallel().Sum(y => y * x);
            int[] items2 = new int[10];
            """),
        expected: VerifyPL1002.Diagnostic("PL1002").WithLocation(0).WithLocation(1).WithArguments("Fit → Solve → PLINQ query", "PLINQ query"));

    [Fact]
    public Task A_deep_chain_is_followed_to_its_end()
    {
        var levels = string.Join("\n", System.Linq.Enumerable.Range(1, 25).Select(i => $"void Level{i}() => Level{i + 1}();"));
        return VerifyPL1002.Analyzer(Code($$"""
            void Run(int n) => Parallel.For(0, n, i => {|PL1002:Level1|}());
            {{levels}}
            void Level26() => Parallel.Invoke(() => { }, () => { });
            """));
    }

    [Fact]
    public Task Constructors_accessors_indexers_operators_and_local_functions_are_calls() => VerifyPL1002.Analyzer(
        Code("""
            void Run(int n)
            {
                Parallel.For(0, n, i =>
                {
                    var model = {|PL1002:new Model|}(i);
                    _ = model.{|PL1002:Estimate|};
                    _ = model{|PL1002:[i]|};
                    _ = {|PL1002:model + model|};
                    {|PL1002:Helper|}();
                });

                void Helper() => Parallel.For(0, n, j => { });
            }
            """,
            """
            class Model
            {
                public Model(int n) => Parallel.For(0, n, i => { });
                public int Estimate { get { Parallel.Invoke(() => { }, () => { }); return 1; } }
                public int this[int i] { get { Parallel.For(0, i, j => { }); return i; } }
                public static Model operator +(Model a, Model b) { Parallel.For(0, 2, i => { }); return a; }
            }
            """));

    [Fact]
    public Task Calls_from_executor_items_are_left_to_the_items_share_but_an_executor_called_from_a_parallel_body_is_parallel() => VerifyPL1002.Analyzer(
        Code("""
            void Run(int[] items)
            {
                Executor.ForEach(items, x => Solve(x));
                Executor.ForEach(items, Solve);
                Parallel.ForEach(items, x => {|PL1002:Batch|}(items));
            }

            void Solve(int x) => Parallel.For(0, x, new ParallelOptions { MaxDegreeOfParallelism = Cores.Available }, j => { });
            void Batch(int[] items) => Executor.ForEach(items, x => { });
            """));

    [Fact]
    public Task A_method_group_run_as_the_parallel_body_is_a_call() => VerifyPL1002.Analyzer(Code("""
        void Run(int[] items) => Parallel.ForEach(items, {|PL1002:Fit|});
        void Fit(int x) => Parallel.For(0, x, j => { });
        """));

    [Fact]
    public Task Recursive_fork_join_is_not_a_finding() => VerifyPL1002.Analyzer(Code("""
        void Sort(int[] a, int lo, int hi)
        {
            if (hi - lo < 1000) { System.Array.Sort(a, lo, hi - lo); return; }
            var mid = (lo + hi) / 2;
            Parallel.Invoke(() => Sort(a, lo, mid), () => Sort(a, mid, hi));
        }

        void Even(int n) { if (n > 0) Parallel.Invoke(() => Odd(n - 1)); }
        void Odd(int n) { if (n > 0) Even(n - 1); }
        """));

    [Theory]
    [InlineData("void Run(int n) { for (var i = 0; i < n; i++) Solve(i); }")]
    [InlineData("void Run(int n) => Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i => Solve(i));")]
    [InlineData("void Run(int n) => Parallel.For(0, n, i => Sequential(i));")]
    [InlineData("void Run(int n) => Parallel.For(0, n, i => Bounded(i));")]
    [InlineData("void Run(int n) { Parallel.For(0, n, i => { }); Solve(n); }")]
    public Task Sequential_callers_sequential_callees_and_calls_outside_bodies_are_not_findings(string run) => VerifyPL1002.Analyzer(Code(run + """

        void Solve(int i) => Parallel.For(0, i, j => { });
        void Sequential(int i) { for (var j = 0; j < i; j++) { } }
        void Bounded(int i) => Parallel.For(0, i, new ParallelOptions { MaxDegreeOfParallelism = 1 }, j => { });
        """));

    [Fact]
    public Task Virtual_calls_count_only_when_the_target_is_certain() => VerifyPL1002.Analyzer(
        Code("""
            void Run(int n, ISolver single, IModel many, Base open, Sealed closed) => Parallel.For(0, n, i =>
            {
                single.{|PL1002:Solve|}(i);
                many.Fit(i);
                open.Work(i);
                closed.{|PL1002:Work|}(i);
            });
            """,
            """
            interface ISolver { void Solve(int i); }
            class OnlySolver : ISolver { public void Solve(int i) => Parallel.For(0, i, j => { }); }

            interface IModel { void Fit(int i); }
            class ParallelModel : IModel { public void Fit(int i) => Parallel.For(0, i, j => { }); }
            class SequentialModel : IModel { public void Fit(int i) { } }

            class Base { public virtual void Work(int i) => Parallel.For(0, i, j => { }); }
            class Derived : Base { public override void Work(int i) { } }
            sealed class Sealed : Base { public override void Work(int i) => Parallel.For(0, i, j => { }); }
            """));

    [Fact]
    public async Task Members_marked_RunsParallelWork_in_another_assembly_are_parallel_work()
    {
        var test = new Verify<HiddenNestedParallelismAnalyzer>.AnalyzerTest
        {
            TestCode = Code("""
                void Run(int n) => Parallel.For(0, n, i =>
                {
                    {|PL1002:Library.Solver.Solve|}(i);
                    Library.Solver.Sequential(i);
                });
                """),
        };
        Verify<HiddenNestedParallelismAnalyzer>.Configure(test.TestState, withRuntime: true, editorConfig: null);
        test.TestState.AdditionalProjects["Library"].Sources.Add(("Solver.cs", """
            namespace Library
            {
                public static class Solver
                {
                    [ParallelLint.Runtime.RunsParallelWork]
                    public static void Solve(int i) { }
                    public static void Sequential(int i) { }
                }
            }
            """));
        Verify<HiddenNestedParallelismAnalyzer>.Configure(test.TestState.AdditionalProjects["Library"], withRuntime: true);
        test.TestState.AdditionalProjectReferences.Add("Library");
        await test.RunAsync();
    }

    [Fact]
    public Task APIs_listed_in_the_option_are_parallel_work() => VerifyPL1002.Analyzer(
        Code("""
            void Run(int n) => Parallel.For(0, n, i =>
            {
                {|PL1002:System.Math.Sqrt|}(i);
                {|PL1002:System.Console.WriteLine|}(i);
                System.Math.Abs(i);
                {|PL1002:System.Math.Max|}(i, 2);
            });
            """),
        // .editorconfig reads `;` as the start of a comment: entries are separated by commas there.
        editorConfig: "parallellint.parallel_apis = M:System.Math.Sqrt(System.Double), T:System.Console, M:System.Math.Max(System.Int32,System.Int32), not-an-id\n");

    [Fact]
    public Task A_malformed_option_is_ignored() => VerifyPL1002.Analyzer(
        Code("void Run(int n) => Parallel.For(0, n, i => System.Math.Sqrt(i));"),
        editorConfig: "parallellint.parallel_apis = ,,M:,T,garbage\n");

    [Fact]
    public Task A_local_function_declared_inside_the_body_is_left_to_PL1001() => VerifyPL1002.Analyzer(Code("""
        void Run(int n) => Parallel.For(0, n, i =>
        {
            Inner();
            void Inner() => Parallel.For(0, n, j => { });
        });
        """));

    private const string Learners = """
        class KMeans : ParallelLearningBase
        {
            public virtual void Learn(double[] x) => Parallel.For(0, x.Length, ParallelOptions, i => { });
        }

        class MiniBatchKMeans : KMeans
        {
            public override void Learn(double[] x) { }
        }
        """;

    [Theory]
    [InlineData("models[i] = new KMeans(); models[i].{|#0:Learn|}(x);")]
    [InlineData("var model = new KMeans(); model.{|#0:Learn|}(x);")]
    [InlineData("new KMeans().{|#0:Learn|}(x);")]
    public Task A_virtual_call_on_an_object_just_created_runs_its_type_s_method(string body) => VerifyPL1002.Analyzer(
        Mixture(body, outer: "{|#1:Parallel.For|}"),
        expected: VerifyPL1002.Diagnostic("PL1002").WithLocation(0).WithLocation(1).WithArguments("Learn → Parallel.For", "Parallel.For"));

    [Theory]
    [InlineData("models[i] = new MiniBatchKMeans(); models[i].Learn(x);")]
    [InlineData("var model = new MiniBatchKMeans(); model.Learn(x);")]
    [InlineData("models[i] = new KMeans(); models[i] = Pick(); models[i].Learn(x);")]
    [InlineData("models[i] = new KMeans(); i++; models[i].Learn(x);")]
    [InlineData("var model = new KMeans(); model = Pick(); model.Learn(x);")]
    [InlineData("Pick().Learn(x);")]
    public Task A_virtual_call_whose_object_may_be_another_type_is_not_followed(string body) => VerifyPL1002.Analyzer(Mixture(body));

    /// <summary>A Gaussian mixture whose parallel loop over initializations runs <paramref name="body"/> (Accord.NET's shape).</summary>
    private static string Mixture(string body, string outer = "Parallel.For") =>
        TestSources.Usings + TestSources.ParallelLearningBase + Learners + $$"""

        class GaussianMixture : ParallelLearningBase
        {
            static KMeans Pick() => new MiniBatchKMeans();

            void Initialize(double[] x, int n)
            {
                var models = new KMeans[n];
                {{outer}}(0, n, ParallelOptions, i => { {{body}} });
            }
        }
        """;

    /// <summary>
    /// Accord.NET's hidden-CRF learners: the outer options are a property forwarding the options of a private
    /// gradient calculator, whose gradient reaches the model's unbounded <c>Parallel.For</c>.
    /// </summary>
    private const string HiddenFields = """
        interface IParallel { ParallelOptions ParallelOptions { get; set; } }

        class LearningBase : IParallel
        {
            private ParallelOptions parallelOptions;

            public ParallelOptions ParallelOptions
            {
                get { return parallelOptions; }
                set { parallelOptions = value; }
            }

            public LearningBase() { parallelOptions = new ParallelOptions(); }
        }

        class Field<T>
        {
            public double[] LogLikelihood(T[] observations)
            {
                var logLikelihoods = new double[3];
                Parallel.For(0, logLikelihoods.Length, y => logLikelihoods[y] = y);
                return logLikelihoods;
            }

            public double LogLikelihood(T[][] observations, int[] outputs)
            {
                double sum = 0;
                for (int i = 0; i < observations.Length; i++)
                    sum += LogLikelihood(observations[i])[outputs[i]];
                return sum;
            }
        }

        class Gradient<T> : LearningBase
        {
            private Field<T> model = new Field<T>();

            public T[][] Inputs { get; set; }
            public int[] Outputs { get; set; }

            public double[] Compute()
            {
                model.LogLikelihood(Inputs, Outputs);
                return new double[1];
            }
        }
        """;

    [Fact]
    public Task A_call_on_a_field_from_a_body_run_with_options_forwarded_from_that_field_Resilient_style() => VerifyPL1002.Analyzer(
        HiddenLearner("private Gradient<T> calculator = new Gradient<T>();", """
            public void RunEpoch(T[][] observations, int[] outputs)
            {
                {|#1:Parallel.For|}(0, observations.Length, ParallelOptions, i =>
                {
                    calculator.Inputs = new[] { observations[i] };
                    calculator.Outputs = new[] { outputs[i] };
                    double[] estimate = calculator.{|#0:Compute|}();
                });
            }
            """),
        expected: VerifyPL1002.Diagnostic("PL1002").WithLocation(0).WithLocation(1).WithArguments("Compute → LogLikelihood → LogLikelihood → Parallel.For", "Parallel.For"));

    [Fact]
    public Task Options_forwarded_from_an_object_given_from_outside_are_not_guessed() => VerifyPL1002.Analyzer(
        HiddenLearner("private Gradient<T> calculator;", """
            public Learner(Gradient<T> given) { calculator = given; }

            public void RunEpoch(T[][] observations) =>
                Parallel.For(0, observations.Length, ParallelOptions, i => calculator.Compute());
            """));

    [Fact]
    public Task A_helper_between_the_body_and_the_field_call_GradientDescent_style() => VerifyPL1002.Analyzer(
        HiddenLearner("private Gradient<T> calculator = new Gradient<T>();", """
            public void RunEpoch(T[][] observations, int[] outputs)
            {
                if (ParallelOptions.MaxDegreeOfParallelism == 1)
                {
                    for (int i = 0; i < observations.Length; i++)
                        iterate(observations, outputs, i);
                }
                else
                {
                    {|#1:Parallel.For|}(0, observations.Length, ParallelOptions, i =>
                        {|#0:iterate|}(observations, outputs, i));
                }
            }

            private void iterate(T[][] observations, int[] outputs, int i)
            {
                calculator.Inputs = new[] { observations[i] };
                double[] estimate = calculator.Compute();
            }
            """),
        expected: VerifyPL1002.Diagnostic("PL1002").WithLocation(0).WithLocation(1).WithArguments("iterate → Compute → LogLikelihood → LogLikelihood → Parallel.For", "Parallel.For"));

    /// <summary>A hidden-CRF learner keeping its gradient calculator in <paramref name="field"/>, its options forwarded from it.</summary>
    private static string HiddenLearner(string field, string members) => TestSources.Usings + HiddenFields + $$"""

        class Learner<T> : IParallel
        {
            {{field}}

            public ParallelOptions ParallelOptions
            {
                get { return ((IParallel)calculator).ParallelOptions; }
                set { ((IParallel)calculator).ParallelOptions = value; }
            }

            {{members}}
        }
        """;

    private static string Code(string members, string types = "") => TestSources.Usings + $$"""
        partial class C
        {
            {{members}}
        }

        {{types}}
        """;
}
