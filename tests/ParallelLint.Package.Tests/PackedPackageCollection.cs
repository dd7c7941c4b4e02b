using Xunit;

namespace ParallelLint.Package.Tests;

/// <summary>One pack shared by every test class that builds consumers of the package (they run one after another).</summary>
[CollectionDefinition(PackageTests.PackedPackage.Collection)]
public sealed class PackedPackageCollection : ICollectionFixture<PackageTests.PackedPackage>
{
}
