using SpotifyEtl.Functions;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Tests.Storage;
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

        // What a publish copies is what the project's dependency file lists, references no code uses included: the
        // Functions project's own build output, in the configuration these tests were built in.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var output = Path.Combine(FauxqsServer.RepositoryRoot(), "functions", "SpotifyEtl.Functions", "bin", configuration, "net10.0");
        var dependencies = File.ReadAllText(Path.Combine(output, "SpotifyEtl.Functions.deps.json"));
        Assert.Contains("SpotifyEtl.Core", dependencies, StringComparison.Ordinal);
        Assert.DoesNotContain(sampleLibrary!, dependencies, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, sampleLibrary + ".dll")), $"{sampleLibrary}.dll is in {output}");
    }
}
