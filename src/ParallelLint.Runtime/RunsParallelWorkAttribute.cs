namespace ParallelLint.Runtime;

/// <summary>
/// Marks a method, constructor or property that runs parallel work itself (a parallel loop, a native thread
/// pool). ParallelLint's PL1002 reports calls to it from inside another parallel body, across assemblies.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, Inherited = false)]
public sealed class RunsParallelWorkAttribute : Attribute
{
}
