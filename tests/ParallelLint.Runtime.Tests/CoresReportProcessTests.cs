namespace ParallelLint.Runtime.Tests;

/// <summary>Core detection in real processes: what a job started under taskset or on a grid slot sees.</summary>
public class CoresReportProcessTests
{
    [Fact]
    public void A_process_pinned_to_one_cpu_sees_one_core()
    {
        // A CPU this process may run on: CPU 0 may be outside a container's cpuset.
        var allowed = File.ReadLines("/proc/self/status").Single(line => line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
        var cpu = CpuList.Parse(allowed["Cpus_allowed_list:".Length..])!.Min;
        var report = Run(NoVariables, "taskset", "-c", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture), "dotnet", ReportTool());
        Assert.Matches(@"^available 1 \(decided by .+\), logical 1, physical 1", report);
    }

    [Fact]
    public void A_process_given_a_grid_allocation_sees_it()
    {
        var report = Run(new Dictionary<string, string> { ["NSLOTS"] = "1" }, "dotnet", ReportTool());
        Assert.StartsWith("available 1 (decided by NSLOTS)", report);
    }

    [Fact]
    public void The_override_decides_in_a_real_process_even_above_a_grid_allocation()
    {
        var report = Run(new Dictionary<string, string> { [Cores.OverrideVariable] = "3", ["NSLOTS"] = "1" }, "dotnet", ReportTool());
        Assert.StartsWith($"available 3 (decided by {Cores.OverrideVariable})", report);
    }

    [Fact]
    public void A_process_with_malformed_variables_reports_them_and_runs()
    {
        var report = Run(new Dictionary<string, string> { ["NSLOTS"] = "abc", ["SLURM_CPUS_PER_TASK"] = "-3" }, "dotnet", ReportTool());
        Assert.Matches(@"NSLOTS\s+-\s+ignored\s+""abc""", report);
        Assert.Matches(@"SLURM_CPUS_PER_TASK\s+-\s+ignored\s+""-3""", report);
    }

    private static string ReportTool() => SampleProgram.Path("ParallelLint.CoresReport");

    // Each test's processes get only the core variables it gives them, not those of wherever the tests run.
    private static readonly Dictionary<string, string> NoVariables = new();

    private static string Run(IReadOnlyDictionary<string, string> variables, string program, params string[] arguments)
    {
        var (exitCode, output, error) = SampleProgram.Run(TimeSpan.FromMinutes(1), variables, program, arguments);
        Assert.True(exitCode == 0, $"{program} exited {exitCode}: {error}");
        return output;
    }
}
