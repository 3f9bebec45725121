using System.IO.Compression;
using System.Security.Cryptography;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// The native tool (<c>make cli</c>) unpacks the DuckDB library it carries into a cache folder named by the library's
/// hash, which its build computed: that name must be the hash of the very bytes it carries, or a library of another
/// version could be taken for one unpacked before.
/// </summary>
public sealed class DuckDbLibraryBuildHashTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_native_tool_unpacks_DuckDB_into_the_folder_named_by_the_hash_of_the_compressed_library_it_carries()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SpotifyEtlProcess.Variable)))
        {
            // The tests' own build reads the library NuGet put beside it and unpacks nothing.
            return;
        }
        var lake = LakeDatabaseTests.CopyOfFixtureLake(_folder["lake"]);
        var run = DemoCommandTests.RunCli(new Dictionary<string, string> { ["XDG_CACHE_HOME"] = _folder["cache"] }, "query", "--lake", lake, "--query", "top_artists");
        Assert.True(run.ExitCode == 0, run.Errors);

        var unpacked = Assert.Single(Directory.GetDirectories(Path.Combine(_folder["cache"], "spotify-etl"), "duckdb-*"));
        // What make cli compressed and embedded, beside its build (more than one after a DuckDB version change).
        var embedded = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "artifacts", "cli-build", "obj", "SpotifyEtl.Cli"), "libduckdb-*.so.gz", SearchOption.AllDirectories)
            .Select(file => (File: file, Hash: Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))[..16]))
            .ToList();
        var carried = Assert.Single(embedded, library => "duckdb-" + library.Hash == Path.GetFileName(unpacked));
        using var compressed = new GZipStream(File.OpenRead(carried.File), CompressionMode.Decompress);
        using var library = new MemoryStream();
        compressed.CopyTo(library);
        Assert.True(library.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(unpacked, "libduckdb.so"))),
            $"{unpacked} holds the library of {carried.File}");
    }
}
