using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// A run fragment another writer made (a build with another layout, a file copied in under a fragment's name) is named
/// as a fragment that cannot be read, with what mends it and when that loses rows, never a bare NullReferenceException.
/// </summary>
public sealed class RunFragmentsTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData("songs")]
    [InlineData("albums")]
    [InlineData("artists")]
    [InlineData("song_artists")]
    [InlineData("versions")]
    [InlineData("entries")]
    [InlineData("plays")]
    [InlineData("saved_tracks")]
    [InlineData("top")]
    public async Task A_fragment_without_one_of_its_lists_is_named_as_unreadable_with_what_mends_it(string missing)
    {
        var lake = new LocalFolderStore(_folder.Path);
        var fragment = JsonNode.Parse(Decompress(RunFragments.Compress(new SnapshotFragment(Day, [], [], [], [], [], [], [], [], []))))!.AsObject();
        Assert.True(fragment.ContainsKey(missing), $"a fragment holds '{missing}'");
        await PutAsync(lake, "whole.json.gz", fragment.ToJsonString());
        fragment.Remove(missing);
        await PutAsync(lake, "lacking.json.gz", fragment.ToJsonString());

        var whole = await RunFragments.ReadAsync(lake, [await VersionAsync(lake, "whole.json.gz")], CancellationToken.None);
        var refused = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await RunFragments.ReadAsync(lake, [await VersionAsync(lake, "lacking.json.gz")], CancellationToken.None));

        Assert.Equal(Day, Assert.Single(whole!).SnapshotDate);
        Assert.StartsWith("The run fragment lacking.json.gz cannot be read (a table's rows are missing from it). Delete it and replay its day", refused.Message, StringComparison.Ordinal);
        Assert.Contains("as long as they are all still there", refused.Message, StringComparison.Ordinal);
    }

    private static string Decompress(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static async Task PutAsync(IObjectStore lake, string key, string json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }
        await lake.PutBytesAsync(key, buffer.ToArray(), "application/gzip");
    }

    private static async Task<ObjectVersion> VersionAsync(IObjectStore lake, string key)
    {
        await foreach (var version in lake.ListVersionsAsync(key))
        {
            return version;
        }
        throw new InvalidOperationException($"{key} is not listed");
    }

    public void Dispose() => _folder.Dispose();
}
