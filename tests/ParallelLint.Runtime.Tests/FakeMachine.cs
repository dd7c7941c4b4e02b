namespace ParallelLint.Runtime.Tests;

/// <summary>A fake /proc and /sys tree in a temporary directory, with its own environment variables.</summary>
internal sealed class FakeMachine : IDisposable
{
    private readonly Dictionary<string, string?> variables = new();

    public FakeMachine(int processorCount = 8) => ProcessorCount = processorCount;

    public string Root { get; } = Directory.CreateTempSubdirectory("parallellint-machine-").FullName;

    public int ProcessorCount { get; set; }

    public FakeMachine File(string path, string text)
    {
        var full = Path.Combine(Root, path.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, text);
        return this;
    }

    public FakeMachine Variable(string name, string? value)
    {
        variables[name] = value;
        return this;
    }

    /// <summary>CPUs 0..count-1 where each listed group of hyper-threads shares one core.</summary>
    public FakeMachine Cpus(string allowed, params string[] siblingsOfEachCpu)
    {
        File("/proc/self/status", $"Name:\tdotnet\nCpus_allowed:\tff\nCpus_allowed_list:\t{allowed}\n");
        for (var cpu = 0; cpu < siblingsOfEachCpu.Length; cpu++)
        {
            File($"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list", siblingsOfEachCpu[cpu] + "\n");
        }

        return this;
    }

    /// <summary>The process in cgroup <paramref name="path"/> of a v2 hierarchy mounted at /sys/fs/cgroup.</summary>
    public FakeMachine CgroupV2(string path, string mountRoot = "/")
    {
        File("/proc/self/cgroup", $"0::{path}\n");
        return File("/proc/self/mountinfo", $"30 23 0:26 {mountRoot} /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
    }

    /// <summary>Detection's view of this machine; variables and files changed later are seen by later reads.</summary>
    public CoreEnvironment Environment => new(Root, name => variables.GetValueOrDefault(name), ProcessorCount);

    public CoreReport Detect() => CoreDetection.Detect(Environment);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
