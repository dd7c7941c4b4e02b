using System.Diagnostics;

namespace ParallelLint.Runtime.Tests;

/// <summary>What Cores.Available and its siblings reuse between reads, and when they read again.</summary>
public sealed class CoreCacheTests
{
    private static readonly string[] TwoCoresFourThreads = { "0,2", "1,3", "0,2", "1,3" };

    private long now = 1_000_000;

    [Fact]
    public void A_changed_file_is_read_again_only_after_the_lifetime()
    {
        using var machine = new FakeMachine(4).Cpus("0-3", TwoCoresFourThreads).CgroupV2("/app").File("/sys/fs/cgroup/app/cpu.max", "300000 100000");
        var cache = Cache(machine);
        Assert.Equal(3, cache.Limits.Available);

        machine.File("/sys/fs/cgroup/app/cpu.max", "100000 100000");
        Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(3, cache.Limits.Available);

        Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, cache.Limits.Available);
    }

    [Fact]
    public void A_changed_core_variable_counts_on_the_next_read()
    {
        using var machine = new FakeMachine(4).Cpus("0-3", TwoCoresFourThreads);
        var cache = Cache(machine);
        Assert.Equal(4, cache.Limits.Available);

        machine.Variable("NSLOTS", "2");
        Assert.Equal((2, "NSLOTS"), (cache.Limits.Available, cache.Limits.DecidedBy));

        machine.Variable(Cores.OverrideVariable, "6");
        Assert.Equal(6, cache.Limits.Available);

        machine.Variable(Cores.OverrideVariable, null).Variable("NSLOTS", null);
        Assert.Equal(4, cache.Limits.Available);
    }

    [Fact]
    public void Refresh_makes_the_next_read_detect_again()
    {
        using var machine = new FakeMachine(4).Cpus("0-3", TwoCoresFourThreads);
        var cache = Cache(machine);
        Assert.Equal(4, cache.Limits.Logical);

        machine.Cpus("0-1", TwoCoresFourThreads);
        Assert.Equal(4, cache.Limits.Logical);
        cache.Refresh();
        Assert.Equal(2, cache.Limits.Logical);
    }

    [Fact]
    public void The_topology_is_read_only_when_the_physical_cores_are_asked_for()
    {
        // Without sibling lists the physical cores are taken as logical; the lists written after the limits
        // were read are still seen, so reading the limits did not read the topology.
        using var machine = new FakeMachine(4).File("/proc/self/status", "Cpus_allowed_list:\t0-3\n");
        var cache = Cache(machine);
        Assert.Equal(4, cache.Limits.Available);

        machine.Cpus("0-3", TwoCoresFourThreads);
        Assert.Equal(2, cache.Physical);

        // And once read, kept with the rest of the entry.
        machine.File("/sys/devices/system/cpu/cpu2/topology/thread_siblings_list", "2\n").File("/sys/devices/system/cpu/cpu3/topology/thread_siblings_list", "3\n");
        Assert.Equal(2, cache.Physical);
    }

    [Fact]
    public void The_cached_answers_agree_with_a_full_detection_on_this_machine()
    {
        var report = Cores.Detect();
        Cores.Refresh();

        Assert.Equal((report.Available, report.Logical, report.Physical), (Cores.Available, Cores.Logical, Cores.Physical));
    }

    private CoreCache Cache(FakeMachine machine) => new(machine.Environment, TimeSpan.FromSeconds(1), () => now);

    private void Advance(TimeSpan by) => now += (long)(by.TotalSeconds * Stopwatch.Frequency);
}
