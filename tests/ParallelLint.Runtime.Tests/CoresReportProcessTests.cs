namespace ParallelLint.Runtime.Tests;

/// <summary>Core detection in real processes: what a job started under taskset or on a grid slot sees.</summary>
public class CoresReportProcessTests
{
    [Fact]
    public void A_process_pinned_to_one_cpu_sees_one_core()
    {
        var report = Run("taskset", "-c", "0", "dotnet", ReportTool());
        Assert.Matches(@"^available 1 \(decided by .+\), logical 1, physical 1", report);
    }

    [Fact]
    public void A_process_given_a_grid_allocation_sees_it()
    {
        var report = Run("env", "NSLOTS=1", "PARALLELLINT_CORES=", "dotnet", ReportTool());
        Assert.StartsWith("available 1 (decided by NSLOTS)", report);
    }

    [Fact]
    public void A_process_with_malformed_variables_reports_them_and_runs()
    {
        var report = Run("env", "NSLOTS=abc", "SLURM_CPUS_PER_TASK=-3", "dotnet", ReportTool());
        Assert.Matches(@"NSLOTS\s+-\s+ignored\s+""abc""", report);
        Assert.Matches(@"SLURM_CPUS_PER_TASK\s+-\s+ignored\s+""-3""", report);
    }

    private static string ReportTool() => SampleProgram.Path("ParallelLint.CoresReport");

    private static string Run(string program, params string[] arguments)
    {
        var (exitCode, output, error) = SampleProgram.Run(TimeSpan.FromMinutes(1), program, arguments);
        Assert.True(exitCode == 0, $"{program} exited {exitCode}: {error}");
        return output;
    }
}
