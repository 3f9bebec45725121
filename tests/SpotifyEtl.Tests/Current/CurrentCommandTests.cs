using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// <c>spotify-etl current</c>, the verb for partitions changed by hand, on a lake whose partitions hold a folder that is no
/// day: the transform and the queries take no day from it, and neither does the rebuild, which reads the lake one day
/// at a time and writes the tables the transform wrote.
/// </summary>
public sealed class CurrentCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("2026-02-30")]
    [InlineData("2026-11-2")]
    [InlineData("latest")]
    public void A_partition_folder_named_for_no_date_is_no_day_of_the_rebuild(string name)
    {
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "3", "--items", "40").ExitCode);
        var transform = DemoCommandTests.RunCli("transform", "--lake", lake, "--format", "csv");
        Assert.True(transform.ExitCode == 0, transform.Errors);
        string[] tables = ["songs_current", "albums_current", "artists_current", "song_artists_current", "playlists_current"];
        string[] Read() => [.. tables.Select(table => File.ReadAllText(Path.Combine(lake, "transformed", table, $"{table}.csv")))];
        var written = Read();
        var songs = Path.Combine(lake, "transformed", "songs");
        var copy = Path.Combine(songs, $"snapshot_date={name}");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(Directory.GetDirectories(songs).Order(StringComparer.Ordinal).First()))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var current = DemoCommandTests.RunCli("current", "--lake", lake);

        Assert.True(current.ExitCode == 0, current.Errors);
        Assert.Contains("from 3 days' partitions", current.Output, StringComparison.Ordinal);
        Assert.Equal(written, Read());
    }
}
