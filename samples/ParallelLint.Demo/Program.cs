using ParallelLint.Demo;
using ParallelLint.Runtime;

// One worker of the parent below, started by the job executor: `ParallelLint.Demo worker <data file> <seconds> <wait|busy>`.
if (args.Length > 0 && args[0] == Worker.Verb)
{
    return Worker.Run(args.Skip(1).ToArray());
}

if (!DemoOptions.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(DemoOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(DemoOptions.Usage);
    return 0;
}

Console.WriteLine("What this machine offers (Cores.Detect()):");
Console.Write(Cores.Detect());
Console.WriteLine();

try
{
    var parent = await Parent.PrepareAsync(options);
    var outcomes = new List<ExampleOutcome>();
    foreach (var example in SeedExample.Both)
    {
        outcomes.Add(await parent.MeasureAsync(example, options.Workers));
    }

    Directory.CreateDirectory(options.OutputDirectory);
    // Where it ran, on the plot: the same run elsewhere draws other curves.
    var setting = $"{options.Backend} backend on {Environment.MachineName}: {Cores.Available} of {Environment.ProcessorCount} vCPUs, " +
        $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
    foreach (var file in SeedPlot.Write(outcomes, parent.Unit, setting, options.OutputDirectory))
    {
        Console.WriteLine($"wrote {Path.GetFullPath(file)}");
    }

    return 0;
}
catch (DemoException failure)
{
    Console.Error.WriteLine(failure.Message);
    return 1;
}
