using System.Buffers;
using System.Globalization;
using System.Text;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using SpotifyEtl.Transformation.Current;
using SpotifyEtl.Transformation.Parquet;
using Xunit;

namespace SpotifyEtl.Tests.Current;

/// <summary>
/// The binary digests the current-state tables are built from, on generated rows: every field survives
/// storing and reading (nulls, any Unicode, extreme numbers), each key keeps the row of its latest day,
/// merging digests in any order gives the same bytes, and a damaged digest is refused with the way out.
/// </summary>
public sealed class DigestTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Each_key_keeps_every_field_of_its_latest_day_through_storing_and_reading(int seed)
    {
        var random = new Random(seed);
        var rows = Rows(random, count: 300, days: 12);

        using var digest = DigestBuilder.Of(Shuffled(rows, random));
        using var read = RoundTrip(digest);

        Assert.Equal(Expected(rows), Flatten(read.ToState()));
    }

    [Theory]
    [InlineData(21, 300)]
    [InlineData(22, 900)]
    [InlineData(23, 3)]
    [InlineData(24, 0)]
    [InlineData(25, 30_000)]
    public void A_current_table_written_from_the_digest_is_the_file_its_decoded_rows_give_byte_for_byte(int seed, int count)
    {
        var random = new Random(seed);
        using var digest = RoundTrip(DigestBuilder.Of(Shuffled(Rows(random, count, days: 9, spotifyIds: seed % 2 == 1), random)));
        var decoded = digest.ToState();
        if (count > 10_000)
        {
            // Large enough that its songs are written in two parts on two cores, each with cursors of its own.
            Assert.True(ParquetOf(digest, 0).Length > ParquetFileWriter.ParallelBytes, $"the songs' file holds {ParquetOf(digest, 0).Length} bytes");
        }

        Assert.Equal(ParquetOf(decoded.Songs), ParquetOf(digest, 0));
        Assert.Equal(ParquetOf(decoded.Albums), ParquetOf(digest, 1));
        Assert.Equal(ParquetOf(decoded.Artists), ParquetOf(digest, 2));
        Assert.Equal(ParquetOf(decoded.SongArtists), ParquetOf(digest, 3));
        Assert.Equal(ParquetOf(decoded.Playlists), ParquetOf(digest, 4));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("é")]
    [InlineData("夜")]
    [InlineData("🎵")]
    public void Texts_of_every_length_around_a_one_byte_length_prefix_survive_storing_and_reading(string unit)
    {
        var songs = Enumerable.Range(0, 70)
            .Select(n => new CurrentRow<SongRow>("2026-11-20", new SongRow($"s{n:00}", string.Concat(Enumerable.Repeat(unit, n)),
                null, null, null, null, null, null, null, null, null)))
            .ToList();

        using var digest = RoundTrip(DigestBuilder.Of(new DimensionState(songs, [], [], [], [])));

        Assert.Equal(songs.Select(s => s.Row.SongName), digest.ToState().Songs.Select(s => s.Row.SongName));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Digests_merged_in_any_order_give_the_bytes_of_one_digest_of_all_their_rows(int seed)
    {
        var random = new Random(seed);
        var rows = Rows(random, count: 400, days: 20);
        // One digest per day (as the days' digests), merged in three random orders.
        var byDay = ByDay(rows);
        using var whole = DigestBuilder.Of(rows);
        var expected = Bytes(whole);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var latest = Digest.Empty();
            foreach (var part in byDay.OrderBy(_ => random.Next()))
            {
                using var digest = DigestBuilder.Of(part);
                using var stored = RoundTrip(digest);
                var merged = Digest.Latest(latest, stored);
                latest.Dispose();
                latest = merged;
            }
            using (latest)
            {
                Assert.Equal(expected, Bytes(latest));
            }
        }
    }

    [Theory]
    [InlineData(31, false)]
    [InlineData(32, false)]
    [InlineData(33, true)]
    [InlineData(34, true)]
    public void Rows_that_come_sorted_as_a_day_sorts_them_give_the_bytes_of_the_same_rows_in_any_order(int seed, bool spotifyIds)
    {
        var random = new Random(seed);
        var rows = Rows(random, count: 300, days: 1, spotifyIds);
        // As a day's tables come: one row per id, in the ordinal order of .NET strings, which differs from
        // the order of their UTF-8 bytes once private-use characters meet emoji.
        var sorted = new DimensionState(
            [.. rows.Songs.OrderBy(r => r.Row.SongId, StringComparer.Ordinal)], [.. rows.Albums.OrderBy(r => r.Row.AlbumId, StringComparer.Ordinal)],
            [.. rows.Artists.OrderBy(r => r.Row.ArtistId, StringComparer.Ordinal)],
            [.. rows.SongArtists.OrderBy(r => r.Row.SongId, StringComparer.Ordinal).ThenBy(r => r.Row.ArtistId, StringComparer.Ordinal)],
            [.. rows.Playlists.OrderBy(r => r.Row.PlaylistId, StringComparer.Ordinal)]);

        using var fromSorted = DigestBuilder.Of(sorted);
        using var fromShuffled = DigestBuilder.Of(Shuffled(rows, random));

        Assert.Equal(Bytes(fromShuffled), Bytes(fromSorted));
        using var read = RoundTrip(fromSorted);
        Assert.Equal(Expected(rows), Flatten(read.ToState()));
    }

    [Fact]
    public void Two_rows_of_one_key_on_one_day_give_the_same_row_whatever_their_order()
    {
        var first = new CurrentRow<SongArtistRow>("2026-11-20", new SongArtistRow("s1", "a1", 0));
        var second = new CurrentRow<SongArtistRow>("2026-11-20", new SongArtistRow("s1", "a1", 3));
        var forward = DimensionState.Empty with { SongArtists = [first, second] };
        var backward = DimensionState.Empty with { SongArtists = [second, first] };

        using var a = DigestBuilder.Of(forward);
        using var b = DigestBuilder.Of(backward);

        Assert.Equal(Bytes(a), Bytes(b));
        Assert.Single(a.ToState().SongArtists);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void A_damaged_digest_is_refused_with_its_key_and_the_way_to_rebuild_it(int seed)
    {
        var random = new Random(seed);
        using var digest = DigestBuilder.Of(Rows(random, count: 60, days: 3));
        var stored = Bytes(digest);
        const string key = "staging/current/days/2026-11/snapshot_date=2026-11-20.digest";
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var damaged = (byte[])stored.Clone();
            switch (random.Next(3))
            {
                case 0:
                    damaged[random.Next(damaged.Length)] ^= (byte)(1 + random.Next(255));
                    break;
                case 1:
                    damaged = damaged[..random.Next(damaged.Length)];
                    break;
                default:
                    damaged = [.. damaged, .. Enumerable.Range(0, 1 + random.Next(8)).Select(_ => (byte)random.Next(256))];
                    break;
            }
            // Refused whether or not the reader knows the fingerprint of the digest it wrote at that key.
            foreach (var built in new UInt128?[] { null, digest.Fingerprint() })
            {
                var error = Assert.Throws<InvalidDataException>(() => Digest.Read(Pooled(damaged), key, built).Dispose());
                Assert.Contains(key, error.Message, StringComparison.Ordinal);
                Assert.Contains("spotify-etl current", error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void A_digest_read_back_with_its_own_fingerprint_holds_its_rows_and_another_digests_fingerprint_changes_nothing(int seed)
    {
        var random = new Random(seed);
        using var digest = DigestBuilder.Of(Rows(random, count: 200, days: 4));
        using var other = DigestBuilder.Of(Rows(random, count: 200, days: 4));

        using var known = Digest.Read(Pooled(Bytes(digest)), "a digest", digest.Fingerprint());
        using var unknown = Digest.Read(Pooled(Bytes(digest)), "a digest", other.Fingerprint());

        Assert.Equal(Bytes(digest), Bytes(known));
        Assert.Equal(Flatten(digest.ToState()), Flatten(known.ToState()));
        Assert.Equal(Bytes(digest), Bytes(unknown));
        Assert.NotEqual(digest.Fingerprint(), other.Fingerprint());
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    public async Task A_digest_damaged_on_disk_after_this_process_wrote_it_is_still_refused_when_its_month_is_rebuilt(int seed)
    {
        var random = new Random(seed);
        using var folder = new TempFolder();
        var lake = new LocalFolderStore(folder.Path);
        var publisher = new CurrentStatePublisher(lake, TableFormat.Parquet);
        var day = new DateOnly(2026, 11, 20);
        await publisher.WriteDayAsync(day, Rows(random, count: 90, days: 1), CancellationToken.None);
        await publisher.WriteDayAsync(day.AddDays(-1), Rows(random, count: 90, days: 1), CancellationToken.None);
        await publisher.UpdateAsync([day, day.AddDays(-1)], CancellationToken.None);

        // Damaged in place, its length kept (a flipped byte on disk), by something other than the publisher.
        var key = CurrentLayout.DayKey(day);
        var path = folder[key];
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[random.Next(bytes.Length)] ^= (byte)(1 + random.Next(255));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        await File.WriteAllBytesAsync(path, bytes);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => publisher.UpdateAsync([day], CancellationToken.None));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static byte[] ParquetOf<T>(List<CurrentRow<T>> rows) where T : ITableRow<T>
    {
        using var file = new MemoryStream();
        ParquetTable.Write(file, rows);
        return file.ToArray();
    }

    private static byte[] ParquetOf(Digest digest, int section)
    {
        using var file = new MemoryStream();
        digest.WriteParquet(section, file);
        return file.ToArray();
    }

    private static Digest RoundTrip(Digest digest) => Digest.Read(Pooled(Bytes(digest)), "a digest");

    private static byte[] Bytes(Digest digest)
    {
        using var stream = digest.Store();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static PooledBytes Pooled(byte[] bytes)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, bytes.Length));
        bytes.CopyTo(buffer, 0);
        return new PooledBytes(buffer, bytes.Length);
    }

    /// <summary>Rows of all five tables, each key at most once per day, over the given number of days.</summary>
    private static DimensionState Rows(Random random, int count, int days, bool spotifyIds = false)
    {
        // Spotify's ids are 22 base-62 characters, whose two orders agree; any other text tests the rest.
        var ids = Enumerable.Range(0, count / 3)
            .Select(_ => spotifyIds ? new string(Enumerable.Range(0, 22).Select(_ => Base62[random.Next(62)]).ToArray()) : Text(random, nullable: false)!)
            .Distinct(StringComparer.Ordinal).ToList();
        string Date(int day) => new DateOnly(2026, 10, 1).AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        IEnumerable<(string Date, string Id)> Keys() => Enumerable.Range(0, count)
            .Select(_ => (Date(random.Next(days)), ids[random.Next(ids.Count)])).Distinct();
        return new DimensionState(
            [.. Keys().Select(k => new CurrentRow<SongRow>(k.Date, new SongRow(k.Id, Text(random), Number(random), Bool(random), Text(random),
                Number(random), Number(random), Number(random), Text(random), Text(random), Link(random, "track", k.Id))))],
            [.. Keys().Select(k => new CurrentRow<AlbumRow>(k.Date, new AlbumRow(k.Id, Text(random), Text(random), Text(random), Text(random),
                Number(random), Number(random), Link(random, "album", k.Id))))],
            [.. Keys().Select(k => new CurrentRow<ArtistRow>(k.Date, new ArtistRow(k.Id, Text(random), Text(random))))],
            [.. Keys().Select(k => (k, Artist: ids[random.Next(ids.Count)])).DistinctBy(p => (p.k, p.Artist))
                .Select(p => new CurrentRow<SongArtistRow>(p.k.Date, new SongArtistRow(p.k.Id, p.Artist, Number(random) ?? 0)))],
            [.. Keys().Select(k => new CurrentRow<PlaylistRow>(k.Date, new PlaylistRow(k.Id, Text(random), Text(random), Text(random))))]);
    }

    /// <summary>Mostly the id's own web link (kept as the id where the id is Spotify's, SpotifyUrls), otherwise any text.</summary>
    private static string? Link(Random random, string kind, string id) =>
        random.Next(3) == 0 ? Text(random) : $"https://open.spotify.com/{kind}/{id}";

    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Text from every plane: ASCII, accents, CJK, private use, emoji (surrogate pairs), empty; sometimes null.</summary>
    private static string? Text(Random random, bool nullable = true)
    {
        if (nullable && random.Next(5) == 0)
        {
            return null;
        }
        var text = new StringBuilder();
        // Mostly short, sometimes past the 127 bytes whose length a one-byte prefix holds.
        for (var i = random.Next(nullable ? 0 : 1, random.Next(4) == 0 ? 120 : 12); i > 0; i--)
        {
            switch (random.Next(6))
            {
                case 0: text.Append((char)random.Next('0', 'z' + 1)); break;
                case 1: text.Append((char)random.Next(0xC0, 0x250)); break;
                case 2: text.Append((char)random.Next(0x4E00, 0x9FFF)); break;
                case 3: text.Append((char)random.Next(0xE000, 0xFFFE)); break;
                case 4: text.Append(char.ConvertFromUtf32(random.Next(0x1F300, 0x1FAFF))); break;
                default: text.Append((char)random.Next(1, 0x80)); break;
            }
        }
        return text.ToString();
    }

    private static int? Number(Random random) => random.Next(6) switch
    {
        0 => null,
        1 => int.MinValue,
        2 => int.MaxValue,
        3 => 0,
        _ => random.Next(int.MinValue, int.MaxValue),
    };

    private static bool? Bool(Random random) => random.Next(3) switch { 0 => null, 1 => false, _ => true };

    private static DimensionState Shuffled(DimensionState state, Random random) => new(
        [.. state.Songs.OrderBy(_ => random.Next())], [.. state.Albums.OrderBy(_ => random.Next())], [.. state.Artists.OrderBy(_ => random.Next())],
        [.. state.SongArtists.OrderBy(_ => random.Next())], [.. state.Playlists.OrderBy(_ => random.Next())]);

    /// <summary>Per table, per key, the row of the latest date, as text, in key order (UTF-8 bytes, as DuckDB orders).</summary>
    private static List<string> Expected(DimensionState state) => Flatten(new DimensionState(
        Latest(state.Songs, r => r.SongId), Latest(state.Albums, r => r.AlbumId), Latest(state.Artists, r => r.ArtistId),
        Latest(state.SongArtists, r => $"{r.SongId}\u0000{r.ArtistId}"), Latest(state.Playlists, r => r.PlaylistId)));

    private static List<CurrentRow<T>> Latest<T>(List<CurrentRow<T>> rows, Func<T, string> key) where T : ITableRow<T> =>
        [.. rows.GroupBy(r => key(r.Row), StringComparer.Ordinal).Select(g => g.MaxBy(r => r.SnapshotDate, StringComparer.Ordinal)!)];

    private static List<string> Flatten(DimensionState state) =>
    [
        .. Lines(state.Songs), .. Lines(state.Albums), .. Lines(state.Artists), .. Lines(state.SongArtists), .. Lines(state.Playlists),
    ];

    private static IEnumerable<string> Lines<T>(List<CurrentRow<T>> rows) where T : ITableRow<T> =>
        rows.Select(r => $"{T.Table}|{r.SnapshotDate}|{string.Join('|', T.Schema.Select(c => c.Format(r.Row) ?? "∅"))}")
            .Order(Utf8Order.Instance);

    /// <summary>The rows split by snapshot date, one state per day, as the days' digests hold them.</summary>
    private static List<DimensionState> ByDay(DimensionState state) =>
    [
        .. state.Songs.Select(r => r.SnapshotDate).Concat(state.Albums.Select(r => r.SnapshotDate)).Concat(state.Artists.Select(r => r.SnapshotDate))
            .Concat(state.SongArtists.Select(r => r.SnapshotDate)).Concat(state.Playlists.Select(r => r.SnapshotDate)).Distinct()
            .Select(date => new DimensionState(
                [.. state.Songs.Where(r => r.SnapshotDate == date)], [.. state.Albums.Where(r => r.SnapshotDate == date)],
                [.. state.Artists.Where(r => r.SnapshotDate == date)], [.. state.SongArtists.Where(r => r.SnapshotDate == date)],
                [.. state.Playlists.Where(r => r.SnapshotDate == date)])),
    ];

    private sealed class Utf8Order : IComparer<string>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(string? x, string? y) => Encoding.UTF8.GetBytes(x!).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y!));
    }
}
