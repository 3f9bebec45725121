namespace SpotifyEtl.Import;

/// <summary>
/// A table keyed by UTF-8 bytes as they sit in a file: a value or property name is found without being
/// transcoded or turned into a string first. Open addressing, FNV-1a hash. Not thread-safe.
/// </summary>
internal sealed class Utf8Table<T>
{
    private byte[]?[] _keys = new byte[]?[256];
    private T[] _values = new T[256];
    private int _count;

    public bool TryGetValue(ReadOnlySpan<byte> key, out T value)
    {
        var mask = _keys.Length - 1;
        for (var slot = (int)Hash(key) & mask; ; slot = (slot + 1) & mask)
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
        var slot = (int)Hash(key) & mask;
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
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } key)
            {
                Insert(key, values[i]);
            }
        }
    }

    private static uint Hash(ReadOnlySpan<byte> key)
    {
        var hash = 2166136261u;
        foreach (var b in key)
        {
            hash = (hash ^ b) * 16777619u;
        }
        return hash ^ (hash >> 15);
    }
}
