namespace SpotifyEtl.SampleLibrary;

/// <summary>
/// A playlist of the sample and its entries. It also counts which library tracks it holds, so that
/// drawing a track not yet on it costs a logarithm of the library's size, not a pass over the playlist.
/// </summary>
internal sealed class SamplePlaylist
{
    private readonly List<PlaylistEntry> _entries = [];
    private readonly int[] _copies;
    private readonly AvailableTracks _available;

    public SamplePlaylist(string id, string name, bool usesDeprecatedTrackField, int changesEveryDays, int libraryTracks)
    {
        Id = id;
        Name = name;
        UsesDeprecatedTrackField = usesDeprecatedTrackField;
        ChangesEveryDays = changesEveryDays;
        _copies = new int[libraryTracks];
        _available = new AvailableTracks(libraryTracks);
    }

    public string Id { get; }
    public string Name { get; }
    public bool UsesDeprecatedTrackField { get; }
    public int ChangesEveryDays { get; }
    public IReadOnlyList<PlaylistEntry> Entries => _entries;
    public int Version { get; private set; }

    /// <summary>How many library tracks are not on the playlist.</summary>
    public int TracksNotOn => _available.Count;

    /// <summary>The <paramref name="rank"/>-th (from 0) library track not on the playlist, in library order.</summary>
    public int TrackNotOn(int rank) => _available.Find(rank);

    public void Add(PlaylistEntry entry) => Insert(_entries.Count, entry);

    /// <summary>A day passes: a few songs drop out, a few new ones enter, one moves up.</summary>
    public void Evolve(Random random, TrackLibrary library, DateTimeOffset now, string ownerId)
    {
        Version++;
        var dropOuts = Math.Max(1, _entries.Count / 12);
        for (var i = 0; i < dropOuts && _entries.Count > 1; i++)
        {
            RemoveAt(random.Next(_entries.Count));
        }
        for (var i = 0; i < dropOuts + random.Next(0, 2); i++)
        {
            var position = random.Next(_entries.Count + 1);
            Insert(position, library.NewEntry(random, ownerId, this, now.AddMinutes(-random.Next(1, 600))));
        }
        if (_entries.Count > 2)
        {
            var moved = _entries[^1];
            _entries.RemoveAt(_entries.Count - 1);
            _entries.Insert(0, moved);
        }
    }

    private void Insert(int position, PlaylistEntry entry)
    {
        _entries.Insert(position, entry);
        if (entry.Content is SampleTrack track && _copies[track.Index]++ == 0)
        {
            _available.Set(track.Index, available: false);
        }
    }

    private void RemoveAt(int position)
    {
        var entry = _entries[position];
        _entries.RemoveAt(position);
        if (entry.Content is SampleTrack track && --_copies[track.Index] == 0)
        {
            _available.Set(track.Index, available: true);
        }
    }
}

/// <summary>
/// A set of indexes 0..n-1 (all present at first) that removes, restores, and finds its k-th member in
/// O(log n): a Fenwick tree of ones and zeros.
/// </summary>
internal sealed class AvailableTracks
{
    private readonly int[] _tree;
    private readonly bool[] _present;

    public AvailableTracks(int size)
    {
        _tree = new int[size + 1];
        _present = new bool[size];
        Array.Fill(_present, true);
        // Every member present: each node covers the lowest set bit of its index.
        for (var node = 1; node <= size; node++)
        {
            _tree[node] = node & -node;
        }
        Count = size;
    }

    public int Count { get; private set; }

    public void Set(int index, bool available)
    {
        if (_present[index] == available)
        {
            return;
        }
        _present[index] = available;
        var delta = available ? 1 : -1;
        Count += delta;
        for (var node = index + 1; node < _tree.Length; node += node & -node)
        {
            _tree[node] += delta;
        }
    }

    /// <summary>The member with <paramref name="rank"/> smaller members.</summary>
    public int Find(int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, Count);
        var node = 0;
        var remaining = rank + 1;
        for (var step = HighestPowerOfTwoAtMost(_tree.Length - 1); step > 0; step >>= 1)
        {
            var next = node + step;
            if (next < _tree.Length && _tree[next] < remaining)
            {
                node = next;
                remaining -= _tree[next];
            }
        }
        return node; // node + 1 is the 1-based position, so node is the 0-based index
    }

    private static int HighestPowerOfTwoAtMost(int value) => value <= 0 ? 0 : 1 << (31 - int.LeadingZeroCount(value));
}
