namespace ParallelLint.Tool.Tests;

/// <summary>A test class with a folder of its own for runs, feeds and reports, deleted after each test.</summary>
public abstract class ScratchTests(string name) : IDisposable
{
    protected string Scratch { get; } = Directory.CreateTempSubdirectory($"parallellint-tool-{name}-").FullName;

    public virtual void Dispose()
    {
        Directory.Delete(Scratch, recursive: true);
        GC.SuppressFinalize(this);
    }
}
