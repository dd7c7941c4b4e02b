using System.Diagnostics;
using ParallelLint.Runtime;
using ParallelLint.Samples;

// The runtime on its local default: what this machine offers, and how two nested levels share it.
Console.WriteLine($"{"Cores.Available",-36} {Cores.Available}");
Console.WriteLine($"{"Environment.ProcessorCount",-36} {Environment.ProcessorCount}");
Console.WriteLine($"{"Two nested levels",-36} {Cores.ForLevel(0, 2)} (outer) x {Cores.ForLevel(1, 2)} (inner)");

var models = Enumerable.Range(0, 16).Select(m => Enumerable.Range(0, 2_000).Select(i => (double)(i % (m + 7))).ToArray()).ToArray();
Time("nested, both levels on every core", () => NestedParallelConstruct.Nested(models, 200));
Time("outer level only", () => NestedParallelConstruct.OuterOnly(models, 200));
Time("both levels bounded by the runtime", () => NestedParallelConstruct.Bounded(models, 200));

static void Time(string name, Func<double[]> run)
{
    run(); // warm-up: JIT and thread-pool growth are not what is compared
    var clock = Stopwatch.StartNew();
    var result = run();
    Console.WriteLine($"{name,-36} {clock.Elapsed.TotalMilliseconds,8:F0} ms  (first estimate {result[0]:F1})");
}
