using System.Text;
using System.Text.Json.Nodes;
using SpotifyEtl.Import;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// The account data of two eras over the same months: the older one file (<c>StreamingHistory0.json</c>) gives a podcast
/// episode as <c>trackName</c> and its show as <c>artistName</c>, as it gives a song; the newer one gives it in its podcast
/// file as <c>episodeName</c> and <c>podcastName</c>. Each stream is one row, a podcast's an episode's, whatever the order.
/// </summary>
public sealed class AccountDataErasTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private sealed record Played(DateTime EndedAt, int MsPlayed, bool Podcast, string Name, string By);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_stream_in_an_older_and_a_newer_account_export_is_one_row_and_a_podcasts_is_an_episode(int seed)
    {
        var random = new Random(seed);
        var start = new DateTime(2023, 2, 1, 0, 0, 0, DateTimeKind.Utc);
        var streams = Enumerable.Range(0, random.Next(20, 60))
            .Select(i => start.AddMinutes(i * 7 + random.Next(5)))
            .Select(at => random.Next(3) == 0
                ? new Played(at, random.Next(1, 3_600_000), true, $"Episode {random.Next(1000)}", $"Show {random.Next(5)}")
                : new Played(at, random.Next(1, 400_000), false, $"Song {random.Next(1000)}", $"Artist {random.Next(20)}"))
            .ToList();
        // The older file holds all of them; the newer one a part, its podcasts in a file of their own.
        var older = streams.Select(s => Row(s, ("artistName", s.By), ("trackName", s.Name))).ToList();
        var newer = streams.Where(_ => random.Next(4) > 0).ToList();
        var music = newer.Where(s => !s.Podcast).Select(s => Row(s, ("artistName", s.By), ("trackName", s.Name))).ToList();
        var podcasts = newer.Where(s => s.Podcast).Select(s => Row(s, ("podcastName", s.By), ("episodeName", s.Name))).ToList();
        List<ExportCandidate> files =
        [
            File("MyData/StreamingHistory0.json", older),
            File("Spotify Account Data/StreamingHistory_music_0.json", music),
            File("Spotify Account Data/StreamingHistory_podcast_0.json", podcasts),
        ];
        if (seed % 2 == 0)
        {
            files.Reverse();
        }
        var store = new LocalFolderStore(_folder["lake"]);

        var report = await new ExportImporter(store, store, new ImportOptions { Format = TableFormat.Csv }).ImportAsync(files);

        Assert.Equal(streams.Count, report.HistoryRows);
        var rows = Table();
        Assert.Equal(streams.Count, rows.Count);
        foreach (var stream in newer.Where(s => s.Podcast))
        {
            var row = Assert.Single(rows, r => r["ended_at"].StartsWith($"{stream.EndedAt:yyyy-MM-ddTHH:mm}", StringComparison.Ordinal));
            Assert.Equal(("episode", stream.Name, stream.By, ""), (row["content_type"], row["episode_name"], row["show_name"], row["track_name"]));
        }
        foreach (var stream in streams.Where(s => !s.Podcast))
        {
            var row = Assert.Single(rows, r => r["ended_at"].StartsWith($"{stream.EndedAt:yyyy-MM-ddTHH:mm}", StringComparison.Ordinal));
            Assert.Equal(("track", stream.Name, stream.By), (row["content_type"], row["track_name"], row["artist_name"]));
        }
    }

    private static JsonObject Row(Played stream, params (string Key, string Value)[] names)
    {
        var row = new JsonObject { ["endTime"] = $"{stream.EndedAt:yyyy-MM-dd HH:mm}" };
        foreach (var (key, value) in names)
        {
            row[key] = value;
        }
        row["msPlayed"] = stream.MsPlayed;
        return row;
    }

    private static ExportCandidate File(string name, List<JsonObject> rows)
    {
        var bytes = Encoding.UTF8.GetBytes(new JsonArray([.. rows]).ToJsonString());
        return new ExportCandidate(name, _ => Task.FromResult<Stream>(new MemoryStream(bytes)), bytes.Length);
    }

    /// <summary>The CSV table's rows by column name (the generated names hold no comma or quote).</summary>
    private List<Dictionary<string, string>> Table()
    {
        var rows = new List<Dictionary<string, string>>();
        foreach (var file in Directory.EnumerateFiles(_folder["lake/transformed/listening_history"], "*.csv", SearchOption.AllDirectories))
        {
            var lines = System.IO.File.ReadAllLines(file);
            var header = lines[0].Split(',');
            rows.AddRange(lines.Skip(1).Select(line => header.Zip(line.Split(',')).ToDictionary(p => p.First, p => p.Second.Trim('"'))));
        }
        return rows;
    }
}
