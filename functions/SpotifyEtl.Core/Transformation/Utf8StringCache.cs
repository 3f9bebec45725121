using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace SpotifyEtl.Transformation;

/// <summary>
/// The strings a page repeats (an artist on every track of an album, an album on each of its tracks,
/// "track", "single", a release date) read as one string object each: a repeat is recognised from its
/// UTF-8 bytes and costs no allocation. One cache per thread, a fixed number of slots, so its memory is
/// bounded whatever the input; a slot holds the last ASCII string that hashed to it. Strings that are
/// escaped, not ASCII or long are read as usual.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int Slots = 1 << 13;
    private const int MaxLength = 96;

    [ThreadStatic]
    private static Utf8StringCache? t_current;

    private readonly Slot[] _slots = new Slot[Slots];

    /// <summary>This thread's cache.</summary>
    public static Utf8StringCache Current => t_current ??= new Utf8StringCache();

    /// <summary>The string token the reader is on, the cached object when its bytes were read before.</summary>
    public string Get(ref JsonTokens reader)
    {
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > MaxLength)
        {
            return reader.GetString()!;
        }
        var utf8 = reader.ValueSpan;
        var hash = Hash(utf8);
        ref var slot = ref SlotOf(hash);
        if (Holds(slot, hash, utf8))
        {
            return slot.Text!;
        }
        // The reader decodes (and rejects bytes that are no UTF-8) exactly as without the cache.
        return Keep(ref slot, hash, utf8, reader.GetString()!);
    }

    /// <summary>UTF-8 bytes known to be valid (a digest's text) as a string, the cached object when they were read before.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }
        var hash = Hash(utf8);
        ref var slot = ref SlotOf(hash);
        return Holds(slot, hash, utf8) ? slot.Text! : Keep(ref slot, hash, utf8, Encoding.UTF8.GetString(utf8));
    }

    /// <summary>
    /// A kept string and the hash of its bytes. The hash is compared first, so that a slot holding another
    /// string is passed over without reading the string itself, which lies anywhere in the heap: in a profile,
    /// that read (a wait on main memory) was two thirds of this cache's time.
    /// </summary>
    private struct Slot
    {
        public string? Text;
        public ulong BytesHash;
    }

    private ref Slot SlotOf(ulong hash) => ref _slots[(int)(hash >> 40) & (Slots - 1)];

    private static bool Holds(in Slot slot, ulong hash, ReadOnlySpan<byte> utf8) =>
        slot.BytesHash == hash && slot.Text is { } text && text.Length == utf8.Length && Ascii.Equals(utf8, text);

    /// <summary>The text decoded from the bytes, kept in the slot when it has as many chars as bytes: ASCII, which <see cref="Holds"/> compares without decoding.</summary>
    private static string Keep(ref Slot slot, ulong hash, ReadOnlySpan<byte> utf8, string text)
    {
        if (text.Length == utf8.Length)
        {
            slot = new Slot { Text = text, BytesHash = hash };
        }
        return text;
    }

    /// <summary>
    /// A hash of every byte, eight at a time: the last eight overlap the block before them when the length is no multiple
    /// of eight, and a shorter text is read as its first and last four bytes, or its first, middle and last.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        ulong hash = (ulong)bytes.Length * 0x9E3779B97F4A7C15;
        ulong tail;
        if (bytes.Length >= 8)
        {
            tail = BinaryPrimitives.ReadUInt64LittleEndian(bytes[^8..]);
            for (; bytes.Length > 8; bytes = bytes[8..])
            {
                hash = BitOperations.RotateLeft((hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes)) * 0xFF51AFD7ED558CCD, 29);
            }
        }
        else if (bytes.Length >= 4)
        {
            tail = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        }
        else
        {
            tail = bytes.IsEmpty ? 0 : ((ulong)bytes[0] << 16) | ((ulong)bytes[bytes.Length / 2] << 8) | bytes[^1];
        }
        return (hash ^ tail) * 0xC4CEB9FE1A85EC53;
    }
}
