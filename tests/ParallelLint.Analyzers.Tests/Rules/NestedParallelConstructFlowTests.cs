using ParallelLint.Analyzers.Tests.Verifiers;
using VerifyPL1001 = ParallelLint.Analyzers.Tests.Verifiers.Verify<ParallelLint.Analyzers.NestedParallelConstructAnalyzer>;

namespace ParallelLint.Analyzers.Tests.Rules;

/// <summary>PL1001 with options that travel: shared by both levels, kept in fields and properties, degrees in constants.</summary>
public class NestedParallelConstructFlowTests
{
    [Theory]
    [InlineData("ParallelOptions options", "")]
    [InlineData("ParallelOptions options = null", "options ??= new ParallelOptions();")]
    [InlineData("ParallelOptions options = null", "options = options ?? new ParallelOptions();")]
    [InlineData("ParallelOptions options = null", "if (options == null) options = new ParallelOptions();")]
    [InlineData("int d", "var options = new ParallelOptions { MaxDegreeOfParallelism = d };")]
    [InlineData("int d", "var options = new ParallelOptions { MaxDegreeOfParallelism = 4 };")]
    public Task The_same_options_on_both_levels_run_d_times_d(string parameter, string setup) => VerifyPL1001.Analyzer(
        TestSources.Usings + $$"""
        class C
        {
            void M(int n, {{parameter}})
            {
                {{setup}}
                {|#1:Parallel.For|}(0, n, options, i =>
                {
                    {|#0:Parallel.For|}(0, n, options, j => { });
                });
            }
        }
        """,
        expected: VerifyPL1001.Diagnostic("PL1001").WithLocation(0).WithLocation(1).WithArguments(
            "Parallel.For", "Parallel.For", "the same options (options) bound both levels, so the nest runs d × d bodies at once"));

    [Fact]
    public Task The_same_options_property_on_both_levels_Accord_style() => VerifyPL1001.Analyzer(TestSources.Usings + """
        class Learner
        {
            public ParallelOptions ParallelOptions { get; set; } = new ParallelOptions();

            public void Learn(int[] x)
            {
                Parallel.For(0, x.Length, ParallelOptions, () => 0.0, (h, state, partial) =>
                {
                    double sum = 0;
                    {|PL1001:Parallel.For|}(0, x.Length, this.ParallelOptions, () => 0.0, (j, s, p) => p + j, p => sum += p);
                    return partial + sum;
                }, partial => { });
            }
        }
        """);

    [Fact]
    public Task The_same_options_through_a_base_class_property_over_a_field() => VerifyPL1001.Analyzer(TestSources.Usings + TestSources.ParallelLearningBase + """
        class QuasiNewton : ParallelLearningBase
        {
            void Gradient(int n)
            {
                Parallel.For(0, n, ParallelOptions, i => {|PL1001:Parallel.For|}(0, n, ParallelOptions, k => { }));
            }
        }
        """);

    [Theory]
    [InlineData("#define SERIAL\n", "")]
    [InlineData("", "{|PL1001:Parallel.For|}")]
    public Task A_nest_compiled_out_by_the_file_s_define_is_not_a_finding(string define, string inner) => VerifyPL1001.Analyzer(
        define + TestSources.Usings + TestSources.ParallelLearningBase + $$"""
        class BaumWelch : ParallelLearningBase
        {
            void Expectation(int[][] x)
            {
        #if SERIAL
                for (int i = 0; i < x.Length; i++)
        #else
                Parallel.For(0, x.Length, ParallelOptions, i =>
        #endif
                {
        #if SERIAL
                    for (int t = 0; t < x[i].Length; t++)
        #else
                    {{(inner == "" ? "Parallel.For" : inner)}}(0, x[i].Length, ParallelOptions, t =>
        #endif
                    {
                        x[i][t]++;
                    }
        #if !SERIAL
                    );
        #endif
                }
        #if !SERIAL
                );
        #endif
            }
        }
        """);

    [Theory]
    [InlineData("private Calculator calculator = new Calculator();", "", "{|PL1001:Parallel.For|}")]
    [InlineData("private Calculator calculator = new Calculator();", "public void Dispose() { calculator = null; }", "{|PL1001:Parallel.For|}")]
    [InlineData("private Calculator calculator = new Calculator();", "Learner() { calculator.ParallelOptions.MaxDegreeOfParallelism = 1; }", "Parallel.For")]
    [InlineData("private Calculator calculator = new Calculator();", "Learner() { ((IParallel)calculator).ParallelOptions = new ParallelOptions { MaxDegreeOfParallelism = 1 }; }", "Parallel.For")]
    [InlineData("private Calculator calculator = new Calculator();", "Learner() { ParallelOptions = new ParallelOptions { MaxDegreeOfParallelism = 1 }; }", "Parallel.For")]
    [InlineData("private Calculator calculator = new Calculator();", "public Calculator Calculator => calculator;", "Parallel.For")]
    [InlineData("private Calculator calculator;", "public Learner(Calculator given) { calculator = given; }", "Parallel.For")]
    [InlineData("private IParallel calculator = new Calculator();", "public void Use() { calculator = new Sequential(); }", "Parallel.For")]
    [InlineData("private Sequential calculator = new Sequential();", "", "Parallel.For")]
    [InlineData("public Calculator calculator = new Calculator();", "", "Parallel.For")]
    public Task Options_forwarded_from_an_object_the_type_creates_are_that_object_s(string field, string members, string inner) => VerifyPL1001.Analyzer(
        TestSources.Usings + TestSources.ParallelLearningBase + $$"""
        interface IParallel { ParallelOptions ParallelOptions { get; set; } }
        class Calculator : ParallelLearningBase, IParallel { }
        class Sequential : IParallel { public ParallelOptions ParallelOptions { get; set; } = new ParallelOptions { MaxDegreeOfParallelism = 1 }; }

        class Learner : IParallel
        {
            {{field}}

            public ParallelOptions ParallelOptions
            {
                get { return ((IParallel)calculator).ParallelOptions; }
                set { ((IParallel)calculator).ParallelOptions = value; }
            }

            {{members}}

            void M(int n) => Parallel.For(0, n, ParallelOptions, i => {{inner}}(0, n, j => { }));
        }
        """);

    [Theory]
    [InlineData("new ParallelOptions { MaxDegreeOfParallelism = 1 }")]
    [InlineData("new ParallelOptions { MaxDegreeOfParallelism = Sequential }")]
    public Task Shared_options_bounded_to_one_are_not_findings(string options) => VerifyPL1001.Analyzer(TestSources.Usings + $$"""
        class C
        {
            const int Sequential = 1;
            private readonly ParallelOptions field = {{options}};

            void M(int n)
            {
                var local = {{options}};
                Parallel.For(0, n, local, i => Parallel.For(0, n, local, j => { }));
                Parallel.For(0, n, field, i => Parallel.For(0, n, field, j => { }));
            }
        }
        """);

    [Theory]
    [InlineData("options = new ParallelOptions { MaxDegreeOfParallelism = 1 };")]
    [InlineData("options.MaxDegreeOfParallelism = 1;")]
    [InlineData("Reset(ref options);")]
    public Task Options_written_between_the_levels_are_not_followed(string write) => VerifyPL1001.Analyzer(TestSources.Usings + $$"""
        class C
        {
            void M(int n, ParallelOptions options)
            {
                Parallel.For(0, n, options, i =>
                {
                    {{write}}
                    Parallel.For(0, n, options, j => { });
                });
            }

            static void Reset(ref ParallelOptions options) => options = new ParallelOptions();
        }
        """);

    [Fact]
    public Task A_parameter_on_one_level_only_is_not_guessed() => VerifyPL1001.Analyzer(TestSources.Usings + """
        class C
        {
            void M(int n, ParallelOptions options, ParallelOptions other)
            {
                Parallel.For(0, n, options, i => Parallel.For(0, n, j => { }));
                Parallel.For(0, n, i => Parallel.For(0, n, options, j => { }));
                Parallel.For(0, n, options, i => Parallel.For(0, n, other, j => { }));
            }
        }
        """);

    [Fact]
    public Task A_private_field_assigned_in_the_constructor_is_followed() => VerifyPL1001.Analyzer(TestSources.Usings + """
        class C
        {
            private readonly ParallelOptions all;
            private ParallelOptions cancellable;

            C(CancellationToken token)
            {
                all = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
                cancellable = new ParallelOptions();
                cancellable.CancellationToken = token;
            }

            void M(int n)
            {
                Parallel.For(0, n, all, i => {|PL1001:Parallel.For|}(0, n, j => { }));
                Parallel.For(0, n, i => {|PL1001:Parallel.For|}(0, n, cancellable, j => { }));
            }
        }
        """);

    [Fact]
    public Task A_field_bounded_elsewhere_in_its_type_is_not_a_finding() => VerifyPL1001.Analyzer(TestSources.Usings + """
        class C
        {
            private readonly ParallelOptions options = new ParallelOptions();
            private ParallelOptions given = new ParallelOptions();
            private ParallelOptions leaked = new ParallelOptions();

            C() => options.MaxDegreeOfParallelism = 1;

            public void Configure(ParallelOptions value) => given = value;

            public ParallelOptions Leak() => leaked;

            void M(int n)
            {
                Parallel.For(0, n, i => Parallel.For(0, n, options, j => { }));
                Parallel.For(0, n, i => Parallel.For(0, n, given, j => { }));
                Parallel.For(0, n, i => Parallel.For(0, n, leaked, j => { }));
            }
        }
        """);

    [Fact]
    public Task A_public_property_unbounded_by_default_is_a_finding_against_an_unbounded_level() => VerifyPL1001.Analyzer(
        TestSources.Usings + """
        class Learner
        {
            public ParallelOptions ParallelOptions { get; set; } = new ParallelOptions();

            void M(int n)
            {
                {|#1:Parallel.For|}(0, n, ParallelOptions, i => {|#0:Parallel.For|}(0, n, j => { }));

                // With an explicit bound on the other level, its user may have chosen a split.
                Parallel.For(0, n, ParallelOptions, i => Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 2 }, j => { }));
            }
        }
        """,
        expected: VerifyPL1001.Diagnostic("PL1001").WithLocation(0).WithLocation(1).WithArguments(
            "Parallel.For", "Parallel.For", "both levels use every core by default (their options are unbounded until set), so their threads multiply"));

    [Fact]
    public Task A_public_property_without_a_default_is_not_guessed() => VerifyPL1001.Analyzer(TestSources.Usings + """
        class Learner
        {
            public ParallelOptions Given { get; set; }
            public ParallelOptions Bounded { get; set; } = new ParallelOptions { MaxDegreeOfParallelism = 2 };

            void M(int n)
            {
                Parallel.For(0, n, Given, i => Parallel.For(0, n, j => { }));
                Parallel.For(0, n, i => Parallel.For(0, n, Bounded, j => { }));
            }
        }
        """);

    [Theory]
    [InlineData("const int Workers = 1;")]
    [InlineData("static readonly int Workers = 1;")]
    public Task A_degree_kept_in_a_constant_or_readonly_field_is_followed(string declaration) => VerifyPL1001.Analyzer(TestSources.Usings + $$"""
        class C
        {
            {{declaration}}
            static readonly int All = Environment.ProcessorCount;

            void M(int n)
            {
                Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Workers }, i => Parallel.For(0, n, j => { }));
                Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = All }, i =>
                {
                    {|PL1001:Parallel.For|}(0, n, new ParallelOptions { MaxDegreeOfParallelism = All }, j => { });
                });
            }
        }
        """);
}
