using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Import;

/// <summary>
/// The plays the extraction landed from the Web API's recently played tracks (<c>raw/recently_played/</c>), as
/// history rows. The API does not say how long a track played: <c>ms_played</c> is the track's duration (the
/// API lists a track once it has played at least 30 seconds), until <see cref="HistoryMerge"/> pairs the play with an
/// account row that says. An object that cannot be read is named here with its reason, and set aside in quarantine as the
/// transformation sets it aside: its plays are not in the table. One S3 denies this function (403) is named alone: its
/// plays join the table when a later run reads it.
/// </summary>
public static class ApiPlayReader
{
    public const string Prefix = LakeLayout.Raw + StackContract.RawSources.RecentlyPlayed + "/";

    /// <summary>
    /// The plays read, per snapshot day of the pages they came from; the pages read and unreadable; and the listing they
    /// were read from, with its versions (a later listing that differs says a page changed since).
    /// </summary>
    public sealed record ApiPlays(IReadOnlyList<ListeningRow> Rows, int Objects, IReadOnlyList<DamagedLandedFile> Unreadable, IReadOnlyDictionary<DateOnly, List<ListeningRow>> ByDay,
        IReadOnlyList<ObjectVersion> Listed)
    {
        /// <summary>Unreadable pages already set aside in quarantine by an earlier run: counted, and no longer a reason to look.</summary>
        public IReadOnlyList<DamagedLandedFile> SetAsideBefore { get; init; } = [];

        /// <summary>The pages of <see cref="Unreadable"/> S3 denied this function (<see cref="S3ObjectStore.RefusedReason"/>): read again by a later run.</summary>
        public IReadOnlyList<DamagedLandedFile> Refused { get; init; } = [];

        public int UnreadableObjects => Unreadable.Count;
    }

    /// <summary>
    /// Every play under <c>raw/recently_played/</c>. A page that is no recently-played page (cut short, not JSON, another shape)
    /// is set aside under <c>quarantine/</c> with its reason, as the transformation sets it aside, and named in
    /// <see cref="ApiPlays.Unreadable"/>; one set aside before is named in <see cref="ApiPlays.SetAsideBefore"/> instead, so that
    /// an import is not partial for good over a page already reported (such as a damaged answer of Spotify's, whose plays the
    /// next run landed again).
    /// </summary>
    public static Task<ApiPlays> ReadAsync(IObjectStore raw, CancellationToken cancellationToken) => ReadAsync(raw, Prefix, setAside: true, cancellationToken);

    /// <summary>The plays of one snapshot day's pages.</summary>
    public static Task<ApiPlays> ReadDayAsync(IObjectStore raw, DateOnly day, CancellationToken cancellationToken) =>
        ReadAsync(raw, $"{Prefix}{LakeLayout.SnapshotSegment(day)}/", setAside: false, cancellationToken);

    /// <summary>The versions of every recently-played page: an import's plays are current while these are unchanged.</summary>
    public static Task<List<ObjectVersion>> ListAsync(IObjectStore raw, CancellationToken cancellationToken) => ListAsync(raw, Prefix, cancellationToken);

    /// <summary>
    /// The versions listed; a folder on the way out of this user's sight (the local lake's <c>raw/recently_played/</c> or a day of
    /// it) is listed as an entry that is no object, which the read names with its reason, rather than as no pages at all.
    /// </summary>
    private static async Task<List<ObjectVersion>> ListAsync(IObjectStore raw, string prefix, CancellationToken cancellationToken)
    {
        var versions = new List<ObjectVersion>();
        try
        {
            await foreach (var version in raw.ListVersionsAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                versions.Add(version);
            }
        }
        catch (UnlistableFolderException blocked)
        {
            versions.Add(new ObjectVersion(blocked.Key, ObjectVersion.NoObject));
        }
        return versions;
    }

    /// <summary>The versions of one snapshot day's recently-played pages.</summary>
    public static Task<List<ObjectVersion>> ListDayAsync(IObjectStore raw, DateOnly day, CancellationToken cancellationToken) =>
        ListAsync(raw, $"{Prefix}{LakeLayout.SnapshotSegment(day)}/", cancellationToken);

    /// <summary>Pages read at once: S3 round trips, not the CPU, bound the read (an hourly schedule lands 24 pages a day).</summary>
    private const int ReadsInFlight = 16;

    /// <summary>Listings read again at most, while pages keep being rewritten or removed as they are read.</summary>
    private const int MaxRounds = 20;

    /// <summary>
    /// Reads the pages a listing names, from a new listing while a page read was not the one listed: rewritten in place
    /// since, even if put back as it was by now (S3 gives it its listed ETag again), or removed. Every play returned is
    /// then of the page as listed, so a caller's later listing that equals this one says the plays are current.
    /// </summary>
    private static async Task<ApiPlays> ReadAsync(IObjectStore raw, string prefix, bool setAside, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            if (await ReadListedAsync(raw, prefix, setAside, cancellationToken).ConfigureAwait(false) is { } plays)
            {
                return plays;
            }
            if (round >= MaxRounds)
            {
                throw new IOException($"The recently-played pages under {prefix} kept changing during {MaxRounds} readings; " +
                                      "the invocation fails so that it is retried once writes pause.");
            }
        }
    }

    /// <summary>The plays of the pages as listed, or null when a page read was not the one listed.</summary>
    private static async Task<ApiPlays?> ReadListedAsync(IObjectStore raw, string prefix, bool setAside, CancellationToken cancellationToken)
    {
        var listed = await ListAsync(raw, prefix, cancellationToken).ConfigureAwait(false);
        var pages = new List<RawObjectKey>();
        var tags = new List<string>();
        var noObjects = new List<DamagedLandedFile>();
        foreach (var (key, tag) in listed)
        {
            if (RawObjectKey.TryParse(key, out var parsed, out _))
            {
                pages.Add(parsed);
                tags.Add(tag);
            }
            else if (tag == ObjectVersion.NoObject)
            {
                // A folder this user may not list hides the pages in it: named, as a page that cannot be read is.
                noObjects.Add(new DamagedLandedFile(key, await NoObjectReasonAsync(raw, key, cancellationToken).ConfigureAwait(false)));
            }
        }
        var changed = 0;
        // Read side by side, kept in the listing's order: the rows come out the same whatever page answers first.
        var read = new List<ListeningRow>?[pages.Count];
        var reasons = new string?[pages.Count];
        var before = new bool[pages.Count];
        var refusals = new Exception?[pages.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, pages.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ReadsInFlight, CancellationToken = cancellationToken }, async (index, token) =>
            {
                var page = pages[index];
                string? version = null;
                try
                {
                    using var bytes = await raw.ReadPooledAsync(page.ToString(), token).ConfigureAwait(false);
                    if (!bytes.IsListed(tags[index]))
                    {
                        Interlocked.Exchange(ref changed, 1);
                        return;
                    }
                    version = bytes.Version;
                    read[index] = ToRows(RawObjectTransformer.Transform(page, bytes.Span)).ToList();
                }
                catch (ObjectNotFoundException)
                {
                    // Removed since the listing (by hand: raw objects are never deleted here): read again from a new listing.
                    Interlocked.Exchange(ref changed, 1);
                }
                catch (InvalidRawObjectException invalid) when (setAside)
                {
                    (reasons[index], before[index]) = await SetAsideAsync(raw, invalid, version, token).ConfigureAwait(false);
                }
                catch (InvalidRawObjectException invalid)
                {
                    reasons[index] = invalid.Reason;
                }
                catch (UnreadableObjectException unreadable)
                {
                    reasons[index] = unreadable.Reason;
                }
                catch (Exception refused) when (S3ObjectStore.RefusedReason(refused) is { } reason)
                {
                    // Not set aside (a copy would be refused as well): named, its plays left out until a read is allowed.
                    (reasons[index], refusals[index]) = (reason, refused);
                }
            }).ConfigureAwait(false);
        if (changed == 1)
        {
            return null;
        }
        // Every page read denied may be the role or a key policy denying them all, and a history built without any of them
        // would drop every play; or one page put back by hand under another key, the only one a day has. A recently-played
        // page of another day, the nearest, says which: the read fails with S3's refusal unless that page is allowed.
        if (pages.Count > 0 && Array.TrueForAll(refusals, refusal => refusal is not null))
        {
            var counted = new LandedFileRefusals();
            for (var index = 0; index < pages.Count; index++)
            {
                counted.Count(pages[index].ToString(), refusals[index]);
            }
            await counted.ThrowIfEveryFileIsDeniedAsync(raw, await OtherPagesAsync(raw, prefix, cancellationToken).ConfigureAwait(false), cancellationToken)
                .ConfigureAwait(false);
        }

        var rows = new List<ListeningRow>();
        var byDay = new SortedDictionary<DateOnly, List<ListeningRow>>();
        for (var index = 0; index < pages.Count; index++)
        {
            if (!byDay.TryGetValue(pages[index].SnapshotDate, out var day))
            {
                byDay[pages[index].SnapshotDate] = day = [];
            }
            if (read[index] is { } page)
            {
                rows.AddRange(page);
                day.AddRange(page);
            }
        }
        DamagedLandedFile Named(int index) => new(pages[index].ToString(), reasons[index]!);
        var unread = Enumerable.Range(0, pages.Count).Where(index => read[index] is null).ToList();
        return new ApiPlays(rows, pages.Count, [.. noObjects, .. unread.Where(index => !before[index]).Select(Named)], byDay, listed)
        {
            SetAsideBefore = [.. unread.Where(index => before[index]).Select(Named)],
            Refused = [.. unread.Where(index => refusals[index] is not null).Select(Named)],
        };
    }

    /// <summary>
    /// The recently-played pages outside <paramref name="prefix"/>, nearest first: those of the days before it, the latest
    /// first, then those after it. None when it is every page's. A policy that began to deny pages on some day (a new KMS
    /// key the role may not use) denies the day before too, where the oldest page would still be allowed.
    /// </summary>
    private static async Task<List<string>> OtherPagesAsync(IObjectStore raw, string prefix, CancellationToken cancellationToken)
    {
        if (prefix == Prefix)
        {
            return [];
        }
        var others = (await ListAsync(raw, Prefix, cancellationToken).ConfigureAwait(false))
            .Select(version => version.Key)
            .Where(key => !key.StartsWith(prefix, StringComparison.Ordinal) && RawObjectKey.TryParse(key, out _, out _))
            .ToList();
        return [.. others.Where(key => string.CompareOrdinal(key, prefix) < 0).OrderDescending(StringComparer.Ordinal),
            .. others.Where(key => string.CompareOrdinal(key, prefix) > 0).Order(StringComparer.Ordinal)];
    }

    /// <summary>Why an entry listed that is no object cannot be read, as reading it says.</summary>
    private static async Task<string> NoObjectReasonAsync(IObjectStore raw, string key, CancellationToken cancellationToken)
    {
        try
        {
            using var _ = await raw.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
            return "it could not be read when it was listed";
        }
        catch (UnreadableObjectException unreadable)
        {
            return unreadable.Reason;
        }
        catch (ObjectNotFoundException)
        {
            return UnlistableFolderException.Reason;
        }
    }

    /// <summary>Sets the page aside unless an earlier run did (its quarantine copy is there); the reason, and whether it was set aside before.</summary>
    private static async Task<(string Reason, bool Before)> SetAsideAsync(IObjectStore raw, InvalidRawObjectException invalid, string? version,
        CancellationToken cancellationToken)
    {
        var quarantine = LakeLayout.QuarantineKey(invalid.Key);
        if (await raw.ExistsAsync(quarantine, cancellationToken).ConfigureAwait(false))
        {
            return ($"{invalid.Reason}; set aside as {quarantine} before", true);
        }
        var report = await new RawQuarantine(raw).QuarantineAsync(invalid.Key, version, invalid, cancellationToken).ConfigureAwait(false);
        return (report.Status == TransformStatus.Quarantined ? $"{invalid.Reason}; set aside as {quarantine}, with this reason beside it" : report.Reason ?? invalid.Reason, false);
    }

    public static ListeningRow Row(long endedAt, int? msPlayed, string trackUri, string? trackName, string? artistName, string? albumName) =>
        new(endedAt, msPlayed, ContentTypes.Track, trackUri, trackName, artistName, albumName,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, HistorySource.Api);

    public static IEnumerable<ListeningRow> ToRows(TransformedObject page)
    {
        foreach (var play in page.Plays)
        {
            if (ExportTime.ParseTs(play.PlayedAt) is not { } ended)
            {
                continue;
            }
            page.Songs.TryGetValue(play.SongId, out var song);
            var artist = song?.PrimaryArtistId is { } artistId && page.Artists.TryGetValue(artistId, out var a) ? a.ArtistName : null;
            var album = song?.AlbumId is { } albumId && page.Albums.TryGetValue(albumId, out var b) ? b.AlbumName : null;
            yield return Row(ended, song?.DurationMs, $"spotify:track:{play.SongId}", song?.SongName, artist, album);
        }
    }
}
