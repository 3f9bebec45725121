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

    private readonly string?[] _strings = new string?[Slots];

    /// <summary>This thread's cache.</summary>
    public static Utf8StringCache Current => t_current ??= new Utf8StringCache();

    /// <summary>The string token the reader is on, the cached object when its bytes were read before.</summary>
    public string Get(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxLength)
        {
            return reader.GetString()!;
        }
        var utf8 = reader.ValueSpan;
        ref var slot = ref _strings[Hash(utf8) & (Slots - 1)];
        if (slot is { } known && known.Length == utf8.Length && Ascii.Equals(utf8, known))
        {
            return known;
        }
        // The reader decodes (and rejects bytes that are no UTF-8) exactly as without the cache.
        var text = reader.GetString()!;
        if (text.Length == utf8.Length)
        {
            slot = text; // as many chars as bytes: ASCII, compared above without decoding
        }
        return text;
    }

    /// <summary>UTF-8 bytes known to be valid (a digest's text) as a string, the cached object when they were read before.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }
        ref var slot = ref _strings[Hash(utf8) & (Slots - 1)];
        if (slot is { } known && known.Length == utf8.Length && Ascii.Equals(utf8, known))
        {
            return known;
        }
        var text = Encoding.UTF8.GetString(utf8);
        if (text.Length == utf8.Length)
        {
            slot = text;
        }
        return text;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        ulong hash = (ulong)bytes.Length * 0x9E3779B97F4A7C15;
        while (bytes.Length >= 8)
        {
            hash = BitOperations.RotateLeft((hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes)) * 0xFF51AFD7ED558CCD, 29);
            bytes = bytes[8..];
        }
        ulong tail = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            tail |= (ulong)bytes[i] << (i * 8);
        }
        hash = (hash ^ tail) * 0xC4CEB9FE1A85EC53;
        return (int)(hash >> 40);
    }
}
