using System.Globalization;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// What the sources of one run share: its id and snapshot date, the extraction state (read and written
/// under one lock, since sources run concurrently) and how the run ended, if it ended early.
/// </summary>
internal sealed class ExtractionRunContext(string runId, DateOnly snapshotDate, ExtractionState state) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private SpotifyRunStoppedException? _stop;
    private Exception? _fatal;

    public string RunId { get; } = runId;

    public DateOnly SnapshotDate { get; } = snapshotDate;

    /// <summary>The snapshot date as the state writes it, <c>yyyy-MM-dd</c>.</summary>
    public string Today => SnapshotDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _foundPlaylists = new();

    /// <summary>The playlists a <c>my_playlists</c> source found this run, in the order Spotify listed them: read after it, as playlist sources.</summary>
    public IReadOnlyList<string> FoundPlaylists => [.. _foundPlaylists];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _listedSnapshots = new(StringComparer.Ordinal);

    /// <summary>The playlists found, each with the <c>snapshot_id</c> the listing gave it (null where it gave none).</summary>
    public void Found(IEnumerable<(string Id, string? SnapshotId)> playlists)
    {
        foreach (var (id, snapshotId) in playlists)
        {
            _foundPlaylists.Enqueue(id);
            if (snapshotId is { Length: > 0 })
            {
                _listedSnapshots[id] = snapshotId;
            }
        }
    }

    /// <summary>The <c>snapshot_id</c> this run's listing of the account's playlists gave the playlist; null where none did.</summary>
    public string? ListedSnapshot(string playlistId) => _listedSnapshots.GetValueOrDefault(playlistId);

    /// <summary>Rate limit, quota or time budget: the run ends cleanly; sources not started are not run.</summary>
    public SpotifyRunStoppedException? Stop => Volatile.Read(ref _stop);

    /// <summary>No token can be had, or the open-file limit refused a file or a socket: the run fails after saving state and manifest.</summary>
    public Exception? Fatal => Volatile.Read(ref _fatal);

    /// <summary>
    /// Cancelled once the run stops: a source sitting out a Retry-After or a backoff of its own stops waiting then, instead of
    /// waiting it out to send a request the stop forbids. Requests already sent are not cancelled by it.
    /// </summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>
    /// Records why the run stops. Sources stop in parallel, and the one that stops second may say more: a spent quota
    /// (its wait of hours) after another's wait too long for the run, or a longer Retry-After. The stop the saved wait and
    /// the manifest name is the one that says most, whichever came first.
    /// </summary>
    public void Stopped(SpotifyRunStoppedException reason)
    {
        while (Volatile.Read(ref _stop) is var recorded && (recorded is null || SaysMore(reason, recorded)))
        {
            if (ReferenceEquals(Interlocked.CompareExchange(ref _stop, reason, recorded), recorded))
            {
                if (recorded is null)
                {
                    _stopping.Cancel();
                }
                return;
            }
        }
    }

    /// <summary>A spent quota over any other stop; then the longer Retry-After.</summary>
    private static bool SaysMore(SpotifyRunStoppedException stop, SpotifyRunStoppedException than) =>
        (stop.QuotaExceeded, stop.RetryAfter ?? TimeSpan.Zero).CompareTo((than.QuotaExceeded, than.RetryAfter ?? TimeSpan.Zero)) > 0;

    public void Dispose() => _stopping.Dispose();

    public void Failed(Exception reason) => Interlocked.CompareExchange(ref _fatal, reason, null);

    public T Read<T>(Func<ExtractionState, T> read)
    {
        lock (_lock)
        {
            return read(state);
        }
    }

    public void Update(Action<ExtractionState> update)
    {
        lock (_lock)
        {
            update(state);
        }
    }

    /// <summary>Whether a once-a-day response named <paramref name="name"/> was already extracted on this snapshot date.</summary>
    public bool LandedToday(string name) => Read(s => s.LandedOn.GetValueOrDefault(name) == Today);

    public void RecordLandedToday(string name) => Update(s => s.LandedOn[name] = Today);

    /// <summary>Whether the number of whole days since <paramref name="day"/> (<c>yyyy-MM-dd</c>) reaches <paramref name="days"/>.</summary>
    public bool AtLeastDaysSince(string day, int days) =>
        !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var then)
        || SnapshotDate.DayNumber - then.DayNumber >= days;

    public EntityTagState? ETagFor(string path) => Read(s => s.ETags.GetValueOrDefault(path));

    public void RememberETag(string path, string etag, bool hasNext) => Update(s => s.ETags[path] = new EntityTagState(etag, hasNext, RunId));

    public Task SaveAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return state.SaveAsync(store, cancellationToken);
        }
    }
}
