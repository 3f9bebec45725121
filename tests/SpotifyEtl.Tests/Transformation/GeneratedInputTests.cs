using System.Globalization;
using System.Text;
using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// Property-style: many generated Spotify-shaped documents (awkward names with control characters and
/// NUL, optional fields left out, numbers as 42, 42.0 and {"totalMilliseconds": 42}) and many corrupted
/// ones (truncated, wrong types, invalid UTF-8, random bytes), from a fixed seed. Nothing crashes;
/// every valid document transforms; every corrupted one is quarantined with a reason; no control
/// character but tab reaches a table, in CSV or in Parquet.
/// </summary>
public sealed class GeneratedInputTests : IDisposable
{
    private const int Documents = 150;
    private static readonly DateOnly Day = new(2026, 11, 20);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Every_valid_document_transforms_and_every_name_is_kept_without_its_control_characters()
    {
        var generator = new DocumentGenerator(new Random(11));
        for (var i = 0; i < Documents * 4; i++)
        {
            var document = generator.Valid(i);

            var output = RawObjectTransformer.Transform(document.Key, Encoding.UTF8.GetBytes(document.Json));

            Assert.True(output.RowCount > 0, document.Json);
            Assert.Equal(document.Songs.Select(s => s.Id).Order(StringComparer.Ordinal), output.Songs.Keys.Order(StringComparer.Ordinal));
            foreach (var (id, name) in document.Songs)
            {
                Assert.Equal(AthenaValues.Text(name), output.Songs[id].SongName);
                AssertNoControlCharacter(output.Songs[id].SongName);
                // Each number as generated, whether written 42, 42.0 or {"totalMilliseconds": 42}; null where left out.
                var song = output.Songs[id];
                Assert.Equal(generator.Numbers[id], (song.DurationMs, song.TrackNumber, song.Popularity));
            }
            foreach (var artist in output.Artists.Values)
            {
                AssertNoControlCharacter(artist.ArtistName);
            }
            foreach (var playlist in output.Playlists)
            {
                AssertNoControlCharacter(playlist.PlaylistName);
            }
        }
    }

    [Fact]
    public void A_document_saved_with_a_byte_order_mark_gives_the_rows_it_gives_without_one()
    {
        var generator = new DocumentGenerator(new Random(17));
        for (var i = 0; i < Documents; i++)
        {
            var document = generator.Valid(i);
            var bytes = Encoding.UTF8.GetBytes(document.Json);

            var plain = RawObjectTransformer.Transform(document.Key, bytes);
            var marked = RawObjectTransformer.Transform(document.Key, [0xEF, 0xBB, 0xBF, .. bytes]);

            Assert.Equal(plain.RowCount, marked.RowCount);
            Assert.Equal(plain.Songs.Keys.Order(StringComparer.Ordinal), marked.Songs.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(plain.Plays.Select(p => (p.PlayedAt, p.SongId)), marked.Plays.Select(p => (p.PlayedAt, p.SongId)));
        }
    }

    [Fact]
    public void Every_item_gives_the_rows_it_gives_alone_whatever_the_items_and_pages_read_before_it_held()
    {
        // One worker reads every page into the same objects, as the pipeline does: a field an item leaves out
        // must come out missing, never as the value of an item read before it.
        var generator = new DocumentGenerator(new Random(13));
        var worker = new TransformedObject();
        for (var i = 0; i < Documents * 4; i++)
        {
            var document = generator.Valid(i);
            if (document.Key.Source == RawSource.Playlist)
            {
                continue;
            }
            var whole = RawObjectTransformer.Transform(document.Key, Encoding.UTF8.GetBytes(document.Json), worker);

            using var page = JsonDocument.Parse(document.Json);
            var rows = 0;
            foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
            {
                var alone = RawObjectTransformer.Transform(document.Key, Encoding.UTF8.GetBytes($$"""{"items":[{{item.GetRawText()}}],"offset":0}"""));
                foreach (var (id, song) in alone.Songs)
                {
                    Assert.Equal(song, whole.Songs[id]);
                    Assert.Equal(alone.SongArtists[id], whole.SongArtists[id]);
                }
                Assert.All(alone.Albums, album => Assert.Equal(album.Value, whole.Albums[album.Key]));
                Assert.All(alone.Artists, artist => Assert.Equal(artist.Value, whole.Artists[artist.Key]));
                rows += alone.RowCount;
            }
            Assert.Equal(rows, whole.RowCount);
        }
    }

    [Fact]
    public void Every_corrupted_document_is_refused_with_a_reason_and_nothing_else_is_thrown()
    {
        var generator = new DocumentGenerator(new Random(12));
        for (var i = 0; i < Documents * 4; i++)
        {
            var (key, bytes, how) = generator.Corrupted(i);

            var error = Record.Exception(() => RawObjectTransformer.Transform(key, bytes));

            var invalid = Assert.IsType<InvalidRawObjectException>(error);
            Assert.False(string.IsNullOrWhiteSpace(invalid.Reason), how);
            Assert.Contains(key.ToString(), invalid.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("parquet")]
    public async Task Through_the_pipeline_valid_documents_make_tables_and_corrupted_ones_land_in_quarantine_with_their_reason(string formatName)
    {
        var format = TableFormats.Parse(formatName)!.Value;
        var lake = new LocalFolderStore(_folder.Path);
        var generator = new DocumentGenerator(new Random(13));
        var valid = new List<string>();
        var corrupted = new List<string>();
        var songs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Documents; i++)
        {
            var document = generator.Valid(i);
            await lake.PutTextAsync(document.Key.ToString(), document.Json, "application/json");
            valid.Add(document.Key.ToString());
            foreach (var (id, name) in document.Songs)
            {
                songs[id] = name;
            }
            var (key, bytes, _) = generator.Corrupted(Documents + i);
            await lake.PutBytesAsync(key.ToString(), bytes, "application/json");
            corrupted.Add(key.ToString());
        }

        var report = await new TransformPipeline(lake, lake, new TransformOptions { Format = format }).TransformAsync(valid.Concat(corrupted));

        Assert.Equal(valid.Count, report.Transformed);
        Assert.Equal(corrupted.Count, report.Quarantined);
        Assert.Equal(valid.Order(StringComparer.Ordinal), report.Objects.Where(o => o.Status == TransformStatus.Transformed).Select(o => o.RawKey).Order(StringComparer.Ordinal));
        foreach (var key in corrupted)
        {
            var quarantined = LakeLayout.QuarantineKey(key);
            Assert.Equal(await lake.ReadAllBytesAsync(key), await lake.ReadAllBytesAsync(quarantined));
            Assert.False(string.IsNullOrWhiteSpace(await lake.ReadAllTextAsync(quarantined + LakeLayout.ReasonSuffix)));
        }

        using var duck = new DuckDb();
        var path = _folder[format.PartitionKey(TableNames.Songs, Day)].Replace("'", "''", StringComparison.Ordinal);
        var source = format == TableFormat.Csv
            ? $"read_csv('{path}', header = true, quote = '\"', escape = '\"', auto_detect = true, all_varchar = true)"
            : $"read_parquet('{path}')";
        var rows = duck.Query($"SELECT song_id, song_name FROM {source}").Rows;
        Assert.Equal(songs.Count, rows.Count);
        foreach (var row in rows)
        {
            Assert.Equal(AthenaValues.Text(songs[row[0]!]), row[1]);
            AssertNoControlCharacter(row[1]);
        }
        Assert.Contains(rows, row => songs[row[0]!].Contains('\0', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Counting_good_objects_instead_of_listing_them_keeps_every_total_and_lists_every_object_that_needs_attention()
    {
        var lake = new LocalFolderStore(_folder.Path);
        var generator = new DocumentGenerator(new Random(14));
        var keys = new List<string>();
        for (var i = 0; i < Documents; i++)
        {
            // Days of good objects, corrupted ones, and pages with an item of an unknown shape among good ones.
            var day = $"snapshot_date=2026-11-{10 + i % 5:00}";
            var document = generator.Valid(i);
            var key = document.Key.ToString().Replace("snapshot_date=2026-11-20", day, StringComparison.Ordinal);
            var json = i % 12 == 0 && document.Key.Source == RawSource.PlaylistItems
                ? document.Json.Replace("\"items\":[", "\"items\":[{\"added_at\":\"2026-11-20T08:00:00Z\"},", StringComparison.Ordinal)
                : document.Json;
            await lake.PutTextAsync(key, json, "application/json");
            keys.Add(key);
            if (i % 3 == 0)
            {
                var (corruptedKey, bytes, _) = generator.Corrupted(Documents + i);
                var bad = corruptedKey.ToString().Replace("snapshot_date=2026-11-20", day, StringComparison.Ordinal);
                await lake.PutBytesAsync(bad, bytes, "application/json");
                keys.Add(bad);
            }
        }
        keys.Add("elsewhere/not-raw.json");

        var listed = await new TransformPipeline(lake, lake).TransformAsync(keys);
        var counted = await new TransformPipeline(lake, lake, new TransformOptions { ListEveryObject = false }).TransformAsync(keys);

        Assert.Contains(listed.Objects, o => o.Status == TransformStatus.Transformed && o.Skipped.Unreadable > 0);
        Assert.True(listed.Quarantined > 0);
        Assert.Equal((listed.Transformed, listed.Quarantined, listed.Ignored, listed.Unreadable, listed.ItemsRead, listed.Skipped, listed.UnreadableItems),
            (counted.Transformed, counted.Quarantined, counted.Ignored, counted.Unreadable, counted.ItemsRead, counted.Skipped, counted.UnreadableItems));
        Assert.Equal(listed.Partitions, counted.Partitions);
        Assert.Equal(
            listed.Objects.Where(o => o.Status != TransformStatus.Transformed || o.Skipped.Unreadable > 0).Select(o => (o.RawKey, o.Status, o.Reason, o.Skipped)).Order(),
            counted.Objects.Select(o => (o.RawKey, o.Status, o.Reason, o.Skipped)).Order());
        Assert.True(counted.Objects.Count < listed.Objects.Count / 2);
    }

    [Theory]
    [InlineData("a\0b", "ab")]
    [InlineData("tab\tkept", "tab\tkept")]
    [InlineData("bell\u0007 esc\u001b del\u007f c1\u009b", "bell esc del c1")]
    [InlineData("line\r\nbreak\u2028here", "line break here")]
    [InlineData("夜に駆ける 🎵", "夜に駆ける 🎵")]
    public void Text_removes_control_characters_but_tab_and_turns_line_breaks_into_spaces(string value, string expected)
    {
        Assert.Equal(expected, AthenaValues.Text(value));
    }

    private static void AssertNoControlCharacter(string? text)
    {
        Assert.DoesNotContain(text ?? "", c => c != '\t' && (char.IsControl(c) || c is '\u2028' or '\u2029'));
    }

    private sealed record Document(RawObjectKey Key, string Json, IReadOnlyList<(string Id, string Name)> Songs);

    /// <summary>Spotify-shaped documents from a seeded <see cref="Random"/>.</summary>
    private sealed class DocumentGenerator(Random random)
    {
        private static readonly string[] Awkward =
        [
            "\0", "\t", "\n", "\r\n", "\r", "\u0001", "\u001f", "\u007f", "\u0085", "\u009f", "\u2028", "\u2029", "\"", "\\", ",", ";", "'",
            "\u00a0", "\u200b", "\u202e", "e\u0301", "🎵", "夜", "Ж", "ﷺ", "<b>", "${x}", "%s", "NULL", "\\N",
        ];

        private static readonly RawSource[] Sources = [RawSource.PlaylistItems, RawSource.RecentlyPlayed, RawSource.TopTracks, RawSource.SavedTracks, RawSource.Playlist, RawSource.TopArtists];

        public Document Valid(int index)
        {
            Numbers.Clear();
            var source = Sources[index % Sources.Length];
            var key = KeyFor(source, index);
            var songs = new List<(string, string)>();
            string json;
            switch (source)
            {
                case RawSource.Playlist:
                    json = Object(
                        ("id", Quote($"pl{index}")), ("name", Quote(Name())), ("snapshot_id", Quote($"s{index}")),
                        ("owner", Maybe("""{"id":"owner","type":"user"}""")), ("description", Maybe(Quote(Name()))));
                    break;
                case RawSource.TopArtists:
                    json = Page(Enumerable.Range(0, random.Next(1, 6)).Select(i => Artist($"a{index}x{i}")));
                    break;
                default:
                    var tracks = Enumerable.Range(0, random.Next(1, 6)).Select(i =>
                    {
                        var id = $"t{index}x{i}";
                        var name = Name();
                        songs.Add((id, name));
                        return Track(id, name);
                    }).ToList();
                    json = Page(tracks.Select(track => source switch
                    {
                        RawSource.PlaylistItems => Object(("added_at", Quote("2026-11-20T08:00:00Z")), ("added_by", Maybe("""{"id":"owner"}""")), ("is_local", Maybe("false")), (random.Next(2) == 0 ? "item" : "track", track)),
                        RawSource.RecentlyPlayed => Object(("track", track), ("played_at", Quote($"2026-11-20T08:{random.Next(60):00}:{random.Next(60):00}.{random.Next(1000):000}Z")), ("context", Maybe("null"))),
                        RawSource.SavedTracks => Object(("added_at", Quote("2026-11-19T08:00:00Z")), ("track", track)),
                        _ => track,
                    }));
                    break;
            }
            return new Document(key, json, songs);
        }

        public (RawObjectKey Key, byte[] Bytes, string How) Corrupted(int index)
        {
            var document = Valid(index);
            var bytes = Encoding.UTF8.GetBytes(document.Json);
            var isPage = document.Key.Source != RawSource.Playlist;
            switch (random.Next(isPage ? 7 : 5))
            {
                case 4:
                    // A byte that is not UTF-8 inside a name.
                    var at = document.Json.IndexOf("\"name\":\"", StringComparison.Ordinal) + 8;
                    return (document.Key, [.. bytes[..Encoding.UTF8.GetByteCount(document.Json[..at])], 0xFF, .. bytes[Encoding.UTF8.GetByteCount(document.Json[..at])..]], "invalid UTF-8");
                case 0:
                    return (document.Key, bytes[..random.Next(bytes.Length)], "truncated");
                case 1:
                    var noise = new byte[random.Next(0, 200)];
                    random.NextBytes(noise);
                    return (document.Key, noise, "random bytes");
                case 2:
                    string[] notObjects = ["[]", "\"a string\"", "42", "null", "true", "[" + document.Json + "]"];
                    return (document.Key, Encoding.UTF8.GetBytes(notObjects[random.Next(notObjects.Length)]), "not an object");
                case 3:
                    // A second document, or trailing garbage: a doubled or mangled upload.
                    return (document.Key, Encoding.UTF8.GetBytes(document.Json + (random.Next(2) == 0 ? document.Json : "}x")), "trailing bytes");
                case 5:
                    string[] wrongItems = ["42", "\"items\"", "{\"a\":1}", "true"];
                    return (document.Key, Encoding.UTF8.GetBytes(document.Json.Replace("\"items\":[", "\"items\":" + wrongItems[random.Next(wrongItems.Length)] + ",\"was\":[", StringComparison.Ordinal)), "items of the wrong type");
                default:
                    var wrongTypes = new[] { ("\"duration_ms\":", "\"duration_ms\":{\"seconds\":1},\"x\":"), ("\"id\":\"t", "\"id\":{\"t\":1},\"y\":\"t"), ("\"artists\":[", "\"artists\":\"none\",\"z\":[") };
                    var (from, to) = wrongTypes[random.Next(wrongTypes.Length)];
                    var changed = document.Json.Replace(from, to, StringComparison.Ordinal);
                    return changed == document.Json
                        ? (document.Key, bytes[..(bytes.Length / 2)], "truncated")
                        : (document.Key, Encoding.UTF8.GetBytes(changed), "a field of the wrong type");
            }
        }

        private static RawObjectKey KeyFor(RawSource source, int index)
        {
            var subject = source switch
            {
                RawSource.PlaylistItems or RawSource.Playlist => $"pl{index}",
                RawSource.TopTracks or RawSource.TopArtists => "short_term",
                RawSource.SavedTracks => SavedTracksSubjects.Full,
                _ => "me",
            };
            var run = $"20261120T{index / 3600 % 24:00}{index / 60 % 60:00}{index % 60:00}Z";
            return new RawObjectKey(source, Day, subject, run, 1);
        }

        /// <summary>What each track generated since the last <see cref="Valid"/> holds: its numbers, null where left out.</summary>
        public Dictionary<string, (int? DurationMs, int? TrackNumber, int? Popularity)> Numbers { get; } = new(StringComparer.Ordinal);

        private string Track(string id, string name)
        {
            var duration = MaybeNumber(random.Next(1000, 900_000), out var durationMs);
            var number = MaybeNumber(random.Next(1, 30), out var trackNumber);
            var disc = Maybe(Number(1));
            var isExplicit = Maybe(random.Next(2) == 0 ? "true" : "false");
            var isLocal = Maybe("false");
            var popular = MaybeNumber(random.Next(101), out var popularity);
            Numbers.TryAdd(id, (durationMs, trackNumber, popularity));
            return TrackJson(id, name, duration, number, disc, isExplicit, isLocal, popular);
        }

        /// <summary>A number as <see cref="Number"/> writes it, or null to leave it out; <paramref name="kept"/> is what a reader should find.</summary>
        private string? MaybeNumber(int value, out int? kept)
        {
            var text = Maybe(Number(value));
            kept = text is null ? null : value;
            return text;
        }

        private string TrackJson(string id, string name, string? duration, string? number, string? disc, string? isExplicit, string? isLocal, string? popularity) => Object(
            ("id", Quote(id)), ("name", Quote(name)), ("type", Maybe(Quote("track"))),
            ("duration_ms", duration), ("track_number", number),
            ("disc_number", disc), ("explicit", isExplicit), ("is_local", isLocal),
            ("popularity", popularity), ("external_ids", Maybe($$"""{"isrc":"ISRC{{id}}"}""")),
            ("album", Maybe(Object(("id", Quote("alb" + id)), ("name", Quote(Name())), ("album_type", Maybe(Quote("album"))),
                ("release_date", Maybe(Quote("1999-12-31"))), ("release_date_precision", Maybe(Quote("day"))), ("total_tracks", Maybe(Number(12)))))),
            ("artists", Maybe("[" + string.Join(",", Enumerable.Range(0, random.Next(0, 3)).Select(i => Artist($"ar{id}x{i}"))) + "]")));

        private string Artist(string id) => Object(("id", Quote(id)), ("name", Quote(Name())), ("type", Maybe(Quote("artist"))),
            ("genres", Maybe("[]")), ("external_urls", Maybe($$"""{"spotify":"https://open.spotify.com/artist/{{id}}"}""")));

        private static string Page(IEnumerable<string> items)
        {
            var list = items.ToList();
            return $$"""{"href":"https://api.spotify.com/v1/x","items":[{{string.Join(",", list)}}],"limit":50,"next":null,"offset":0,"total":{{list.Count}}}""";
        }

        /// <summary>An integer as Spotify has served it: 42, 42.0 or {"totalMilliseconds": 42}.</summary>
        private string Number(int value) => random.Next(3) switch
        {
            0 => value.ToString(CultureInfo.InvariantCulture),
            1 => value.ToString(CultureInfo.InvariantCulture) + ".0",
            _ => $$"""{"totalMilliseconds":{{value.ToString(CultureInfo.InvariantCulture)}}}""",
        };

        /// <summary>A name with a letter and some awkward characters, NUL among them.</summary>
        private string Name()
        {
            var pieces = Enumerable.Range(0, random.Next(1, 8))
                .Select(_ => random.Next(3) == 0 ? ((char)('a' + random.Next(26))).ToString() : Awkward[random.Next(Awkward.Length)]).ToList();
            pieces.Insert(random.Next(pieces.Count + 1), "x");
            return string.Concat(pieces);
        }

        /// <summary>The value, or null to leave the optional field out.</summary>
        private string? Maybe(string value) => random.Next(4) == 0 ? null : value;

        private static string Object(params (string Name, string? Value)[] fields) =>
            "{" + string.Join(",", fields.Where(f => f.Value is not null).Select(f => $"{Quote(f.Name)}:{f.Value}")) + "}";

        private static string Quote(string value) => JsonSerializer.Serialize(value);
    }
}
