using SpotifyEtl.Functions;
using SpotifyEtl.SampleLibrary;
using Xunit;

namespace SpotifyEtl.Tests.SampleLibrary;

public sealed class SampleLibraryPackagingTests
{
    [Fact]
    public void The_Lambda_package_does_not_hold_the_sample_generator()
    {
        var sampleLibrary = typeof(SampleGenerator).Assembly.GetName().Name;
        var lambdaAssemblies = new[] { typeof(TransformFunction).Assembly, typeof(SpotifyEtl.Storage.IObjectStore).Assembly };

        Assert.All(lambdaAssemblies, assembly =>
        {
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), reference => reference.Name == sampleLibrary);
            Assert.DoesNotContain(assembly.GetTypes(), type => type.Name.StartsWith("Sample", StringComparison.Ordinal));
        });
    }
}
