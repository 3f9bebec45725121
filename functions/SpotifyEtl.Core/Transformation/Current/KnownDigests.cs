namespace SpotifyEtl.Transformation.Current;

/// <summary>
/// The digests this invocation wrote or read, with the state each holds, so that rebuilding a month from
/// the days it just wrote (and the tables from that month) decodes none of them again. A digest is taken
/// from here only when the bytes read now are exactly the bytes remembered, so a digest another
/// invocation rewrote is always decoded. Only the latest few are kept: a backfill's memory stays that of
/// its largest days, and a digest that is no longer here is decoded as any other.
/// </summary>
internal sealed class KnownDigests
{
    /// <summary>A month of day digests and its month's digest.</summary>
    private const int Capacity = 32;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (byte[] Bytes, DimensionState State)> _byKey = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public DimensionState? Find(string key, byte[] bytes)
    {
        lock (_gate)
        {
            return _byKey.TryGetValue(key, out var known) && known.Bytes.AsSpan().SequenceEqual(bytes) ? known.State : null;
        }
    }

    public DimensionState Remember(string key, byte[] bytes, DimensionState state)
    {
        lock (_gate)
        {
            if (!_byKey.ContainsKey(key))
            {
                _order.Enqueue(key);
            }
            _byKey[key] = (bytes, state);
            while (_order.Count > Capacity)
            {
                _byKey.Remove(_order.Dequeue());
            }
        }
        return state;
    }
}
