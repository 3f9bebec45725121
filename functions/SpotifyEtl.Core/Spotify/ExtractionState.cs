using System.Text.Json;
using System.Text.Json.Serialization;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Spotify;

/// <summary>
/// What one run leaves for the next, under <c>state/</c>: each playlist's last extracted
/// <c>snapshot_id</c>, the recently-played <c>after</c> cursor, how far saved tracks were landed, and the
/// ETags of conditional requests. Never a token or a secret.
/// </summary>
public sealed record ExtractionState
{
    public const string Key = LakeLayout.State + "extraction-state.json";

    /// <summary>
    /// The lease one extraction holds from before it loads the state until after it saves it (<see cref="ILeasingStore"/>):
    /// two runs at once would each move the cursors as if the other had not run, and save over each other.
    /// </summary>
    public const string LeaseKey = LakeLayout.State + "extraction-lease.json";

    public Dictionary<string, PlaylistState> Playlists { get; init; } = new(StringComparer.Ordinal);

    public RecentlyPlayedState? RecentlyPlayed { get; set; }

    /// <summary>
    /// The snapshot date (<c>yyyy-MM-dd</c>) each once-a-day response last landed on, by name: top lists,
    /// saved tracks (<c>top_tracks:short_term</c>, <c>saved_tracks</c>) and an unchanged playlist's
    /// metadata (<c>playlist:{id}</c>). Hourly runs land them once per day, not 24 times.
    /// </summary>
    public Dictionary<string, string> LandedOn { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The id of the last run: a run starting within the same second is named a second later.</summary>
    public string? LastRunId { get; set; }

    /// <summary>How far saved tracks were landed, and when the last full pass was.</summary>
    public SavedTracksState? SavedTracks { get; set; }

    /// <summary>
    /// Until when Spotify asked this app to wait: the Retry-After of the 429 (or 5xx) that stopped a run. Runs before then
    /// make no request: each would spend more of a quota counted per developer account and be told to wait again.
    /// </summary>
    public SpotifyWait? Wait { get; set; }

    /// <summary>
    /// The ETag Spotify sent with each response the extractor may ask for conditionally, by request path
    /// (relative to the API base, query included): the next request sends it as <c>If-None-Match</c>.
    /// </summary>
    [JsonPropertyName("etags")]
    public Dictionary<string, EntityTagState> ETags { get; init; } = new(StringComparer.Ordinal);

    public static async Task<ExtractionState> LoadAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        // First run: no state yet. On S3 a read of a missing key answers 403, not 404, unless the role may
        // list the bucket without a prefix; the extract role may list state/ only, so look there first.
        if (!await ExistsByListingAsync(store, cancellationToken).ConfigureAwait(false))
        {
            return new ExtractionState();
        }
        byte[] bytes;
        try
        {
            bytes = await store.ReadAllBytesAsync(Key, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            return new ExtractionState();
        }
        if (CutShort(bytes) is { } cut)
        {
            throw new InvalidDataException(
                $"The extraction state {store.Description}/{Key} {cut}: a save that never reached the disk (a power cut, a full disk) leaves it so. " +
                "Put back a copy from a backup if you have one; otherwise delete it and run again, which re-extracts every playlist and saved track and restarts the recently-played cursor.");
        }
        try
        {
            // Read strictly (ExtractionStateReadContext): a null where the state holds a value, or a record without a
            // member it needs, is an error here, not a null the run trips over later; so is a collection given as null. A
            // collection left out (by a version that wrote none) is empty, and an entry of one given as null is left out: the
            // run then extracts as if it had never seen what it would hold.
            var state = JsonSerializer.Deserialize(bytes, ExtractionStateReadContext.Default.ExtractionState)
                        ?? throw new JsonException("it is null, not an object");
            return state with
            {
                Playlists = new Dictionary<string, PlaylistState>(OrEmpty(state.Playlists), StringComparer.Ordinal),
                LandedOn = new Dictionary<string, string>(OrEmpty(state.LandedOn), StringComparer.Ordinal),
                ETags = new Dictionary<string, EntityTagState>(OrEmpty(state.ETags), StringComparer.Ordinal),
            };
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException(
                $"The extraction state {store.Description}/{Key} cannot be read: it is not valid JSON of an extraction state ({JsonErrorText.Of(exception)}). " +
                "Fix or delete it; deleting it re-extracts every playlist and saved track and restarts the recently-played cursor.", exception);
        }
    }

    /// <summary>"is empty" or "is cut short" where the bytes end before a JSON value does; null where they hold one whole (valid or not).</summary>
    private static string? CutShort(byte[] bytes)
    {
        var text = bytes.AsSpan().Trim(" \t\r\n"u8);
        if (text.IsEmpty)
        {
            return bytes.Length == 0 ? "is empty (0 bytes)" : "holds nothing but white space";
        }
        if (text[0] is not ((byte)'{' or (byte)'['))
        {
            return null; // no object at all: the serializer names what it is
        }
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName))
                {
                    return null; // one whole value: what is wrong with it, if anything, the serializer says
                }
            }
        }
        catch (JsonException)
        {
            return null; // not JSON before its end: damaged, not cut short
        }
        return $"is cut short: its {bytes.Length:N0} bytes end before its JSON does";
    }

    /// <summary>
    /// A collection as the run uses it: empty where the file does not mention it, and without the entries the file gives
    /// as null (the reader keeps those, whatever the value's type says). An entry dropped so is one the run has not seen:
    /// it extracts that playlist, lands that source or asks without an ETag again.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, T>> OrEmpty<T>(IDictionary<string, T>? read) =>
        (read ?? new Dictionary<string, T>()).Where(entry => entry.Value is not null);

    private static async Task<bool> ExistsByListingAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        await foreach (var key in store.ListAsync(Key, cancellationToken).ConfigureAwait(false))
        {
            if (key == Key)
            {
                return true;
            }
        }
        return false;
    }

    public Task SaveAsync(IObjectStore store, CancellationToken cancellationToken) =>
        store.PutBytesAsync(Key, JsonSerializer.SerializeToUtf8Bytes(this, ExtractionJsonContext.Default.ExtractionState), "application/json", cancellationToken);
}

/// <summary>
/// The state as it is read back: every member the record declares non-null must be there and not null, and every
/// positional member given (a playlist's <c>snapshot_id</c>, a cursor's <c>after</c>), where the lenient default would
/// leave them null. Writing uses <see cref="ExtractionJsonContext"/>, which writes what these read.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ExtractionState))]
internal sealed partial class ExtractionStateReadContext : JsonSerializerContext;

/// <summary>
/// A playlist's last extracted version. A member that may be null comes last, with a default: the state is written
/// without nulls, so the reader must take its absence for a null.
/// </summary>
public sealed record PlaylistState(string SnapshotId, string RunId, string? Name = null);

/// <summary>The <c>after</c> cursor (Unix milliseconds of the newest play landed) for <c>/me/player/recently-played</c>.</summary>
public sealed record RecentlyPlayedState(string After, string RunId);

/// <summary>
/// Saved tracks: the day of the last full pass and the newest <c>added_at</c> landed (ISO 8601, as Spotify wrote it;
/// null for an empty library, and then left out of the file, as every null is).
/// </summary>
public sealed record SavedTracksState(string LastFullPass, string RunId, string? NewestAddedAt = null);

/// <summary>
/// An ETag, whether the response it tags had a <c>next</c> page (a 304 does not say), and the run that landed it (none in
/// a state an earlier version wrote).
/// </summary>
public sealed record EntityTagState([property: JsonPropertyName("etag")] string ETag, bool HasNext, string? RunId = null);

/// <summary>A wait Spotify asked for, and whether it was for a spent quota (QUOTA_EXCEEDED).</summary>
public sealed record SpotifyWait(DateTimeOffset Until, bool QuotaExceeded)
{
    /// <summary>
    /// The longest wait believed: 24 hours. Spotify's quota resets daily, so no real Retry-After asks for more; a longer one
    /// (an HTTP date in the year 9999, 10^9 seconds) would stop every run until someone edits the state by hand.
    /// </summary>
    public static readonly TimeSpan Longest = TimeSpan.FromHours(24);

    /// <summary>A Retry-After as a wait: at most <see cref="Longest"/>, never negative.</summary>
    public static TimeSpan Capped(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Longest ? Longest : wait;

    /// <summary>
    /// The wait saved after a 429 that ended the run without a Retry-After (or with 0): Spotify counts requests in a rolling
    /// 30-second window, so the next run asks once that window has passed.
    /// </summary>
    public static readonly TimeSpan RateLimitedDefault = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The wait saved after a <c>QUOTA_EXCEEDED</c> without a Retry-After (or with 0): 90 minutes. Longer than the hourly
    /// schedule, so the next scheduled run asks nothing (half as many runs told again while the quota is spent); shorter
    /// than the time 50 songs take, so the wait alone never loses a play Spotify kept.
    /// </summary>
    public static readonly TimeSpan QuotaExceededDefault = TimeSpan.FromMinutes(90);

    /// <summary>
    /// How long the runs after <paramref name="stop"/> ask nothing: the Retry-After Spotify gave, or, for a 429 without one
    /// (or with 0), <see cref="QuotaExceededDefault"/> or <see cref="RateLimitedDefault"/>; null for any other stop.
    /// </summary>
    public static TimeSpan? After(SpotifyRunStoppedException stop) => stop switch
    {
        { RetryAfter: { } asked } when asked > TimeSpan.Zero => asked,
        { QuotaExceeded: true } => QuotaExceededDefault,
        { HttpStatus: 429 } => RateLimitedDefault,
        _ => null,
    };

    /// <summary>This wait as read back from a saved state at <paramref name="now"/>: one ending more than <see cref="Longest"/> after it ends then.</summary>
    public SpotifyWait CappedAt(DateTimeOffset now) => Until - now > Longest ? this with { Until = now + Longest } : this;
}
