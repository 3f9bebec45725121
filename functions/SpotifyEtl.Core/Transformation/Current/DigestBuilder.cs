using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SpotifyEtl.Transformation.Parquet;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// Encodes rows as a <see cref="Digest"/>: each section's rows are written once, sorted by their key as
/// bytes and reduced to the latest row per key (the later day; on the same day, the smaller row, as
/// when digests merge), so the result never depends on the order the rows came in.
/// </summary>
internal static class DigestBuilder
{
    /// <summary>A day's digest: the rows its dimension partitions hold, each dated with the day.</summary>
    public static Digest OfDay(SnapshotTables day)
    {
        var date = day.SnapshotDate.DayNumber;
        return Build(EstimatedBytes(day.Songs.Count, day.Albums.Count, day.Artists.Count),
            day.Songs.Select(r => (date, r)),
            day.Albums.Select(r => (date, r)),
            day.Artists.Select(r => (date, r)),
            day.UnorderedSongArtists.Select(r => (date, r)),
            day.Playlists.Select(r => (date, r)));
    }

    /// <summary>Rows read elsewhere (the partitions, when the tables are rebuilt from them), in any order.</summary>
    public static Digest Of(DimensionState state) => Build(EstimatedBytes(state.Songs.Count, state.Albums.Count, state.Artists.Count),
        Dated(state.Songs), Dated(state.Albums), Dated(state.Artists), Dated(state.SongArtists), Dated(state.Playlists));

    private static IEnumerable<(int Day, T Row)> Dated<T>(IEnumerable<CurrentRow<T>> rows) where T : ITableRow<T> =>
        rows.Select(r => (DateOnly.ParseExact(r.SnapshotDate, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).DayNumber, r.Row));

    /// <summary>
    /// Room for a digest of this many rows, a little more than they usually take (a song and its artists
    /// about 300 bytes): the buffer is rented uninitialized, so room never written is never touched,
    /// while each time a buffer grows it copies everything written before.
    /// </summary>
    private static int EstimatedBytes(int songs, int albums, int artists) =>
        (int)Math.Clamp(songs * 384L + albums * 192L + artists * 128L, MinimumCapacity, MaximumCapacity);

    private static Digest Build(
        int capacity,
        IEnumerable<(int, SongRow)> songs,
        IEnumerable<(int, AlbumRow)> albums,
        IEnumerable<(int, ArtistRow)> artists,
        IEnumerable<(int, SongArtistRow)> songArtists,
        IEnumerable<(int, PlaylistRow)> playlists)
    {
        // Rented, not allocated: memory never written is never touched, and the next day reuses it.
        var payload = Digest.NewBuffer(capacity);
        try
        {
            // The rows of one section that comes unsorted (song_artists, mostly), before they are sorted.
            using var scratch = new PooledBufferWriter(Math.Max(MinimumCapacity, capacity / 4));
            var entries = new List<Entry>();
            AddSection(payload, scratch, entries, songs, 0);
            AddSection(payload, scratch, entries, albums, 1);
            AddSection(payload, scratch, entries, artists, 2);
            AddSection(payload, scratch, entries, songArtists, 3);
            AddSection(payload, scratch, entries, playlists, 4);
            return Digest.Of(payload);
        }
        catch
        {
            payload.Dispose();
            throw;
        }
    }

    private const int MinimumCapacity = 64 << 10;
    private const int MaximumCapacity = 1 << 30;

    /// <summary>
    /// One section. Rows that come sorted by key, one per key (a day's songs, albums and artists), are
    /// written straight into it; otherwise (or at the first row out of order) it is written again from
    /// the rows sorted by rank.
    /// </summary>
    private static void AddSection<T>(PooledBufferWriter payload, PooledBufferWriter scratch, List<Entry> entries,
        IEnumerable<(int Day, T Row)> rows, int section) where T : ITableRow<T>
    {
        var keyColumns = DigestRows.KeyColumns[section];
        var header = DigestSections.BeginSection(payload);
        if (TryInOrder(payload, scratch, rows, keyColumns, out var written))
        {
            DigestSections.EndSection(payload, header, written);
            return;
        }
        payload.Truncate(header + DigestSections.HeaderLength);

        scratch.Clear();
        entries.Clear();
        foreach (var (day, row) in rows)
        {
            var start = scratch.WrittenCount;
            DigestFields.WriteRow(scratch, day, row);
            entries.Add(new Entry(KeyPrefix(scratch.WrittenSpan[start..]), start, scratch.WrittenCount - start));
        }
        var bytes = scratch.WrittenMemory;
        CollectionsMarshal.AsSpan(entries).Sort(new ByRank(bytes, keyColumns));

        payload.GetSpan(scratch.WrittenCount + entries.Count * 3);
        var count = 0;
        var previous = ReadOnlySpan<byte>.Empty;
        foreach (var (_, start, length) in entries)
        {
            var row = bytes.Span.Slice(start, length);
            // Sorted by rank, the first row of each key is the one that stands.
            if (count > 0 && DigestSections.CompareKeys(previous, row, keyColumns, out _, out _) == 0)
            {
                continue;
            }
            Append(payload, row);
            previous = row;
            count++;
        }
        DigestSections.EndSection(payload, header, count);
    }

    private static bool TryInOrder<T>(PooledBufferWriter payload, PooledBufferWriter scratch, IEnumerable<(int Day, T Row)> rows,
        int keyColumns, out int count) where T : ITableRow<T>
    {
        count = 0;
        var previousStart = 0;
        var previousLength = 0;
        foreach (var (day, row) in rows)
        {
            scratch.Clear();
            DigestFields.WriteRow(scratch, day, row);
            var current = scratch.WrittenSpan;
            if (count > 0 && DigestSections.CompareKeys(payload.WrittenSpan.Slice(previousStart, previousLength), current, keyColumns, out _, out _) >= 0)
            {
                return false;
            }
            Append(payload, current);
            (previousStart, previousLength) = (payload.WrittenCount - current.Length, current.Length);
            count++;
        }
        return true;
    }

    private static void Append(PooledBufferWriter payload, ReadOnlySpan<byte> row)
    {
        DigestFields.WriteVarint(payload, (ulong)row.Length);
        row.CopyTo(payload.GetSpan(row.Length));
        payload.Advance(row.Length);
    }

    /// <summary>The first eight bytes of the row's key, big-endian: most comparisons end there.</summary>
    private static ulong KeyPrefix(ReadOnlySpan<byte> row)
    {
        var fields = new FieldReader(row);
        fields.Day();
        fields.TextBytes(out var key);
        Span<byte> prefix = stackalloc byte[8];
        prefix.Clear();
        key[..Math.Min(8, key.Length)].CopyTo(prefix);
        return BinaryPrimitives.ReadUInt64BigEndian(prefix);
    }

    private readonly record struct Entry(ulong Prefix, int Start, int Length);

    private readonly struct ByRank(ReadOnlyMemory<byte> bytes, int keyColumns) : IComparer<Entry>
    {
        public int Compare(Entry x, Entry y) => x.Prefix != y.Prefix
            ? x.Prefix.CompareTo(y.Prefix)
            : DigestSections.CompareRanks(bytes.Span.Slice(x.Start, x.Length), bytes.Span.Slice(y.Start, y.Length), keyColumns);
    }
}
