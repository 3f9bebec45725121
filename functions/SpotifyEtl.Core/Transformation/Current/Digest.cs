using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation.Parquet;

namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// Dated rows of the five dimension tables, in the binary form they are stored and merged in: a day's
/// rows (a day digest), or the latest row per key among several days (a month digest, or the rows of
/// the current-state tables). Each section is sorted by its key as bytes, one row per key, so two
/// digests merge in one pass that copies rows without decoding them, and the same rows always give the
/// same bytes (the same ETag on S3). Only the final rows of the tables are decoded into objects.
/// <para>
/// Stored as built, uncompressed (a day's digest is a small fraction of its raw JSON, and deflating and
/// inflating it cost more than merging it): <c>SSCD</c>, a version byte, the payload's length and its
/// CRC-32C (little-endian 32-bit), then the payload: five sections (songs, albums, artists,
/// song_artists, playlists), each its row count and byte length (32-bit) followed by its rows, each its
/// length (LEB128) and its fields (<see cref="DigestFields"/>).
/// </para>
/// </summary>
internal sealed partial class Digest : IDisposable
{
    public const string Extension = ".digest";
    private const byte Version = 1;
    private const int HeaderLength = 13;

    private static ReadOnlySpan<byte> Magic => "SSCD"u8;

    private readonly IDisposable _owner;
    private readonly ReadOnlyMemory<byte> _stored;
    private readonly Section[] _sections;

    private Digest(IDisposable owner, ReadOnlyMemory<byte> stored)
    {
        _owner = owner;
        _stored = stored;
        _sections = Sections(stored.Span[HeaderLength..]);
    }

    /// <summary>A buffer to build a digest in: its header's place is kept, to be filled by <see cref="Of"/>.</summary>
    public static PooledBufferWriter NewBuffer(int capacity)
    {
        var output = new PooledBufferWriter(Math.Max(capacity, HeaderLength + DigestSections.HeaderLength * DigestRows.Sections));
        output.GetSpan(HeaderLength)[..HeaderLength].Clear();
        output.Advance(HeaderLength);
        return output;
    }

    public static Digest Empty()
    {
        var output = NewBuffer(0);
        for (var section = 0; section < DigestRows.Sections; section++)
        {
            DigestSections.EndSection(output, DigestSections.BeginSection(output), 0);
        }
        return Of(output);
    }

    /// <summary>Takes a buffer from <see cref="NewBuffer"/> written section by section (<see cref="DigestSections.BeginSection"/>, rows, <see cref="DigestSections.EndSection"/>).</summary>
    public static Digest Of(PooledBufferWriter output)
    {
        var header = output.Rewrite(0, HeaderLength);
        var payload = output.WrittenSpan[HeaderLength..];
        Magic.CopyTo(header);
        header[4] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(header[5..], payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[9..], Crc32C(payload));
        return new Digest(output, output.WrittenMemory);
    }

    public int RowCount(int section) => _sections[section].Count;

    /// <summary>The sections by the bytes they hold, largest first: the order to start writing their tables in parallel.</summary>
    public IEnumerable<int> SectionsLargestFirst => Enumerable.Range(0, DigestRows.Sections).OrderByDescending(section => _sections[section].Length);

    /// <summary>No rows in any section.</summary>
    public bool IsEmpty => _sections.All(section => section.Count == 0);

    /// <summary>The latest row per key of both digests: the row of the later day; on the same day, the smaller row.</summary>
    /// <remarks>
    /// The songs, about half of each, merge straight into the result while the other sections merge into a buffer of
    /// their own on another core, copied after them: the bytes are those of the sections merged one after the other.
    /// </remarks>
    public static Digest Latest(Digest a, Digest b)
    {
        var output = NewBuffer(a._stored.Length + b._stored.Length);
        try
        {
            using var rest = new PooledBufferWriter(Math.Max(1, a.BytesAfterSongs + b.BytesAfterSongs));
            ForkJoin.Run(
                () => Merge(a, b, 0, output),
                () =>
                {
                    for (var section = 1; section < DigestRows.Sections; section++)
                    {
                        Merge(a, b, section, rest);
                    }
                });
            DigestSections.Copy(rest.WrittenSpan, output);
            return Of(output);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    private static void Merge(Digest a, Digest b, int section, PooledBufferWriter output)
    {
        var start = DigestSections.BeginSection(output);
        var count = DigestSections.Merge(a.Rows(section), b.Rows(section), DigestRows.KeyColumns[section], output);
        DigestSections.EndSection(output, start, count);
    }

    /// <summary>The bytes of every section but the first (the songs), headers included.</summary>
    private int BytesAfterSongs => _stored.Length - HeaderLength - DigestSections.HeaderLength - _sections[0].Length;

    /// <summary>
    /// A 128-bit hash (XxHash128) of the stored form: the bytes read back with this fingerprint are these, and
    /// <see cref="Read"/> can take them as built instead of checking them.
    /// </summary>
    public UInt128 Fingerprint() => XxHash128.HashToUInt128(_stored.Span);

    /// <summary>The stored form, ready to be put (a view of this digest's bytes: dispose it before the digest).</summary>
    public Stream Store() => MemoryMarshal.TryGetArray(_stored, out var segment)
        ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
        : new MemoryStream(_stored.ToArray(), writable: false);

    /// <summary>
    /// A stored digest, checked throughout; it takes over the bytes. A damaged or foreign object is an
    /// <see cref="InvalidDataException"/> naming it (the bytes are then still the caller's). Bytes whose
    /// fingerprint is <paramref name="built"/> are those of a digest this process built (<see cref="Fingerprint"/>),
    /// sound by construction: their checksum and rows are not checked again, which is most of reading a digest.
    /// </summary>
    public static Digest Read(PooledBytes stored, string key, UInt128? built = null)
    {
        try
        {
            var span = stored.Span;
            if (built is { } fingerprint && XxHash128.HashToUInt128(span) == fingerprint)
            {
                return new Digest(stored, stored.Memory);
            }
            if (span.Length < HeaderLength || !span.StartsWith(Magic) || span[4] != Version)
            {
                throw new InvalidDataException("it is not a digest of this version");
            }
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[5..]);
            if (length != span.Length - HeaderLength)
            {
                throw new InvalidDataException($"it holds {span.Length - HeaderLength:N0} bytes where its header says {length:N0}");
            }
            if (Crc32C(span[HeaderLength..]) != BinaryPrimitives.ReadUInt32LittleEndian(span[9..]))
            {
                throw new InvalidDataException("its checksum does not match its bytes");
            }
            var digest = new Digest(stored, stored.Memory);
            digest.Check();
            return digest;
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"The current-state digest {key} cannot be read ({exception.Message}). " +
                                           "Rebuild the current tables from the partitions ('spotify-etl current' on a local lake; on AWS, replay the days).", exception);
        }
    }

    /// <summary>The rows as objects.</summary>
    public DimensionState ToState() => new(
        Decode(0, DigestRows.Song), Decode(1, DigestRows.Album), Decode(2, DigestRows.Artist),
        Decode(3, DigestRows.SongArtist), Decode(4, DigestRows.Playlist));

    /// <summary>Decodes each table's rows and hands them to the visitor, the tables in parallel.</summary>
    public Task ForEachTableAsync(ITableVisitor visitor) => Task.WhenAll(
        Task.Run(() => visitor.VisitAsync(Decode(0, DigestRows.Song))),
        Task.Run(() => visitor.VisitAsync(Decode(3, DigestRows.SongArtist))),
        Task.Run(() => visitor.VisitAsync(Decode(1, DigestRows.Album))),
        Task.Run(() => visitor.VisitAsync(Decode(2, DigestRows.Artist))),
        Task.Run(() => visitor.VisitAsync(Decode(4, DigestRows.Playlist))));

    public void Dispose() => _owner.Dispose();

    private ReadOnlySpan<byte> Rows(int section) => _stored.Span.Slice(HeaderLength + _sections[section].Start, _sections[section].Length);

    private static uint Crc32C(ReadOnlySpan<byte> bytes)
    {
        var crc = uint.MaxValue;
        while (bytes.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }
        foreach (var b in bytes)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return ~crc;
    }

    private static Section[] Sections(ReadOnlySpan<byte> payload)
    {
        var sections = new Section[DigestRows.Sections];
        var at = 0;
        for (var i = 0; i < sections.Length; i++)
        {
            if (payload.Length - at < DigestSections.HeaderLength)
            {
                throw new InvalidDataException($"it ends before its section {i + 1}");
            }
            var count = BinaryPrimitives.ReadInt32LittleEndian(payload[at..]);
            var length = BinaryPrimitives.ReadInt32LittleEndian(payload[(at + 4)..]);
            if (count < 0 || length < 0 || length > payload.Length - at - DigestSections.HeaderLength)
            {
                throw new InvalidDataException($"its section {i + 1} runs past its end");
            }
            sections[i] = new Section(at + DigestSections.HeaderLength, length, count);
            at += DigestSections.HeaderLength + length;
        }
        return at == payload.Length ? sections : throw new InvalidDataException("it has bytes after its last section");
    }

    /// <summary>Every row well formed, as many as its section says, and keys strictly ascending.</summary>
    private void Check()
    {
        for (var section = 0; section < DigestRows.Sections; section++)
        {
            var rows = Rows(section);
            scoped ReadOnlySpan<byte> previous = default;
            var count = 0;
            while (!rows.IsEmpty)
            {
                var row = DigestSections.NextRow(ref rows, out _);
                var fields = new FieldReader(row);
                fields.Day();
                foreach (var type in DigestRows.Types[section])
                {
                    fields.Skip(type);
                }
                if (!fields.AtEnd)
                {
                    throw new InvalidDataException("a row has more fields than its table");
                }
                if (count > 0 && DigestSections.CompareKeys(previous, row, DigestRows.KeyColumns[section], out _, out _) >= 0)
                {
                    throw new InvalidDataException("its rows are not in the order of their keys");
                }
                previous = row;
                count++;
            }
            if (count != _sections[section].Count)
            {
                throw new InvalidDataException($"its section {section + 1} holds {count:N0} rows where it says {_sections[section].Count:N0}");
            }
        }
    }

    private List<CurrentRow<T>> Decode<T>(int section, DigestRowReader<T> read) where T : ITableRow<T>
    {
        var strings = new Utf8StringCache();
        var dates = new Dictionary<int, string>();
        var rows = new List<CurrentRow<T>>(_sections[section].Count);
        var span = Rows(section);
        while (!span.IsEmpty)
        {
            var fields = new FieldReader(DigestSections.NextRow(ref span, out _), strings);
            var day = fields.Day();
            if (!dates.TryGetValue(day, out var date))
            {
                dates[day] = date = DateOnly.FromDayNumber(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
            rows.Add(new CurrentRow<T>(date, read(ref fields)));
        }
        return rows;
    }

    private readonly record struct Section(int Start, int Length, int Count);
}
