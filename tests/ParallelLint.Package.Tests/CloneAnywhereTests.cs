namespace ParallelLint.Package.Tests;

/// <summary>
/// The repository builds and packs wherever a user puts it. A clone under a folder named <c>src</c> or <c>tests</c>
/// (<c>~/src/ParallelLint</c> is a common layout) once turned every project into "shipped code", whose warnings are
/// errors, and the tests failed to build.
/// </summary>
public sealed class CloneAnywhereTests
{
    // What a fresh clone does not have: build output, and the repository's own history (not needed to build).
    private static readonly HashSet<string> NotInAClone = new(StringComparer.Ordinal)
    {
        "bin", "obj", ".git", "artifacts", "TestResults", "BenchmarkDotNet.Artifacts",
    };

    private static readonly string[] ShippedCodeProjects = { "ParallelLint.Analyzers", "ParallelLint.CodeFixes", "ParallelLint.Runtime" };

    private const string NestedLoops = """
        namespace ParallelLint.Probe;

        internal static class DogfoodProbe
        {
            public static void Nested() => System.Threading.Tasks.Parallel.For(0, 8, i => System.Threading.Tasks.Parallel.For(0, 8, j => { }));
        }
        """;

    // Every project of the solution, from nothing, on a two-core machine busy with the other package tests.
    private static readonly TimeSpan WholeBuildTimeout = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task A_clone_under_src_and_tests_builds_packs_and_analyzes_itself()
    {
        var work = Directory.CreateTempSubdirectory("parallellint-clone-");
        try
        {
            var clone = Path.Combine(work.FullName, "src", "tests", "ParallelLint");
            CopyTree(new DirectoryInfo(DotNet.RepositoryRoot()), Directory.CreateDirectory(clone));

            var build = await DotNet.Run(clone, WholeBuildTimeout, "build", "ParallelLint.sln", "-c", "Debug", "-nologo");
            Assert.True(build.ExitCode == 0, build.Output);

            var feed = Path.Combine(work.FullName, "feed");
            var pack = await DotNet.Run(clone, DotNet.CommandTimeout, "pack", "src/ParallelLint.Package", "-c", "Release", "-o", feed, "-nologo");
            Assert.True(pack.ExitCode == 0, pack.Output);
            Assert.Single(Directory.GetFiles(feed, "ParallelLint.*.nupkg"));

            // Dogfooding, in the same clone: the rules analyze every shipped project, and what they find fails its build.
            foreach (var project in ShippedCodeProjects)
            {
                File.WriteAllText(Path.Combine(clone, "src", project, "DogfoodProbe.cs"), NestedLoops);
                var probed = await DotNet.Run(clone, DotNet.CommandTimeout, "build", $"src/{project}", "-c", "Debug", "-nologo");
                File.Delete(Path.Combine(clone, "src", project, "DogfoodProbe.cs"));
                Assert.True(probed.ExitCode != 0, probed.Output);
                Assert.Matches(@"DogfoodProbe\.cs\(5,\d+\): error PL1001", probed.Output);
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void CopyTree(DirectoryInfo from, DirectoryInfo to)
    {
        foreach (var file in from.EnumerateFiles())
        {
            file.CopyTo(Path.Combine(to.FullName, file.Name));
        }

        foreach (var directory in from.EnumerateDirectories().Where(d => !NotInAClone.Contains(d.Name)))
        {
            CopyTree(directory, to.CreateSubdirectory(directory.Name));
        }
    }
}
