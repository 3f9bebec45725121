using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace SpotifyEtl.SampleLibrary;

/// <summary>A played track the sample export should also hold (an API play of the same sample), at its end time.</summary>
public sealed record SampleApiPlay(long EndedAt, string TrackUri, string? TrackName, string? ArtistName, string? AlbumName, int? DurationMs);

public sealed record SampleExportOptions(int Streams = 3000, int Seed = 42, DateOnly? LastDay = null, IReadOnlyList<SampleApiPlay>? ApiPlays = null);

/// <summary>
/// The zips written, as a user downloads them: name and bytes; the distinct streams of the extended history, and those
/// only the account data holds (after the extended history ends), which an import keeps besides.
/// </summary>
public sealed record SampleExportFiles(IReadOnlyList<(string Name, byte[] Zip)> Zips, int Streams, int AccountOnly = 0);

/// <summary>
/// Writes a Spotify data export with every variant and quirk the import must handle: an older export
/// (<c>endsong_N.json</c>, old keys, offline times in milliseconds, older account data) and a newer one
/// (<c>Streaming_History_Audio_…</c> and <c>_Video_</c> files, audiobook keys only in recent files, offline times in
/// seconds since mid-2023, account data for music, podcasts and audiobooks) overlapping by years; rows unsorted, exact
/// duplicates, rows sharing a time, a row with no metadata, an unknown future key; and files that are not history
/// (a PDF, a user-data object, search queries). The extended history ends three days before the last day: account
/// rows fill those days, and the API plays given are in the export, so the import must count each once.
/// </summary>
public static class SampleExport
{
    private static readonly DateTimeOffset FirstStream = new(2016, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset OldExportEnd = new(2023, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTime ZipTime = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

    public static SampleExportFiles Write(SampleExportOptions options)
    {
        var random = new Random(options.Seed);
        var lastDay = options.LastDay ?? SampleOptions.DefaultLastDay;
        var end = new DateTimeOffset(lastDay.ToDateTime(new TimeOnly(23, 59)), TimeSpan.Zero);
        var extendedEnd = end.AddDays(-3);
        var catalogue = SampleCatalogue.Make(random);
        var streams = new List<SampleStream>();
        var span = extendedEnd.ToUnixTimeSeconds() - FirstStream.ToUnixTimeSeconds();
        for (var i = 0; i < options.Streams; i++)
        {
            streams.Add(catalogue.Stream(random, FirstStream.ToUnixTimeSeconds() + random.NextInt64(span)));
        }
        // Rows sharing one ts: a burst of skips ends several streams in the same second.
        for (var i = 0; i < 3; i++)
        {
            streams.Add(catalogue.Stream(random, streams[i].Ts) with { MsPlayed = 1200 + i, ReasonEnd = "fwdbtn", Skipped = true });
        }
        // A row with every metadata field null, as real exports have.
        streams.Add(new SampleStream(streams[10].Ts + 7, 0, new SampleContent("unknown", null, null, null, null), 0, "ZZ", "", "", false, false, false, false));
        var accountOnly = new List<SampleStream>();
        foreach (var (play, index) in (options.ApiPlays ?? []).Select((p, i) => (p, i)))
        {
            var content = new SampleContent("track", play.TrackUri, play.TrackName, play.ArtistName, play.AlbumName);
            var ms = play.DurationMs ?? 180_000;
            // The export's ts of a stream and the API's played_at differ by a few seconds at most.
            var stream = new SampleStream(play.EndedAt + index % 4, ms, content, 0, "SE", "trackdone", "trackdone", false, false, false, false);
            (play.EndedAt <= extendedEnd.ToUnixTimeSeconds() ? streams : accountOnly).Add(stream);
        }
        // Account data covers the last year, to the minute: the extended history's last year and the days after it.
        var yearAgo = end.AddDays(-365).ToUnixTimeSeconds();
        var after = extendedEnd.ToUnixTimeSeconds();
        for (var i = 0; i < 40; i++)
        {
            accountOnly.Add(catalogue.Stream(random, after + random.NextInt64(end.ToUnixTimeSeconds() - after)) with { Device = 0 });
        }
        var account = streams.Where(s => s.Ts >= yearAgo && s.Content.Kind != "unknown").Concat(accountOnly).OrderBy(s => s.Ts).ToList();

        var oldZip = Zip(z =>
        {
            var old = Shuffle(random, streams.Where(s => s.Ts < OldExportEnd.ToUnixTimeSeconds() && s.Content.Kind != "audiobook").ToList());
            var chunks = old.Chunk(Math.Max(1, (old.Count + 1) / 2)).ToList();
            for (var i = 0; i < chunks.Count; i++)
            {
                z.Add($"MyData/endsong_{i}.json", Array(chunks[i], (w, s) => s.WriteExtended(w, oldEra: true, audiobookKeys: false)));
            }
            var oldAccount = streams.Where(s => s.Ts >= OldExportEnd.AddDays(-365).ToUnixTimeSeconds() && s.Ts < OldExportEnd.ToUnixTimeSeconds()
                && s.Content.Kind != "unknown" && s.Content.Kind != "audiobook").OrderBy(s => s.Ts).ToList();
            z.Add("MyData/StreamingHistory0.json", Array(oldAccount, (w, s) => s.WriteAccount(w, legacy: true)));
            z.Add("MyData/Read_Me_First.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n% not JSON: the export's guide\n"));
        });

        var newZip = Zip(z =>
        {
            var audio = streams.Where(s => s.Content.Kind != "episode" || s.Ts % 5 != 0).ToList();
            var video = streams.Where(s => s.Content.Kind == "episode" && s.Ts % 5 == 0).ToList();
            foreach (var group in audio.GroupBy(s => DateTimeOffset.FromUnixTimeSeconds(s.Ts).Year switch { < 2019 => "2016-2018", < 2022 => "2019-2021", < 2024 => "2022-2023", var y => $"{y}" })
                         .OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var rows = Shuffle(random, group.ToList());
                var withBooks = !group.Key.Contains('-', StringComparison.Ordinal);
                var parts = rows.Chunk(Math.Max(1, rows.Count / 2 + 1)).ToList();
                for (var i = 0; i < parts.Count; i++)
                {
                    // Exact duplicate rows inside one file, and one key no earlier export had.
                    var part = parts[i].Concat(parts[i].Take(2)).ToList();
                    z.Add($"Spotify Extended Streaming History/Streaming_History_Audio_{group.Key}_{i}.json",
                        Array(part, (w, s) => s.WriteExtended(w, oldEra: false, audiobookKeys: withBooks, futureKey: s == part[0] ? "video_quality" : null)));
                }
            }
            var videoRows = Shuffle(random, video.Concat(video.Take(7)).ToList());
            z.Add("Spotify Extended Streaming History/Streaming_History_Video_2016-2026.json", Array(videoRows, (w, s) => s.WriteExtended(w, oldEra: false, audiobookKeys: true)));
            z.Add("Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n% not JSON\n"));
            z.Add("Spotify Account Data/StreamingHistory_music_0.json", Array(account.Where(s => s.Content.Kind == "track").ToList(), (w, s) => s.WriteAccount(w, legacy: false)));
            z.Add("Spotify Account Data/StreamingHistory_podcast_0.json", Array(account.Where(s => s.Content.Kind == "episode").ToList(), (w, s) => s.WriteAccount(w, legacy: false)));
            z.Add("Spotify Account Data/StreamingHistory_audiobook_0.json", Array(account.Where(s => s.Content.Kind == "audiobook").ToList(), (w, s) => s.WriteAccount(w, legacy: false)));
            z.Add("Spotify Account Data/Userdata.json", Encoding.UTF8.GetBytes("{\"username\": \"sample.listener\", \"country\": \"SE\"}"));
            z.Add("Spotify Account Data/SearchQueries.json", Encoding.UTF8.GetBytes("[{\"platform\": \"IPHONE\", \"searchTime\": \"2026-11-01T10:00:00.000Z[UTC]\", \"searchQuery\": \"sigur\"}]"));
            // Rows a reader must set aside with a reason: a time that does not parse, no time at all, a number.
            z.Add("Spotify Extended Streaming History/Streaming_History_Audio_2026_9.json", Encoding.UTF8.GetBytes(
                "[{\"ts\": \"yesterday\", \"ms_played\": 1000}, {\"ms_played\": 2000, \"spotify_track_uri\": null}, 42]"));
        });
        return new SampleExportFiles([("my_spotify_data_2023.zip", oldZip), ("my_spotify_data.zip", newZip)], streams.Count, accountOnly.Count);
    }

    private static List<T> Shuffle<T>(Random random, List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items;
    }

    private static byte[] Array(IReadOnlyList<SampleStream> rows, Action<Utf8JsonWriter, SampleStream> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, SampleGenerator.Indented))
        {
            w.WriteStartArray();
            foreach (var row in rows)
            {
                write(w, row);
            }
            w.WriteEndArray();
        }
        return buffer.ToArray();
    }

    private static byte[] Zip(Action<ZipWriter> fill)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            fill(new ZipWriter(zip));
        }
        return buffer.ToArray();
    }

    private sealed class ZipWriter(ZipArchive zip)
    {
        public void Add(string name, byte[] content)
        {
            var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
            entry.LastWriteTime = ZipTime;
            using var stream = entry.Open();
            stream.Write(content);
        }
    }
}
