using System.Diagnostics;

namespace ParallelLint.Runtime.Tests;

public class CoreDetectionTests
{
    private static readonly string[] FourCoresEightThreads = { "0,4", "1,5", "2,6", "3,7", "0,4", "1,5", "2,6", "3,7" };

    [Fact]
    public void Hyper_threads_count_once_for_physical_cores()
    {
        using var machine = new FakeMachine(8).Cpus("0-7", FourCoresEightThreads);
        var report = machine.Detect();
        Assert.Equal((8, 8, 4), (report.Available, report.Logical, report.Physical));
    }

    [Fact]
    public void Two_sockets_with_repeating_core_ids_are_counted_by_sibling_sets()
    {
        // Socket 0 has cores 0-1 and socket 1 cores 0-1 again: "core id" would say 2, the sibling sets say 4.
        using var machine = new FakeMachine(8).Cpus("0-7", "0-1", "0-1", "2-3", "2-3", "4-5", "4-5", "6-7", "6-7");
        for (var cpu = 0; cpu < 8; cpu++)
        {
            machine.File($"/sys/devices/system/cpu/cpu{cpu}/topology/core_id", ((cpu / 2) % 2).ToString());
        }

        Assert.Equal(4, machine.Detect().Physical);
    }

    [Fact]
    public void Physical_cores_are_counted_within_the_affinity_mask()
    {
        // Allowed: CPUs 0 and 4 (two threads of one core) and 1.
        using var machine = new FakeMachine(8).Cpus("0-1,4", FourCoresEightThreads);
        var report = machine.Detect();
        Assert.Equal((3, 3, 2), (report.Available, report.Logical, report.Physical));
        Assert.Equal("affinity (/proc/self/status Cpus_allowed_list)", report.DecidedBy);
    }

    [Theory]
    [InlineData("150000 100000", 2)]
    [InlineData("100000 100000", 1)]
    [InlineData("50000 100000", 1)]
    [InlineData("400000 100000", 4)]
    public void A_cgroup_v2_quota_limits_with_ceiling_rounding(string cpuMax, int expected)
    {
        using var machine = new FakeMachine(8).Cpus("0-7", FourCoresEightThreads).CgroupV2("/app").File("/sys/fs/cgroup/app/cpu.max", cpuMax);
        var report = machine.Detect();
        Assert.Equal(expected, report.Available);
        Assert.StartsWith("cgroup v2 cpu.max", report.DecidedBy);
    }

    [Fact]
    public void A_cgroup_v2_limit_set_only_on_a_parent_is_found()
    {
        using var machine = new FakeMachine(8)
            .CgroupV2("/jobs/user/task")
            .File("/sys/fs/cgroup/jobs/user/task/cpu.max", "max 100000")
            .File("/sys/fs/cgroup/jobs/user/cpu.max", "max 100000")
            .File("/sys/fs/cgroup/jobs/cpu.max", "300000 100000");
        var report = machine.Detect();
        Assert.Equal(3, report.Available);
        Assert.Equal("cgroup v2 cpu.max (/sys/fs/cgroup/jobs)", report.DecidedBy);
    }

    [Fact]
    public void A_cgroup_v1_limit_on_a_parent_is_found_when_both_hierarchies_are_mounted()
    {
        using var machine = new FakeMachine(8)
            .File("/proc/self/cgroup", "4:memory:/slice/job\n2:cpu,cpuacct:/slice/job\n0::/slice/job\n")
            .File("/proc/self/mountinfo",
                "30 23 0:26 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n" +
                "31 23 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n")
            .File("/sys/fs/cgroup/cpu,cpuacct/slice/job/cpu.cfs_quota_us", "-1")
            .File("/sys/fs/cgroup/cpu,cpuacct/slice/job/cpu.cfs_period_us", "100000")
            .File("/sys/fs/cgroup/cpu,cpuacct/slice/cpu.cfs_quota_us", "250000")
            .File("/sys/fs/cgroup/cpu,cpuacct/slice/cpu.cfs_period_us", "100000")
            .File("/sys/fs/cgroup/unified/slice/cpu.max", "max 100000");
        var report = machine.Detect();
        Assert.Equal(3, report.Available);
        Assert.Equal("cgroup v1 cpu.cfs_quota_us (/sys/fs/cgroup/cpu,cpuacct/slice)", report.DecidedBy);
        Assert.Contains(report.Sources, s => s.Name.StartsWith("cgroup v2") && s.Note == "no quota");
    }

    [Fact]
    public void Inside_a_container_paths_are_relative_to_the_mounted_root()
    {
        using var machine = new FakeMachine(8).CgroupV2("/docker/abc", mountRoot: "/docker/abc").File("/sys/fs/cgroup/cpu.max", "200000 100000");
        Assert.Equal(2, machine.Detect().Available);
    }

    [Theory]
    [InlineData("NSLOTS", "4", 4)]
    [InlineData("SLURM_CPUS_PER_TASK", "2", 2)]
    [InlineData("SLURM_CPUS_ON_NODE", "6", 6)]
    [InlineData("PBS_NUM_PPN", "3", 3)]
    [InlineData("NCPUS", "5", 5)]
    [InlineData("LSB_DJOB_NUMPROC", "7", 7)]
    [InlineData("DOTNET_PROCESSOR_COUNT", "1", 1)]
    public void Grid_allocations_and_the_runtime_variable_limit(string variable, string value, int expected)
    {
        using var machine = new FakeMachine(8).Cpus("0-7", FourCoresEightThreads).Variable(variable, value);
        var report = machine.Detect();
        Assert.Equal(expected, report.Available);
        Assert.Equal(variable, report.DecidedBy);
    }

    [Fact]
    public void The_override_decides_even_above_other_limits()
    {
        using var machine = new FakeMachine(2).Variable(Cores.OverrideVariable, "16").Variable("NSLOTS", "1");
        var report = machine.Detect();
        Assert.Equal((16, Cores.OverrideVariable), (report.Available, report.DecidedBy));
    }

    [Fact]
    public void OpenMP_variables_are_reported_but_do_not_limit()
    {
        using var machine = new FakeMachine(8).Cpus("0-7", FourCoresEightThreads).Variable("OMP_NUM_THREADS", "1").Variable("OMP_THREAD_LIMIT", "2");
        var report = machine.Detect();
        Assert.Equal(8, report.Available);
        var omp = report.Sources.Single(s => s.Name == "OMP_NUM_THREADS");
        Assert.Equal((1, false), (omp.Cores, omp.IsLimiting));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("2.5")]
    [InlineData(" ")]
    [InlineData("99999999999999")]
    public void Malformed_variables_are_reported_as_ignored(string value)
    {
        using var machine = new FakeMachine(6).Variable("NSLOTS", value).Variable(Cores.OverrideVariable, value);
        var report = machine.Detect();
        Assert.Equal(6, report.Available);
        var nslots = report.Sources.Single(s => s.Name == "NSLOTS");
        Assert.Equal((value, false), (nslots.Raw, nslots.IsLimiting));
        Assert.Contains("ignored", nslots.Note);
    }

    [Theory]
    [InlineData("abc 100000")]
    [InlineData("150000")]
    [InlineData("-5 100000")]
    [InlineData("100000 0")]
    public void Malformed_cgroup_files_are_reported_as_ignored(string cpuMax)
    {
        using var machine = new FakeMachine(4).CgroupV2("/a").File("/sys/fs/cgroup/a/cpu.max", cpuMax);
        var report = machine.Detect();
        Assert.Equal(4, report.Available);
        Assert.Contains(report.Sources, s => s.Name.StartsWith("cgroup v2") && s.Note.StartsWith("ignored"));
    }

    [Fact]
    public void Garbage_everywhere_never_throws()
    {
        using var machine = new FakeMachine(3)
            .File("/proc/self/status", "Cpus_allowed_list:\t9-2,x\n")
            .File("/proc/self/cgroup", "::::\n\n0::\n")
            .File("/proc/self/mountinfo", "- - -\n1 2 3\n")
            .File("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list", "zz");
        var report = machine.Detect();
        Assert.Equal((3, 3, 3), (report.Available, report.Logical, report.Physical));
        Assert.Contains("ignored", report.ToString());
    }

    [Fact]
    public void The_report_lists_every_source_with_its_state()
    {
        using var machine = new FakeMachine(8).Cpus("0-7", FourCoresEightThreads).Variable("NSLOTS", "4");
        var text = machine.Detect().ToString();
        Assert.StartsWith("available 4 (decided by NSLOTS), logical 8, physical 4", text);
        Assert.Contains("NSLOTS", text);
        Assert.Contains("limits", text);
        Assert.Contains("absent", text);
    }

    [Fact]
    public void The_real_machine_agrees_with_nproc()
    {
        // nproc honours OMP_NUM_THREADS and OMP_THREAD_LIMIT, which Cores.Logical does not.
        var start = new ProcessStartInfo("nproc") { RedirectStandardOutput = true };
        SampleProgram.ClearCoreVariables(start);
        using var nproc = Process.Start(start)!;
        var expected = int.Parse(nproc.StandardOutput.ReadToEnd().Trim());
        nproc.WaitForExit();
        Assert.Equal(expected, Cores.Logical);
    }
}
