using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Rebuilds <c>transformed/{table}/snapshot_date={date}/{table}.csv</c> from every staging file of that
/// partition. The result depends only on the set of staging files, never on the order in which raw
/// objects arrived:
/// <list type="bullet">
/// <item>songs, albums, artists, song_artists: one row per key; a later run's row wins.</item>
/// <item>playlists: per playlist, the version the day's latest run saw.</item>
/// <item>playlist_entries: per playlist, the entries of its latest run that day, named from that run's metadata.</item>
/// <item>plays: one row per (played_at, song_id).</item>
/// </list>
/// Concurrent transformations (S3 events arrive in parallel and more than once) converge without
/// locks: after writing, the merger lists the staging files again and merges again if the set
/// changed, so the last writer always wrote a merge of every staging file.
/// </summary>
public sealed class PartitionMerger(IObjectStore lake)
{
    /// <summary>
    /// Staging files are only ever added, so each extra round has seen strictly more of them and the
    /// loop ends once arrivals pause. The cap only bounds a burst of arrivals that never pauses.
    /// </summary>
    private const int MaxRounds = 50;

    /// <summary>Staging files read concurrently ahead of the merge.</summary>
    private const int ReadAhead = 16;

    public static string OutputKey(string table, DateOnly snapshotDate) =>
        $"{LakeLayout.Transformed}{LakeLayout.Partition(table, snapshotDate)}{table}.csv";

    /// <returns>The number of rows in the merged file.</returns>
    public async Task<int> MergeAsync(string table, DateOnly snapshotDate, CancellationToken cancellationToken = default)
    {
        var inputs = await ListInputsAsync(table, snapshotDate, cancellationToken).ConfigureAwait(false);
        for (var round = 1; ; round++)
        {
            // Merge exactly the files listed; the listing after the write says whether they were all of them.
            var rows = await WriteMergedAsync(table, snapshotDate, inputs, cancellationToken).ConfigureAwait(false);
            var now = await ListInputsAsync(table, snapshotDate, cancellationToken).ConfigureAwait(false);
            if (now.SequenceEqual(inputs, StringComparer.Ordinal))
            {
                return rows;
            }
            if (round == MaxRounds)
            {
                throw new IOException($"The staging files of {table}/snapshot_date={snapshotDate:yyyy-MM-dd} kept changing during {MaxRounds} merges; the invocation fails so that Lambda retries it.");
            }
            inputs = now;
        }
    }

    private async Task<List<string>> ListInputsAsync(string table, DateOnly snapshotDate, CancellationToken cancellationToken)
    {
        var keys = await ListAsync(StagingKey.PartitionPrefix(table, snapshotDate), cancellationToken).ConfigureAwait(false);
        if (table == TableNames.PlaylistEntries)
        {
            keys.AddRange(await ListAsync(StagingKey.PartitionPrefix(TableNames.Playlists, snapshotDate), cancellationToken).ConfigureAwait(false));
        }
        return keys;
    }

    private async Task<List<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var key in lake.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            keys.Add(key);
        }
        return keys;
    }

    private async Task<int> WriteMergedAsync(string table, DateOnly snapshotDate, List<string> inputs, CancellationToken cancellationToken)
    {
        var staged = Staged(inputs, table, snapshotDate);
        if (staged.Count == 0)
        {
            return 0;
        }
        return table switch
        {
            TableNames.Songs => await WriteAsync(table, snapshotDate, LatestPerKey<SongRow>(staged, row => row.SongId), cancellationToken).ConfigureAwait(false),
            TableNames.Albums => await WriteAsync(table, snapshotDate, LatestPerKey<AlbumRow>(staged, row => row.AlbumId), cancellationToken).ConfigureAwait(false),
            TableNames.Artists => await WriteAsync(table, snapshotDate, LatestPerKey<ArtistRow>(staged, row => row.ArtistId), cancellationToken).ConfigureAwait(false),
            TableNames.SongArtists => await WriteAsync(table, snapshotDate,
                LatestPerKey<SongArtistRow>(staged, row => $"{row.SongId}\u001f{row.ArtistPosition:D6}"), cancellationToken).ConfigureAwait(false),
            TableNames.Playlists => await WriteAsync(table, snapshotDate, LatestPerKey<PlaylistRow>(staged, row => row.PlaylistId), cancellationToken).ConfigureAwait(false),
            TableNames.PlaylistEntries => await WriteAsync(table, snapshotDate,
                LatestRunPerPlaylist(staged, Staged(inputs, TableNames.Playlists, snapshotDate)), cancellationToken).ConfigureAwait(false),
            TableNames.Plays => await WriteAsync(table, snapshotDate, DistinctPlays(staged), cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentException($"'{table}' is not a table of the lake.", nameof(table)),
        };
    }

    /// <summary>The staging files of one table among the listed keys, oldest run first.</summary>
    private static List<StagingKey> Staged(List<string> keys, string table, DateOnly snapshotDate)
    {
        var staged = new List<StagingKey>();
        foreach (var key in keys)
        {
            if (StagingKey.TryParse(key, table, snapshotDate, out var parsed))
            {
                staged.Add(parsed);
            }
        }
        staged.Sort(StagingKey.OldestFirst);
        return staged;
    }

    /// <summary>
    /// The rows of each file, file after file in the given order. On S3 each file is a GET, so up to
    /// <see cref="ReadAhead"/> of them are in flight ahead of the reader: a partition of hundreds of
    /// staging files costs a few round trips, not hundreds, and memory holds at most that many files.
    /// </summary>
    private IEnumerable<(StagingKey File, IEnumerable<T> Rows)> ReadInOrder<T>(List<StagingKey> files) where T : ITableRow<T>
    {
        var inFlight = new Queue<Task<byte[]>>();
        var next = 0;
        for (var i = 0; i < files.Count; i++)
        {
            for (; next < files.Count && next < i + ReadAhead; next++)
            {
                inFlight.Enqueue(lake.ReadAllBytesAsync(files[next].ToString()));
            }
            var bytes = inFlight.Dequeue().GetAwaiter().GetResult();
            yield return (files[i], CsvTable.Read<T>(new MemoryStream(bytes, writable: false), files[i].ToString()));
        }
    }

    private SortedDictionary<string, T>.ValueCollection LatestPerKey<T>(List<StagingKey> oldestFirst, Func<T, string> keyOf) where T : ITableRow<T>
    {
        var latest = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var (_, rows) in ReadInOrder<T>(oldestFirst))
        {
            foreach (var row in rows)
            {
                latest[keyOf(row)] = row;
            }
        }
        return latest.Values;
    }

    private IEnumerable<PlaylistEntryRow> LatestRunPerPlaylist(List<StagingKey> entryFiles, List<StagingKey> versionFiles)
    {
        var versions = new Dictionary<(string Playlist, string Run), PlaylistRow>();
        var latestVersion = new Dictionary<string, PlaylistRow>(StringComparer.Ordinal);
        foreach (var (file, rows) in ReadInOrder<PlaylistRow>(versionFiles))
        {
            foreach (var row in rows)
            {
                versions[(row.PlaylistId, file.RunId)] = row;
                latestVersion[row.PlaylistId] = row;
            }
        }

        // Each playlist's latest run that day, page by page; rows are streamed, so a long playlist is never held in memory.
        var latestRunFiles = entryFiles.GroupBy(file => file.Subject)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .SelectMany(playlist =>
            {
                var run = playlist.Max(file => file.RunId)!;
                return playlist.Where(file => file.RunId == run).OrderBy(file => file.Page);
            })
            .ToList();
        foreach (var (file, rows) in ReadInOrder<PlaylistEntryRow>(latestRunFiles))
        {
            var version = versions.GetValueOrDefault((file.Subject, file.RunId)) ?? latestVersion.GetValueOrDefault(file.Subject);
            foreach (var row in rows)
            {
                yield return row with { PlaylistName = version?.PlaylistName, PlaylistSnapshotId = version?.PlaylistSnapshotId };
            }
        }
    }

    private SortedDictionary<(string PlayedAt, string SongId), PlayRow>.ValueCollection DistinctPlays(List<StagingKey> files)
    {
        var plays = new SortedDictionary<(string PlayedAt, string SongId), PlayRow>();
        foreach (var (_, rows) in ReadInOrder<PlayRow>(files))
        {
            foreach (var row in rows)
            {
                plays.TryAdd((row.PlayedAt, row.SongId), row);
            }
        }
        return plays.Values;
    }

    private async Task<int> WriteAsync<T>(string table, DateOnly snapshotDate, IEnumerable<T> rows, CancellationToken cancellationToken) where T : ITableRow<T>
    {
        var count = 0;
        var buffer = new MemoryStream();
        await using (buffer.ConfigureAwait(false))
        {
            CsvTable.Write(buffer, rows.Select(row => { count++; return row; }));
            buffer.Position = 0;
            await lake.PutAsync(OutputKey(table, snapshotDate), buffer, "text/csv; charset=utf-8", cancellationToken).ConfigureAwait(false);
        }
        return count;
    }
}
