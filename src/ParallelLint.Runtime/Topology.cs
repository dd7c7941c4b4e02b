using System.Globalization;
using System.Runtime.InteropServices;

namespace ParallelLint.Runtime;

/// <summary>
/// Physical cores: hyper-threads of one core count once. On Linux, the distinct thread-sibling sets of the CPUs
/// this process may run on (per-socket core ids repeat across sockets, so they cannot be counted instead).
/// </summary>
internal static class Topology
{
    public static int PhysicalCores(CoreEnvironment environment, IReadOnlyCollection<int>? affinity, int logical, List<CoreSource> sources)
    {
        var cpus = (IEnumerable<int>?)affinity ?? CpuList.Parse(environment.Read("/sys/devices/system/cpu/online")) ?? Enumerable.Range(0, logical);
        var siblingSets = new HashSet<string>();
        foreach (var cpu in cpus)
        {
            var topology = $"/sys/devices/system/cpu/cpu{cpu.ToString(CultureInfo.InvariantCulture)}/topology/";
            var siblings = CpuList.Parse(environment.Read(topology + "thread_siblings_list") ?? environment.Read(topology + "core_cpus_list"));
            if (siblings is null)
            {
                siblingSets.Clear();
                break;
            }

            siblingSets.Add(string.Join(",", siblings));
        }

        if (siblingSets.Count > 0)
        {
            sources.Add(new CoreSource("topology (sysfs thread_siblings_list)", $"{siblingSets.Count} sibling sets", siblingSets.Count, limits: false, "physical cores"));
            return siblingSets.Count;
        }

        if (environment == CoreEnvironment.Current && PlatformPhysicalCores() is int platform)
        {
            var physical = Math.Min(platform, logical);
            sources.Add(new CoreSource("topology (operating system)", platform.ToString(CultureInfo.InvariantCulture), physical, limits: false, "physical cores"));
            return physical;
        }

        sources.Add(new CoreSource("topology", null, logical, limits: false, "unknown: physical taken as logical"));
        return logical;
    }

    private static int? PlatformPhysicalCores()
    {
        try
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                var value = 0;
                var size = (IntPtr)sizeof(int);
                return sysctlbyname("hw.physicalcpu", ref value, ref size, IntPtr.Zero, IntPtr.Zero) == 0 && value > 0 ? value : null;
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return WindowsPhysicalCores();
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }

        return null;
    }

    private static int? WindowsPhysicalCores()
    {
        const int RelationProcessorCore = 0;
        var length = 0;
        GetLogicalProcessorInformationEx(RelationProcessorCore, IntPtr.Zero, ref length);
        if (length <= 0)
        {
            return null;
        }

        var buffer = Marshal.AllocHGlobal(length);
        try
        {
            if (!GetLogicalProcessorInformationEx(RelationProcessorCore, buffer, ref length))
            {
                return null;
            }

            // Variable-size records: each starts with (Relationship, Size); one record per physical core.
            var cores = 0;
            for (var offset = 0; offset < length; offset += Marshal.ReadInt32(buffer, offset + 4))
            {
                cores++;
                if (Marshal.ReadInt32(buffer, offset + 4) <= 0)
                {
                    break;
                }
            }

            return cores > 0 ? cores : null;
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    [DllImport("libc")]
    private static extern int sysctlbyname(string name, ref int value, ref IntPtr size, IntPtr newValue, IntPtr newSize);

    [DllImport("kernel32", SetLastError = true)]
    private static extern bool GetLogicalProcessorInformationEx(int relationship, IntPtr buffer, ref int length);
}
