using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ParallelLint.Runtime.Jobs;

/// <summary>Directories and files only their owner may read (<c>0700</c>/<c>0600</c> on Unix).</summary>
internal static class PrivateFiles
{
    public static string CreateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        Restrict(path, directory: true);
        return path;
    }

    public static void WriteAllBytes(string path, byte[] content)
    {
        // Created empty and restricted first, so the content is never readable by others, even for a moment.
        using (File.Create(path))
        {
        }

        Restrict(path, directory: false);
        File.WriteAllBytes(path, content);
    }

    private static void Restrict(string path, bool directory)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            // A new directory under the user's profile (the default work directory) is already private there.
            return;
        }
#if NET
        File.SetUnixFileMode(path, directory ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.UserRead | UnixFileMode.UserWrite);
#else
        using var chmod = Process.Start(new ProcessStartInfo("chmod", (directory ? "700 " : "600 ") + "\"" + path.Replace("\"", "\\\"") + "\"") { UseShellExecute = false })!;
        chmod.WaitForExit();
        if (chmod.ExitCode != 0)
        {
            throw new IOException($"chmod could not make '{path}' private (exit code {chmod.ExitCode}).");
        }
#endif
    }
}
