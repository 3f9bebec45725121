using System.IO.Compression;
using System.Text;
using System.Text.Json;
using SpotifyEtl.Functions;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// What the transform function logs of an import, where the command line would print its report and errors: an upload
/// nothing could be imported from says why and what to do, and a recently-played page the import could not read is a
/// warning naming it, since its plays are left out of listening_history.
/// </summary>
public sealed class ImportLogTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(Encoding.UTF8.GetBytes(text));
            }
        }
        return bytes.ToArray();
    }

    private static async Task<List<JsonElement>> ImportAndLogAsync(IObjectStore lake, byte[] upload)
    {
        var candidates = ExportArchive.Entries($"{LakeLayout.Import}upload.zip", new MemoryStream(upload), ImportLimits.Default);
        var report = await new ExportImporter(lake, lake).ImportAsync(candidates);
        using var log = new StringWriter();
        ImportLog.Write(log, "spotify-stack-raw", report);
        return [.. log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private static JsonElement Completed(List<JsonElement> lines) => lines.Single(l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent);

    public static TheoryData<int> Seeds => [1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task An_upload_nothing_could_be_imported_from_is_logged_with_why_and_what_to_do(int seed)
    {
        var random = new Random(seed);
        var lake = new LocalFolderStore(_folder[$"lake{seed}"]);
        // The other packages of a Spotify export (account data without history, technical logs), or a download cut short.
        var (upload, expected) = random.Next(3) switch
        {
            0 => (Zip(("my_spotify_data/Spotify Account Data/Userdata.json", "{\"username\": \"ana\"}"),
                ("my_spotify_data/Spotify Account Data/SearchQueries.json", "[]")), "No streaming-history file was found"),
            1 => (Zip(("Spotify Technical Log Information/ReadMeFirst_TechnicalLog.pdf", "%PDF-1.7")), "No streaming-history file was found"),
            _ => (Zip(("my_spotify_data/Spotify Extended Streaming History/Streaming_History_Audio_2020.json", "[]"))[..random.Next(40, 90)],
                "Download the export again"),
        };

        var completed = Completed(await ImportAndLogAsync(lake, upload));

        Assert.Equal("warn", completed.GetProperty("level").GetString());
        Assert.Contains(expected, completed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, completed.GetProperty("history_rows").ValueKind);
    }

    /// <summary>
    /// The uploads hold IP addresses, and the docs say to remove one once the import is logged: the line names the upload it
    /// read and whether every history file in it landed as it came, so that one with a file skipped (only in the upload) is
    /// not removed on the word of a line that said nothing of it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task The_completed_line_names_the_upload_and_says_whether_it_landed_whole(int seed)
    {
        var random = new Random(seed);
        var lake = new LocalFolderStore(_folder[$"lake{seed}"]);
        var streams = "[" + string.Join(",", Enumerable.Range(0, random.Next(2, 30)).Select(i =>
            $$"""{"ts": "2020-02-{{1 + i % 28:D2}}T10:00:00Z", "ms_played": 61000, "master_metadata_track_name": "Song {{i}}", "spotify_track_uri": "spotify:track:{{i:D22}}"}""")) + "]";
        // Whole; cut short (its rest only in the upload); or re-saved as Latin-1 (not landed at all); with the export's other files beside it or not.
        var spoil = random.Next(3);
        var history = spoil switch { 0 => streams, 1 => streams[..(streams.Length * 2 / 3)], _ => streams.Replace("Song", "Café", StringComparison.Ordinal) };
        var bytes = spoil == 2 ? Encoding.Latin1.GetBytes(history) : Encoding.UTF8.GetBytes(history);
        var entries = new List<(string Name, byte[] Bytes)> { ("my_spotify_data/Spotify Extended Streaming History/Streaming_History_Audio_2020.json", bytes) };
        if (random.Next(2) == 0)
        {
            entries.Add(("my_spotify_data/Spotify Account Data/Userdata.json", Encoding.UTF8.GetBytes("{\"username\": \"ana\"}")));
        }
        var upload = $"{LakeLayout.Import}export-{seed}.zip";
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = archive.CreateEntry(name).Open();
                entry.Write(content);
            }
        }
        var report = await new ExportImporter(lake, lake).ImportAsync(ExportArchive.Entries(upload, new MemoryStream(zip.ToArray()), ImportLimits.Default));
        using var log = new StringWriter();
        ImportLog.Write(log, "spotify-stack-raw", report);

        var completed = Completed([.. log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())]);
        Assert.Equal([upload], completed.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()));
        // A file cut short lands as it came (the upload holds nothing more of it); one not landed is only in the upload.
        Assert.Equal(spoil != 2, completed.GetProperty("landed_whole").GetBoolean());
    }

    /// <summary>The export's other files, where its packages put them: none is streaming history.</summary>
    private static readonly (string Name, string Text)[] OtherFiles =
    [
        ("my_spotify_data/Spotify Account Data/Userdata.json", "{\"username\": \"ana\", \"country\": \"SE\"}"),
        ("my_spotify_data/Spotify Account Data/SearchQueries.json", "[]"),
        ("my_spotify_data/Spotify Account Data/Playlist1.json", "{\"playlists\": [{\"name\": \"Road\", \"items\": []}]}"),
        ("my_spotify_data/Spotify Account Data/Marquee.json", "[{\"artistName\": \"A\", \"segment\": \"Light listeners\"}]"),
        ("my_spotify_data/Spotify Account Data/Read Me First.pdf", "%PDF-1.7"),
        ("my_spotify_data/Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf", "%PDF-1.7"),
        ("my_spotify_data/Spotify Technical Log Information/ReadMeFirst_TechnicalLog.pdf", "%PDF-1.7"),
        ("my_spotify_data/Spotify Account Data/._Userdata.json", "\u0005\u0016\u0007"),
    ];

    /// <summary>
    /// An unzipped export's folder copied up (`aws s3 cp --recursive`) makes an invocation of each of its files: one of the
    /// export's other files alone is told at info level, as not streaming history, naming the files the history is in. The
    /// same files in a zip with no history in it are still a warning (above).
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task One_of_the_exports_other_files_uploaded_alone_is_no_warning(int seed)
    {
        var random = new Random(seed);
        var lake = new LocalFolderStore(_folder[$"lake{seed}"]);
        var upload = OtherFiles.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).ToList();
        var candidates = upload.Select(f => new ExportCandidate($"{LakeLayout.Import}{f.Name}",
            _ => Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(f.Text))))).ToList();
        var report = await new ExportImporter(lake, lake).ImportAsync(candidates);
        using var log = new StringWriter();
        ImportLog.Write(log, "spotify-stack-raw", report);
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

        Assert.DoesNotContain(lines, l => l.GetProperty("level").GetString() == "warn");
        var reason = Completed(lines).GetProperty("reason").GetString()!;
        Assert.StartsWith($"Nothing was imported: {LakeLayout.Import}{upload[0].Name}: ", reason, StringComparison.Ordinal);
        Assert.Contains("Streaming_History_Audio_*.json", reason, StringComparison.Ordinal);
        Assert.Equal(upload.Count, lines.Count(l => l.GetProperty("event").GetString() == ImportLog.FileEvent));
    }

    [Fact]
    public async Task A_recently_played_page_the_import_cannot_read_is_a_warning_and_an_import_that_read_everything_gives_no_reason()
    {
        var lake = new LocalFolderStore(_folder["lake"]);
        await new SampleGenerator(lake).WriteAsync(new SampleOptions(Days: 3, Items: 5, Seed: 4));
        var history = Zip(("my_spotify_data/Spotify Extended Streaming History/Streaming_History_Audio_2020.json",
            "[{\"ts\": \"2020-02-01T10:00:00Z\", \"ms_played\": 61000, \"master_metadata_track_name\": \"Song\", " +
            "\"master_metadata_album_artist_name\": \"Artist\", \"spotify_track_uri\": \"spotify:track:0000000000000000000001\"}]"));

        var clean = await ImportAndLogAsync(lake, history);
        Assert.Equal(JsonValueKind.Null, Completed(clean).GetProperty("reason").ValueKind);
        Assert.DoesNotContain(clean, l => l.GetProperty("level").GetString() == "warn");

        var page = Directory.GetFiles(_folder[$"lake/{ApiPlayReader.Prefix}"], "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        File.WriteAllText(page, "{\"items\": [");
        var lines = await ImportAndLogAsync(lake, history);

        var warning = Assert.Single(lines, l => l.GetProperty("level").GetString() == "warn");
        Assert.Equal(Path.GetRelativePath(_folder["lake"], page), warning.GetProperty("input").GetString());
        Assert.Contains("Its plays are not in listening_history", warning.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
