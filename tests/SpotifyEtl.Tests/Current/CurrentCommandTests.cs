using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// <c>spotify-etl current</c>, the verb for partitions changed by hand, on a lake whose partitions hold a folder that is no
/// day: the rebuild (which reads the lake a few days at a time) takes no day from it and writes the tables the transform
/// wrote, and the queries read no partition from it, so they answer as from the partitions.
/// </summary>
public sealed class CurrentCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("2026-11-31")]
    [InlineData("2026-13-01")]
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
        // The latest day's songs, each renamed: were the folder a day, the latest of the lake, every name would change.
        var latest = Directory.GetDirectories(songs).Where(f => f != copy).Order(StringComparer.Ordinal).Last();
        var lines = File.ReadAllLines(Path.Combine(latest, "songs.csv"));
        File.WriteAllLines(Path.Combine(copy, "songs.csv"), [lines[0], .. lines.Skip(1).Select(line => line.Replace(",\"", ",\"RENAMED ", StringComparison.Ordinal))]);
        Assert.Contains("RENAMED", File.ReadAllText(Path.Combine(copy, "songs.csv")), StringComparison.Ordinal);

        var current = DemoCommandTests.RunCli("current", "--lake", lake);

        Assert.True(current.ExitCode == 0, current.Errors);
        Assert.Contains("from 3 days' partitions", current.Output, StringComparison.Ordinal);
        // One day, and a count of one, are said in the singular.
        var oneDay = _folder["one day"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", oneDay, "--days", "1", "--items", "1").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", oneDay).ExitCode);
        var ofOneDay = DemoCommandTests.RunCli("current", "--lake", oneDay);
        Assert.Contains("from 1 day's partitions", ofOneDay.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b1 rows\b", ofOneDay.Output);
        Assert.Equal(written, Read());
        var answered = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        Assert.Equal(DemoCommandTests.RunCli("query", "--lake", lake, "--json", "--current-from-partitions").Output, answered.Output);
        Assert.DoesNotContain("RENAMED", answered.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_damaged_table_file_is_named_before_the_rebuild_writes_anything(int seed)
    {
        var lake = _folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", "9", "--items", "40").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var digests = Path.Combine(lake, "staging", "current");
        Dictionary<string, byte[]> Digests() => Directory.GetFiles(digests, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        var before = Digests();
        // A day's songs file spoiled in its middle, where its pages are (not its footer): a day in the last of the rebuild's windows.
        var random = new Random(seed);
        var days = Directory.GetDirectories(Path.Combine(lake, "transformed", "songs")).Order(StringComparer.Ordinal).ToList();
        var file = Path.Combine(days[days.Count - 1 - random.Next(2)], "songs.parquet");
        var bytes = File.ReadAllBytes(file);
        for (var i = 200; i < bytes.Length / 2; i++)
        {
            bytes[i] = (byte)random.Next(256);
        }
        File.WriteAllBytes(file, bytes);

        var current = DemoCommandTests.RunCli("current", "--lake", lake);

        Assert.True(current.ExitCode == 65, $"exit {current.ExitCode}: {current.Errors}");
        Assert.Contains("songs.parquet", current.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(lake, "state", "unfinished-current.txt")), "the rebuild began before it found the damage");
        var after = Digests();
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.All(before, digest => Assert.Equal(digest.Value, after[digest.Key]));
    }
}
