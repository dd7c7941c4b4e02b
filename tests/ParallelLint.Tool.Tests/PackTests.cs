using System.Diagnostics;

namespace ParallelLint.Tool.Tests;

/// <summary>The tool as users get it: packed into a feed, installed with <c>dotnet tool install</c>, run as <c>parallellint</c>.</summary>
public sealed class PackTests() : ScratchTests("pack")
{

    [Fact]
    public void The_packed_tool_installs_and_prints_the_core_report()
    {
        var feed = Path.Combine(Scratch, "feed");
        var tools = Path.Combine(Scratch, "tools");
        var (packCode, pack) = DotNet(ToolProgram.RepositoryRoot, "pack", "src/ParallelLint.Tool", "-c", "Release", "-o", feed);
        Assert.True(packCode == 0, pack);
        Assert.Single(Directory.GetFiles(feed, "ParallelLint.Tool.*.nupkg"));

        // The tool's dependencies come from the packages this machine restored for the repository: no network.
        var (installCode, install) = DotNet(Scratch, "tool", "install", "--tool-path", tools, "--add-source", feed, "ParallelLint.Tool");
        Assert.True(installCode == 0, install);

        using var process = Process.Start(new ProcessStartInfo(Path.Combine(tools, "parallellint"), "cores") { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        Assert.StartsWith("available ", output, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output) DotNet(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["MSBUILDTERMINALLOGGER"] = "off";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"dotnet {string.Join(' ', arguments)} took over 5 minutes");
        return (process.ExitCode, output + error.Result);
    }
}
