using System.Globalization;

namespace ParallelLint.Runtime;

/// <summary>
/// CPU quotas of the process's cgroups, v2 (<c>cpu.max</c>) and v1 (<c>cpu.cfs_quota_us</c> /
/// <c>cpu.cfs_period_us</c>), at every level from the process's own cgroup up to the hierarchy's root: a limit
/// set on a parent binds the children too. A quota of q/p cores counts as ceil(q/p), like the .NET runtime.
/// </summary>
internal static class CgroupLimits
{
    public static void Read(CoreEnvironment environment, List<CoreSource> sources)
    {
        var memberships = environment.Read("/proc/self/cgroup");
        var mounts = environment.Read("/proc/self/mountinfo");
        var found = 0;
        if (memberships is not null && mounts is not null)
        {
            foreach (var (version, mountPoint, mountRoot) in CpuMounts(mounts))
            {
                if (CgroupPath(memberships, version) is { } path)
                {
                    found += ReadLevels(environment, version, mountPoint, Relative(path, mountRoot), sources);
                }
            }
        }

        if (found == 0)
        {
            sources.Add(new CoreSource("cgroup cpu quota", null, null, limits: false, "no cpu controller files found"));
        }
    }

    private static int ReadLevels(CoreEnvironment environment, int version, string mountPoint, string relative, List<CoreSource> sources)
    {
        var found = 0;
        var segments = relative.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries).ToList();
        for (var depth = segments.Count; depth >= 0; depth--)
        {
            var directory = mountPoint.TrimEnd('/') + "/" + string.Join("/", segments.Take(depth));
            directory = directory.TrimEnd('/');
            var source = version == 2 ? V2(environment, directory) : V1(environment, directory);
            if (source is not null)
            {
                sources.Add(source);
                found++;
            }
        }

        return found;
    }

    private static CoreSource? V2(CoreEnvironment environment, string directory)
    {
        var raw = environment.Read(directory + "/cpu.max");
        if (raw is null)
        {
            return null;
        }

        var name = $"cgroup v2 cpu.max ({directory})";
        var parts = raw.Trim().Split(' ');
        if (parts.Length == 2 && parts[0] == "max")
        {
            return new CoreSource(name, raw, null, limits: false, "no quota");
        }

        return parts.Length == 2 && Quota(parts[0], parts[1]) is int cores
            ? new CoreSource(name, raw, cores, limits: true, "used: ceil(quota / period)")
            : new CoreSource(name, raw, null, limits: false, "ignored: expected \"<quota> <period>\" or \"max <period>\"");
    }

    private static CoreSource? V1(CoreEnvironment environment, string directory)
    {
        var quota = environment.Read(directory + "/cpu.cfs_quota_us");
        if (quota is null)
        {
            return null;
        }

        var period = environment.Read(directory + "/cpu.cfs_period_us");
        var name = $"cgroup v1 cpu.cfs_quota_us ({directory})";
        var raw = $"{quota.Trim()} / {period?.Trim()}";
        if (quota.Trim() == "-1")
        {
            return new CoreSource(name, raw, null, limits: false, "no quota");
        }

        return Quota(quota, period) is int cores
            ? new CoreSource(name, raw, cores, limits: true, "used: ceil(quota / period)")
            : new CoreSource(name, raw, null, limits: false, "ignored: quota and period must be positive whole numbers");
    }

    private static int? Quota(string quota, string? period)
    {
        if (!long.TryParse(quota.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var q) ||
            !long.TryParse(period?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ||
            q <= 0 || p <= 0)
        {
            return null;
        }

        return (int)Math.Min(int.MaxValue, Math.Max(1, (q + p - 1) / p));
    }

    /// <summary>Mounts of the cgroup v2 hierarchy and of the v1 hierarchy that holds the cpu controller.</summary>
    private static IEnumerable<(int Version, string MountPoint, string Root)> CpuMounts(string mountInfo)
    {
        foreach (var line in mountInfo.Split('\n'))
        {
            // <id> <parent> <major:minor> <root> <mount point> <options> [optional...] - <type> <source> <super options>
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 5 || separator + 3 > fields.Length)
            {
                continue;
            }

            var type = fields[separator + 1];
            if (type == "cgroup2")
            {
                yield return (2, fields[4], fields[3]);
            }
            else if (type == "cgroup" && separator + 3 < fields.Length && fields[separator + 3].Split(',').Contains("cpu"))
            {
                yield return (1, fields[4], fields[3]);
            }
        }
    }

    /// <summary>The process's path in the v2 hierarchy (<c>0::/path</c>) or in the v1 cpu hierarchy.</summary>
    private static string? CgroupPath(string memberships, int version)
    {
        foreach (var line in memberships.Split('\n'))
        {
            var parts = line.Trim().Split(new[] { ':' }, 3);
            if (parts.Length != 3)
            {
                continue;
            }

            var isV2 = parts[0] == "0" && parts[1].Length == 0;
            if (version == 2 ? isV2 : !isV2 && parts[1].Split(',').Contains("cpu"))
            {
                return parts[2];
            }
        }

        return null;
    }

    // In a container the mount's root is the container's cgroup: paths below it are relative to the mount point.
    private static string Relative(string path, string mountRoot) =>
        mountRoot != "/" && path.StartsWith(mountRoot, StringComparison.Ordinal) ? path.Substring(mountRoot.Length) : path;
}
