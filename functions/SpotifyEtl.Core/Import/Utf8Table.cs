namespace SpotifyEtl.Import;

/// <summary>
/// A table keyed by UTF-8 bytes as they sit in a file: a value or property name is found without being
/// transcoded or turned into a string first. Open addressing; the hash takes eight bytes at a time and picks a slot
/// by its high bits (keys such as track URIs differ only in their last characters). Not thread-safe.
/// </summary>
internal sealed class Utf8Table<T>
{
    private byte[]?[] _keys = new byte[]?[256];
    private T[] _values = new T[256];
    private int _count;
    private int _shift = 64 - 8;

    public bool TryGetValue(ReadOnlySpan<byte> key, out T value)
    {
        var mask = _keys.Length - 1;
        for (var slot = Slot(key); ; slot = (slot + 1) & mask)
        {
            var found = _keys[slot];
            if (found is null)
            {
                value = default!;
                return false;
            }
            if (key.SequenceEqual(found))
            {
                value = _values[slot];
                return true;
            }
        }
    }

    /// <summary>Adds a key that is not in the table yet.</summary>
    public void Add(ReadOnlySpan<byte> key, T value)
    {
        if ((_count + 1) * 2 > _keys.Length)
        {
            Grow();
        }
        Insert(key.ToArray(), value);
        _count++;
    }

    private void Insert(byte[] key, T value)
    {
        var mask = _keys.Length - 1;
        var slot = Slot(key);
        while (_keys[slot] is not null)
        {
            slot = (slot + 1) & mask;
        }
        _keys[slot] = key;
        _values[slot] = value;
    }

    private void Grow()
    {
        var (keys, values) = (_keys, _values);
        _keys = new byte[]?[keys.Length * 2];
        _values = new T[keys.Length * 2];
        _shift--;
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } key)
            {
                Insert(key, values[i]);
            }
        }
    }

    private int Slot(ReadOnlySpan<byte> key) => (int)((Hash(key) * 0x9E3779B97F4A7C15UL) >> _shift);

    private static ulong Hash(ReadOnlySpan<byte> key)
    {
        var hash = (ulong)key.Length * 0xC2B2AE3D27D4EB4FUL;
        while (key.Length >= 8)
        {
            hash = System.Numerics.BitOperations.RotateLeft((hash ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(key)) * 0x9E3779B97F4A7C15UL, 31);
            key = key[8..];
        }
        ulong tail = 0;
        for (var i = 0; i < key.Length; i++)
        {
            tail |= (ulong)key[i] << (8 * i);
        }
        hash = (hash ^ tail) * 0x9E3779B97F4A7C15UL;
        return hash ^ (hash >> 29);
    }
}
