using System.IO.Compression;
using System.Text;
using SpotifyEtl.Import;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>The import end to end on a local lake: landing keyed by content, the table a function of what landed, bad input bounded.</summary>
public sealed class ExportImporterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static SampleExportFiles Sample(int seed = 42, int streams = 400) => SampleExport.Write(new SampleExportOptions(streams, seed));

    private static List<ExportCandidate> Entries(string name, byte[] zip, ImportLimits? limits = null) =>
        [.. ExportArchive.Entries(name, new MemoryStream(zip), limits ?? ImportLimits.Default)];

    /// <summary>An extended streaming-history file of one stream.</summary>
    private static byte[] OneStream => Encoding.UTF8.GetBytes("""[{"ts": "2024-01-01T00:00:00Z", "ms_played": 1000, "spotify_track_uri": "spotify:track:a"}]""");

    private static ExportCandidate File(string name, byte[] content) => new(name, _ => Task.FromResult<Stream>(new MemoryStream(content)), content.Length);

    private async Task<(ImportReport Report, SortedDictionary<string, byte[]> Table, SortedDictionary<string, byte[]> Raw)> ImportAsync(
        string lake, params List<ExportCandidate>[] batches)
    {
        var store = new LocalFolderStore(_folder[lake]);
        ImportReport report = null!;
        foreach (var batch in batches)
        {
            report = await new ExportImporter(store, store).ImportAsync(batch);
        }
        return (report, Under($"{lake}/transformed/listening_history"), Under($"{lake}/raw/spotify_export"));
    }

    /// <summary>The files below a folder of the test's, keyed by their path inside it; none when it does not exist.</summary>
    private SortedDictionary<string, byte[]> Under(string folder) => Directory.Exists(_folder[folder])
        ? new(_folder.Files(folder).ToDictionary(f => f.Key[(folder.Length + 1)..], f => f.Value), StringComparer.Ordinal)
        : new(StringComparer.Ordinal);

    [Fact]
    public async Task Importing_in_any_order_overlap_or_again_gives_the_same_table_byte_for_byte()
    {
        var sample = Sample();
        var (oldName, oldZip) = sample.Zips[0];
        var (newName, newZip) = sample.Zips[1];
        var together = await ImportAsync("together", [.. Entries(oldName, oldZip), .. Entries(newName, newZip)]);
        var oldFirst = await ImportAsync("old-first", Entries(oldName, oldZip), Entries(newName, newZip));
        var newFirst = await ImportAsync("new-first", Entries(newName, newZip), Entries(oldName, oldZip));
        // The newer export's files one at a time, in reverse order, then the older export, then everything again.
        var oneByOne = Entries(newName, newZip).AsEnumerable().Reverse().Select(c => new List<ExportCandidate> { c })
            .Append(Entries(oldName, oldZip)).Append([.. Entries(newName, newZip), .. Entries(oldName, oldZip)]).ToArray();
        var piecemeal = await ImportAsync("piecemeal", oneByOne);

        Assert.NotEmpty(together.Table);
        foreach (var other in new[] { oldFirst, newFirst, piecemeal })
        {
            Assert.Equal(together.Table.Keys, other.Table.Keys);
            Assert.All(together.Table, file => Assert.Equal(file.Value, other.Table[file.Key]));
            Assert.Equal(together.Raw.Keys, other.Raw.Keys);
        }
        Assert.Equal(0, piecemeal.Report.LandedFiles); // the last import landed nothing new
        Assert.Equal(together.Report.HistoryRows, piecemeal.Report.HistoryRows);
    }

    [Fact]
    public async Task Every_row_read_is_kept_a_duplicate_covered_or_unreadable_and_every_other_file_is_skipped_with_its_reason()
    {
        var sample = Sample(seed: 7);
        var candidates = sample.Zips.SelectMany(z => Entries(z.Name, z.Zip)).ToList();
        var (report, _, raw) = await ImportAsync("lake", candidates);
        foreach (var file in report.Files.Where(f => f.Skipped is null))
        {
            Assert.Equal(file.RowsRead, file.RowsKept + file.Duplicates + file.Covered + file.Unreadable);
        }
        Assert.Equal(report.HistoryRows, report.Files.Sum(f => f.RowsKept) + report.ApiPlays!.RowsKept);
        var skipped = report.Files.Where(f => f.Skipped is not null).ToDictionary(f => Path.GetFileName(f.Input.Split('!')[1]), f => f.Skipped!);
        Assert.Equal(["ReadMeFirst_ExtendedStreamingHistory.pdf", "Read_Me_First.pdf", "SearchQueries.json", "Userdata.json"], skipped.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("not a .json file", skipped["Read_Me_First.pdf"], StringComparison.Ordinal);
        Assert.Contains("a JSON object, not an array of streams", skipped["Userdata.json"], StringComparison.Ordinal);
        var bad = report.Files.Single(f => f.Input.EndsWith("Streaming_History_Audio_2026_9.json", StringComparison.Ordinal));
        Assert.Equal((3, 3), (bad.RowsRead, bad.Unreadable));
        Assert.Equal(3, bad.Reasons.Count);
        // Duplicates inside the video file and the older export's overlap are counted, not kept.
        Assert.True(report.Files.Single(f => f.Input.Contains("Video", StringComparison.Ordinal)).Duplicates >= 7);
        Assert.True(report.Files.Where(f => f.Input.Contains("endsong", StringComparison.Ordinal)).Sum(f => f.Duplicates) > 0);
        Assert.True(report.Files.Where(f => f.Kind?.StartsWith("account", StringComparison.Ordinal) == true).Sum(f => f.Covered) > 0);
        // Raw holds each history file unchanged: landed bytes equal the zip entry's.
        var entry = candidates.First(c => c.Name.EndsWith("endsong_0.json", StringComparison.Ordinal));
        var landed = report.Files.Single(f => f.Input == entry.Name).RawKey!;
        Assert.Equal((await entry.ReadAsync(ImportLimits.Default, default)).Bytes, raw[landed["raw/spotify_export/".Length..]]);
    }

    [Fact]
    public async Task The_api_plays_the_export_holds_are_counted_once_and_the_others_join_the_history()
    {
        var store = new LocalFolderStore(_folder["lake"]);
        await new SampleGenerator(store).WriteAsync(new SampleOptions(Days: 7, Items: 20));
        var api = await ApiPlayReader.ReadAsync(store, default);
        var plays = api.Rows.DistinctBy(r => (r.EndedAt, r.TrackUri)).Select(r => new SampleApiPlay(r.EndedAt, r.TrackUri!, r.TrackName, r.ArtistName, r.AlbumName, r.MsPlayed)).ToList();
        var export = SampleExport.Write(new SampleExportOptions(400, 3, ApiPlays: plays));
        var report = await new ExportImporter(store, store).ImportAsync(export.Zips.SelectMany(z => Entries(z.Name, z.Zip)).ToList());

        Assert.Equal(plays.Count, report.ApiPlays!.RowsKept + report.ApiPlays.Covered);
        Assert.True(report.ApiPlays.Covered > 0);
        var rows = await ReadHistoryAsync(_folder["lake"]);
        // No API row has an export row of the same track within the tolerance: each stream is there once.
        foreach (var apiRow in rows.Where(r => r.Source == "api"))
        {
            Assert.DoesNotContain(rows, r => r.Source == "extended" && r.TrackUri == apiRow.TrackUri && Math.Abs(r.EndedAt - apiRow.EndedAt) <= 15);
        }
        Assert.Contains(rows, r => r.Source == "api");
        Assert.Contains(rows, r => r.Source == "account");
    }

    [Fact]
    public async Task A_transform_of_the_lake_leaves_the_exports_raw_files_alone()
    {
        var store = new LocalFolderStore(_folder["lake"]);
        await new SampleGenerator(store).WriteAsync(new SampleOptions(Days: 2, Items: 5));
        var sample = Sample(streams: 50);
        await new ExportImporter(store, store).ImportAsync(Entries(sample.Zips[1].Name, sample.Zips[1].Zip));
        var keys = new List<string>();
        await foreach (var key in store.ListAsync("raw/")) keys.Add(key);
        var batch = await new TransformPipeline(store, store).TransformAsync(keys);
        Assert.Equal(0, batch.Quarantined);
        Assert.False(Directory.Exists(_folder["lake/quarantine"]));
        Assert.NotEmpty(Under("lake/raw/spotify_export"));
    }

    [Fact]
    public async Task A_compressed_bomb_a_huge_file_and_too_many_entries_are_bounded_with_a_reason_and_the_rest_is_imported()
    {
        var history = OneStream;
        var zip = Zip(("endsong_0.json", history), ("endsong_1.json", new byte[8 << 20]), ("nested.zip", Zip(("endsong_2.json", history))),
            ("StreamingHistory_music_0.json", Encoding.UTF8.GetBytes(new string(' ', 300_000) + "[]")));
        var limits = new ImportLimits { MaxFileBytes = 200_000 };
        var candidates = Entries("my_spotify_data.zip", zip, limits);
        var store = new LocalFolderStore(_folder["lake"]);
        var report = await new ExportImporter(store, store, new ImportOptions { Limits = limits }).ImportAsync(candidates);
        string Reason(string name) => report.Files.Single(f => f.Input.EndsWith(name, StringComparison.Ordinal)).Skipped ?? "";
        Assert.Contains("compressed bomb", Reason("endsong_1.json"), StringComparison.Ordinal);
        Assert.Contains("zip inside the zip", Reason("nested.zip"), StringComparison.Ordinal);
        Assert.Contains("larger than 195.3 KiB", Reason("StreamingHistory_music_0.json"), StringComparison.Ordinal);
        Assert.Equal(1, report.HistoryRows);

        var many = Entries("many.zip", Zip(Enumerable.Range(0, 5).Select(i => ($"endsong_{i}.json", history)).ToArray()), new ImportLimits { MaxArchiveEntries = 4 });
        Assert.Contains("more than the 4 an export could", Assert.Single(many).Problem, StringComparison.Ordinal);
        var total = Entries("total.zip", Zip(("endsong_0.json", history), ("endsong_1.json", history)), new ImportLimits { MaxArchiveBytes = history.Length + 1 });
        Assert.Null(total[0].Problem);
        Assert.Contains("unpacks to more than", total[1].Problem, StringComparison.Ordinal);
        var broken = Entries("broken.zip", [.. "PK\u0003\u0004"u8, .. new byte[100]]);
        Assert.Contains("not a readable zip archive", Assert.Single(broken).Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Empty_history_files_are_each_skipped_with_their_reason_and_none_is_landed(int seed)
    {
        var random = new Random(seed);
        // Files an unzip stopped part-way leaves, under every kind's name: empty, or white space (a byte-order mark with it).
        string[] names = ["Streaming_History_Audio_2023_{0}.json", "endsong_{0}.json", "StreamingHistory_music_{0}.json", "StreamingHistory{0}.json"];
        var empty = Enumerable.Range(0, 1 + random.Next(6))
            .Select(i => File(string.Format(System.Globalization.CultureInfo.InvariantCulture, names[random.Next(names.Length)], i),
                random.Next(2) == 0 ? [] : Encoding.UTF8.GetBytes((random.Next(2) == 0 ? "\uFEFF" : "") + new string(' ', random.Next(1, 9)) + "\n")))
            .ToList();
        var withGood = random.Next(2) == 0;

        var (report, _, raw) = await ImportAsync("lake", [.. empty, .. withGood ? [File("Streaming_History_Audio_2024_0.json", OneStream)] : Array.Empty<ExportCandidate>()]);

        Assert.Equal((empty.Count, 0), (report.SkippedFiles, report.IgnoredFiles));
        Assert.All(report.Files.Where(f => f.Skipped is not null), f => Assert.Matches("^it (is empty|holds only white space)", f.Skipped));
        Assert.Equal(withGood ? 1 : 0, raw.Count);
        Assert.Equal(withGood ? 1 : null, report.HistoryRows);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Files_the_import_passes_over_by_name_are_never_bounded_so_they_neither_refuse_the_zip_nor_need_a_look(int seed)
    {
        var random = new Random(seed);
        // Beside the history, files an export's folder may hold: compressed far past the bomb ratio, larger than a file
        // may be, more of them than a zip may hold, and coming first in the zip's order.
        var others = Enumerable.Range(0, 5 + random.Next(10))
            .Select(i => ($"Spotify Account Data/{(char)('a' + random.Next(5))}{i}.{new[] { "txt", "pdf", "png", "mp4" }[random.Next(4)]}", new byte[(2 << 20) + random.Next(1 << 20)]))
            .ToList();
        var zip = Zip([.. others, ("Spotify Extended Streaming History/Streaming_History_Audio_2024.json", OneStream)]);
        var limits = new ImportLimits { MaxArchiveEntries = 3, MaxFileBytes = 1 << 20, MaxArchiveBytes = 1 << 20 };
        var store = new LocalFolderStore(_folder["lake"]);

        var report = await new ExportImporter(store, store, new ImportOptions { Limits = limits }).ImportAsync(Entries("my_spotify_data.zip", zip, limits));

        Assert.Equal(1, report.HistoryRows);
        Assert.Equal((others.Count, 0), (report.IgnoredFiles, report.SkippedFiles));
    }

    [Fact]
    public async Task A_damaged_zip_entry_is_skipped_with_its_reason_and_the_other_entries_are_imported()
    {
        var history = OneStream;
        var big = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"{{\"ts\": \"2024-02-01T00:00:{i % 60:00}Z\", \"ms_played\": {i}}}")) + "]");
        var zip = Zip(("endsong_0.json", history), ("endsong_1.json", big));
        // Damage the second entry's compressed bytes, well inside its data.
        var at = zip.AsSpan().IndexOf("endsong_1.json"u8) + 200;
        for (var i = 0; i < 64; i++)
        {
            zip[at + i] ^= 0x5A;
        }
        var store = new LocalFolderStore(_folder["lake"]);
        var report = await new ExportImporter(store, store).ImportAsync(Entries("my_spotify_data.zip", zip));
        Assert.Contains("damaged", report.Files.Single(f => f.Input.EndsWith("endsong_1.json", StringComparison.Ordinal)).Skipped, StringComparison.Ordinal);
        Assert.Equal(1, report.HistoryRows);
    }

    [Fact]
    public async Task A_file_read_from_a_stream_that_is_longer_than_it_declared_is_cut_off_with_a_reason()
    {
        var lying = new ExportCandidate("endsong_0.json", _ => Task.FromResult<Stream>(new MemoryStream(new byte[5000])), size: 10);
        var (bytes, problem) = await lying.ReadAsync(new ImportLimits { MaxFileBytes = 1000 }, default);
        Assert.Null(bytes);
        Assert.Contains("larger than", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inputs_with_no_history_import_nothing_and_say_why_for_each()
    {
        var (report, table, raw) = await ImportAsync("lake", [File("notes.txt", "hello"u8.ToArray()), File("Playlist1.json", "{\"playlists\": []}"u8.ToArray())]);
        Assert.Equal(0, report.ImportedFiles);
        Assert.All(report.Files, f => Assert.NotNull(f.Skipped));
        Assert.Empty(raw);
        Assert.Empty(table);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task A_json_of_timed_rows_none_of_which_says_how_long_it_played_is_not_history_and_hides_no_account_play(int seed)
    {
        // An app's event log or another tool's file beside the export: rows with 'ts' or 'endTime' (and keys a stream has too,
        // a track's name or URI among them), none with 'ms_played' or 'msPlayed'. Landed, its rows would be streams of no
        // length for good, and the days they cover would hide the account data's plays of those days.
        var random = new Random(seed);
        var days = Enumerable.Range(0, random.Next(3, 20)).Select(i => new DateTime(2024, 3, 1).AddDays(random.Next(60))).Distinct().ToList();
        var plays = days.Select((day, i) => FormattableString.Invariant($$"""{"endTime": "{{day:yyyy-MM-dd}} {{10 + i % 12:00}}:00", "artistName": "Artist", "trackName": "Song {{i}}", "msPlayed": {{random.Next(30_000, 300_000)}}}"""));
        var account = File("StreamingHistory_music_0.json", Encoding.UTF8.GetBytes($"[{string.Join(",\n", plays)}]"));
        string[] otherKeys = ["\"event\": \"app_focus\"", "\"context\": \"x\"", "\"platform\": \"ios\"", "\"conn_country\": \"SE\"",
            "\"master_metadata_track_name\": \"Song\"", "\"spotify_track_uri\": \"spotify:track:4uLU6hMCjMI75M1A2tKUQC\"", "\"reason_start\": \"clickrow\"",
            "\"trackName\": \"Song\"", "\"shuffle\": true", "\"searchQuery\": \"q\""];
        var timed = random.Next(2) == 0 ? "ts" : "endTime";
        var foreignRows = Enumerable.Range(0, random.Next(1, 400)).Select(i =>
        {
            var day = days[random.Next(days.Count)].AddSeconds(random.Next(86_400));
            var time = timed == "ts" ? FormattableString.Invariant($"{day:yyyy-MM-dd'T'HH:mm:ss'Z'}") : FormattableString.Invariant($"{day:yyyy-MM-dd HH:mm}");
            var keys = otherKeys.Where(_ => random.Next(3) == 0).Prepend($"\"{timed}\": \"{time}\"").OrderBy(_ => random.Next());
            return "{" + string.Join(", ", keys) + "}";
        });
        var name = new[] { "AppFocusEvents.json", "events.json", "Spotify Technical Log Information/Events.json", "export-2024.json" }[random.Next(4)];
        var foreign = File(name, Encoding.UTF8.GetBytes($"[{string.Join(",\n", foreignRows)}]"));

        var (report, _, raw) = random.Next(2) == 0
            ? await ImportAsync("lake", [account], [foreign])
            : await ImportAsync("lake", [foreign, account]);

        var skipped = Assert.Single(report.Files, f => f.Input == name);
        Assert.True(skipped.Ignored, "nothing to look at: no stream of any era lacks its length");
        Assert.Contains("none has 'ms_played' or 'msPlayed'", skipped.Skipped, StringComparison.Ordinal);
        Assert.Contains("is not a streaming-history file", skipped.Skipped, StringComparison.Ordinal);
        // Every play of the account data is in the table, whichever came first.
        var history = await ReadHistoryAsync(_folder["lake"]);
        Assert.Equal(days.Count, history.Count);
        Assert.All(history, row => Assert.Equal("account", row.Source));
        var landed = Assert.Single(raw);
        Assert.StartsWith("account_music/", landed.Key, StringComparison.Ordinal);
    }

    /// <summary>The other files of real exports, in the shapes they come in: objects, arrays without streams, PDFs.</summary>
    private static readonly (string Name, string Content)[] OtherExportFiles =
    [
        ("Spotify Account Data/Userdata.json", """{"username": "u", "email": "e@example.com", "country": "SE", "birthdate": "1990-01-01"}"""),
        ("Spotify Account Data/YourLibrary.json", """{"tracks": [{"artist": "a", "album": "b", "track": "c", "uri": "spotify:track:x"}], "albums": [], "shows": []}"""),
        ("Spotify Account Data/Playlist1.json", """{"playlists": [{"name": "p", "lastModifiedDate": "2024-01-01", "items": []}]}"""),
        ("Spotify Account Data/SearchQueries.json", """[{"platform": "IPHONE", "searchTime": "2024-01-01T00:00:00.000Z", "searchQuery": "q", "searchInteractionURIs": []}]"""),
        ("Spotify Account Data/Marquee.json", """[{"artistName": "a", "segment": "Light listeners"}]"""),
        ("Spotify Account Data/Inferences.json", """{"inferences": ["1P_Custom_Audience"]}"""),
        ("Spotify Account Data/Follow.json", """{"followerCount": 1, "followingUsersCount": 2, "dismissingUsersCount": 0}"""),
        ("Spotify Account Data/Wrapped2024.json", """{"topArtists": {"topArtists": ["a"]}, "yearlyMetrics": {"totalMsListened": 1}}"""),
        ("Spotify Account Data/Identity.json", "\uFEFF{\"displayName\": \"d\"}"),
        ("Spotify Account Data/Read_Me_First.pdf", "%PDF-1.7 binary"),
        ("Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf", "%PDF-1.4 binary"),
    ];

    [Fact]
    public async Task An_export_with_its_other_files_imports_without_needing_attention_and_a_damaged_unknown_file_still_needs_it()
    {
        var random = new Random(3);
        const string Stream = """[{"ts": "2024-03-01T10:00:00Z", "ms_played": 200000, "spotify_track_uri": "spotify:track:4uLU6hMCjMI75M1A2tKUQC", "master_metadata_track_name": "t"}]""";
        for (var trial = 0; trial < 8; trial++)
        {
            var others = OtherExportFiles.Where(_ => random.Next(3) > 0).Select(f => (f.Name, System.Text.Encoding.UTF8.GetBytes(f.Content))).ToList();
            (string, byte[])[] entries = [("Spotify Extended Streaming History/Streaming_History_Audio_2024_0.json", System.Text.Encoding.UTF8.GetBytes(Stream)), .. others];
            var (report, _, _) = await ImportAsync($"lake{trial}", Entries("my_spotify_data.zip", Zip(entries)));

            Assert.DoesNotContain(report.Files, f => f.NeedsAttention);
            Assert.Equal((others.Count, 0), (report.IgnoredFiles, report.SkippedFiles));
            Assert.Equal(1, report.HistoryRows);

            // An unknown JSON file that breaks off may be a damaged history file under another name: that is looked at.
            var cut = OtherExportFiles[random.Next(OtherExportFiles.Length - 2)];
            var damaged = System.Text.Encoding.UTF8.GetBytes(cut.Content)[..(cut.Content.Length / 2)];
            var (withDamage, _, _) = await ImportAsync($"damaged{trial}", Entries("my_spotify_data.zip", Zip([.. entries, ("Spotify Account Data/Extra.json", damaged)])));
            Assert.Equal(1, withDamage.SkippedFiles);
            Assert.True(withDamage.Files.Single(f => f.Input.EndsWith("Extra.json", StringComparison.Ordinal)).NeedsAttention);
        }
    }

    [Fact]
    public async Task A_history_file_renamed_into_another_kind_lands_again_and_its_rows_are_counted_once()
    {
        var sample = Sample(seed: 5);
        var endsong = sample.Zips.SelectMany(z => Entries(z.Name, z.Zip)).First(c => c.Name.EndsWith("endsong_0.json", StringComparison.Ordinal));
        var bytes = (await endsong.ReadAsync(ImportLimits.Default, default)).Bytes!;

        var (once, onceTable, _) = await ImportAsync("once", [File("endsong_0.json", bytes)]);
        var (renamed, renamedTable, raw) = await ImportAsync("renamed", [File("endsong_0.json", bytes)], [File("history.json", bytes)]);

        Assert.Equal(2, raw.Count);
        Assert.Equal(once.HistoryRows, renamed.HistoryRows);
        var again = Assert.Single(renamed.Files);
        Assert.Equal((0, again.RowsRead), (again.RowsKept, again.Duplicates + again.Covered + again.Unreadable));
        Assert.Equal(onceTable.Keys, renamedTable.Keys);
        Assert.All(onceTable, file => Assert.Equal(file.Value, renamedTable[file.Key]));
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }

    private sealed record HistoryLine(long EndedAt, string? TrackUri, string Source);

    /// <summary>The table as a reader sees it, through the independent Parquet reader.</summary>
    private static async Task<List<HistoryLine>> ReadHistoryAsync(string lake)
    {
        var rows = new List<HistoryLine>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(lake, "transformed", "listening_history"), "*.parquet", SearchOption.AllDirectories))
        {
            await using var reader = await Parquet.ParquetReader.CreateAsync(System.IO.File.OpenRead(file));
            var fields = reader.Schema.GetDataFields();
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                using var rowGroup = reader.OpenRowGroupReader(group);
                var ended = new string?[rowGroup.RowCount];
                var uri = new string?[rowGroup.RowCount];
                var source = new string?[rowGroup.RowCount];
                await rowGroup.ReadAsync(fields[0], ended.AsMemory()!);
                await rowGroup.ReadAsync(fields.Single(f => f.Name == "spotify_track_uri"), uri.AsMemory()!);
                await rowGroup.ReadAsync(fields.Single(f => f.Name == "source"), source.AsMemory()!);
                for (var i = 0; i < ended.Length; i++)
                {
                    rows.Add(new HistoryLine(DateTimeOffset.Parse(ended[i]!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds(), uri[i], source[i]!));
                }
            }
        }
        return rows;
    }
}
