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
    /// <summary>A day's digest: the rows its dimension partitions hold, each dated with the day, each fetched ahead of its turn (<see cref="RowPrefetch"/>).</summary>
    public static Digest OfDay(SnapshotTables day)
    {
        var date = day.SnapshotDate.DayNumber;
        return Build(day.Songs.Count, day.Albums.Count, day.Artists.Count,
            Dated(date, day.Songs),
            Dated(date, day.Albums),
            Dated(date, day.Artists),
            Dated(date, day.SongArtistsByKey),
            Dated(date, day.Playlists));
    }

    private static IEnumerable<(int Day, T Row)> Dated<T>(int date, IEnumerable<T> rows) where T : ITableRow<T> =>
        RowPrefetch.Ahead(rows).Select(r => (date, r));

    /// <summary>Rows read elsewhere (the partitions, when the tables are rebuilt from them), in any order.</summary>
    public static Digest Of(DimensionState state) => Build(state.Songs.Count, state.Albums.Count, state.Artists.Count,
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

    /// <summary>Room for the sections after the songs: albums, artists, and the song artists (about 75 bytes a song).</summary>
    private static int EstimatedRestBytes(int songs, int albums, int artists) =>
        (int)Math.Clamp(songs * 128L + albums * 192L + artists * 128L, MinimumCapacity, MaximumCapacity);

    /// <summary>
    /// The songs, about half of a digest, are written straight into it while the other sections are written
    /// into a buffer of their own on another core, then copied after them: the bytes are those of the
    /// sections written one after the other. A day's digest is written beside its partitions, and on the
    /// last day of a run nothing else is left to keep the cores busy.
    /// </summary>
    private static Digest Build(
        int songCount,
        int albumCount,
        int artistCount,
        IEnumerable<(int, SongRow)> songs,
        IEnumerable<(int, AlbumRow)> albums,
        IEnumerable<(int, ArtistRow)> artists,
        IEnumerable<(int, SongArtistRow)> songArtists,
        IEnumerable<(int, PlaylistRow)> playlists)
    {
        // Rented, not allocated: the next day reuses it.
        var payload = Digest.NewBuffer(EstimatedBytes(songCount, albumCount, artistCount));
        try
        {
            var restBytes = EstimatedRestBytes(songCount, albumCount, artistCount);
            using var rest = new PooledBufferWriter(restBytes);
            ForkJoin.Run(
                () =>
                {
                    using var writer = new SectionWriter(MinimumCapacity);
                    writer.Add(payload, songs, 0);
                },
                () =>
                {
                    using var writer = new SectionWriter(Math.Max(MinimumCapacity, restBytes / 2));
                    writer.Add(rest, albums, 1);
                    writer.Add(rest, artists, 2);
                    writer.Add(rest, songArtists, 3);
                    writer.Add(rest, playlists, 4);
                });
            DigestSections.Copy(rest.WrittenSpan, payload);
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

    /// <summary>Writes sections, one at a time, with room of its own for the rows of a section that comes unsorted, before they are sorted.</summary>
    private sealed class SectionWriter(int scratchCapacity) : IDisposable
    {
        private readonly PooledBufferWriter _scratch = new(scratchCapacity);
        private readonly List<Entry> _entries = [];

        /// <summary>
        /// One section. Rows that come sorted by key, one per key (a day's songs, albums and artists), are
        /// written straight into it; otherwise (or at the first row out of order) it is written again from
        /// the rows sorted by rank.
        /// </summary>
        public void Add<T>(PooledBufferWriter payload, IEnumerable<(int Day, T Row)> rows, int section) where T : ITableRow<T>
        {
            var keyColumns = DigestRows.KeyColumns[section];
            var header = DigestSections.BeginSection(payload);
            if (TryInOrder(payload, rows, keyColumns, out var written))
            {
                DigestSections.EndSection(payload, header, written);
                return;
            }
            payload.Truncate(header + DigestSections.HeaderLength);

            _scratch.Clear();
            _entries.Clear();
            foreach (var (day, row) in rows)
            {
                var start = _scratch.WrittenCount;
                DigestFields.WriteRow(_scratch, day, row);
                _entries.Add(new Entry(KeyPrefix(_scratch.WrittenSpan[start..]), start, _scratch.WrittenCount - start));
            }
            var bytes = _scratch.WrittenMemory;
            CollectionsMarshal.AsSpan(_entries).Sort(new ByRank(bytes, keyColumns));

            payload.GetSpan(_scratch.WrittenCount + _entries.Count * 3);
            var count = 0;
            var previous = ReadOnlySpan<byte>.Empty;
            foreach (var (_, start, length) in _entries)
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

        private bool TryInOrder<T>(PooledBufferWriter payload, IEnumerable<(int Day, T Row)> rows, int keyColumns, out int count) where T : ITableRow<T>
        {
            count = 0;
            var previousStart = 0;
            var previousLength = 0;
            foreach (var (day, row) in rows)
            {
                _scratch.Clear();
                DigestFields.WriteRow(_scratch, day, row);
                var current = _scratch.WrittenSpan;
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

        public void Dispose() => _scratch.Dispose();
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
