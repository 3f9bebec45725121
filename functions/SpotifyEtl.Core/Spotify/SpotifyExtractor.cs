using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Spotify;

public sealed record ExtractorOptions
{
    /// <summary>Sources extracted at the same time; Spotify's rate limit is per app, so keep it small.</summary>
    public int MaxConcurrency { get; init; } = 2;

    /// <summary>A guard against a paging loop; 1,000 pages of 50 is far beyond any real playlist.</summary>
    public int MaxPagesPerSource { get; init; } = 1000;

    /// <summary>Optional <c>market</c> parameter for playlist items.</summary>
    public string? Market { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Receives one JSON line per source (stdout on Lambda). Never given a token or a secret.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>The result of a run: its manifest and where it was written.</summary>
public sealed record ExtractionRun(ExtractionManifest Manifest, string ManifestKey, string? RotatedRefreshToken)
{
    /// <summary>Every source landed or was unchanged, and a rotated refresh token (if any) was saved.</summary>
    public bool Succeeded => Manifest.Outcome == ExtractionOutcomes.Succeeded && Manifest.RefreshTokenSaveError is null;
}

/// <summary>
/// Runs the configured sources against the Web API and lands every response body unchanged under its
/// <see cref="RawObjectKey"/>: incremental (unchanged playlists skipped, recently-played resumed from its
/// cursor), bounded in concurrency, and ending cleanly with its state saved when Spotify says stop.
/// The same code serves the Lambda handler and <c>spotify-etl extract</c>.
/// </summary>
public sealed class SpotifyExtractor(SpotifyApiClient client, IObjectStore store, ExtractorOptions? options = null)
{
    private const int PageSize = 50;
    private readonly ExtractorOptions _options = options ?? new ExtractorOptions();
    private readonly Lock _stateLock = new();

    /// <summary>
    /// Extracts <paramref name="sources"/>. Source failures (403, 404, persistent 5xx) are reported in the
    /// manifest and the other sources still run. Throws <see cref="SpotifyReauthorizationRequiredException"/>
    /// or <see cref="SpotifyAuthenticationException"/> after saving state and manifest when no token can be had.
    /// </summary>
    public async Task<ExtractionRun> RunAsync(IReadOnlyList<ExtractionSource> sources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var time = _options.TimeProvider;
        var startedAt = time.GetUtcNow();
        var run = new RunContext(RawObjectKey.FormatRunId(startedAt), DateOnly.FromDateTime(startedAt.UtcDateTime),
            await ExtractionState.LoadAsync(store, cancellationToken).ConfigureAwait(false));
        var reports = new SourceReport[sources.Count];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, sources.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxConcurrency), CancellationToken = cancellationToken },
                async (index, token) =>
                {
                    reports[index] = await ExtractSourceAsync(sources[index], run, token).ConfigureAwait(false);
                    Log(run.RunId, reports[index]);
                }).ConfigureAwait(false);
        }
        finally
        {
            // Whatever happened, what landed is recorded, so the next run neither loses nor repeats it.
            await run.State.SaveAsync(store, CancellationToken.None).ConfigureAwait(false);
        }

        var finishedAt = time.GetUtcNow();
        var outcome = run.Fatal is not null ? ExtractionOutcomes.Failed
            : run.Stop is not null ? ExtractionOutcomes.Stopped
            : reports.All(report => report.Status is SourceStatuses.Landed or SourceStatuses.Unchanged) ? ExtractionOutcomes.Succeeded
            : ExtractionOutcomes.Partial;
        var manifest = new ExtractionManifest(run.RunId, startedAt, finishedAt, (long)(finishedAt - startedAt).TotalMilliseconds, outcome,
            run.Fatal?.Message ?? run.Stop?.Message, run.Stop?.QuotaExceeded ?? false, client.Tokens.GrantType,
            client.Tokens.RotatedRefreshToken is not null, client.Tokens.RotationSaveFailure?.Message, reports);
        var manifestKey = ExtractionManifest.KeyFor(run.RunId);
        await store.PutBytesAsync(manifestKey, JsonSerializer.SerializeToUtf8Bytes(manifest, ExtractionJsonContext.Default.ExtractionManifest),
            "application/json", cancellationToken).ConfigureAwait(false);
        if (run.Fatal is not null)
        {
            throw run.Fatal;
        }
        return new ExtractionRun(manifest, manifestKey, client.Tokens.RotatedRefreshToken);
    }

    private async Task<SourceReport> ExtractSourceAsync(ExtractionSource source, RunContext run, CancellationToken cancellationToken)
    {
        var progress = new SourceProgress(source);
        if (run.Stop is not null || run.Fatal is not null)
        {
            return progress.Report(SourceStatuses.NotRun, error: "The run stopped before this source: " + (run.Fatal ?? run.Stop)!.Message);
        }
        try
        {
            var status = source.Kind switch
            {
                SourceKind.Playlist => await ExtractPlaylistAsync(source, run, progress, cancellationToken).ConfigureAwait(false),
                SourceKind.RecentlyPlayed => await ExtractRecentlyPlayedAsync(source, run, progress, cancellationToken).ConfigureAwait(false),
                SourceKind.TopTracks => await OncePerDayAsync(source, $"me/top/tracks?time_range={source.Subject}&limit={PageSize}", run, progress, cancellationToken).ConfigureAwait(false),
                SourceKind.TopArtists => await OncePerDayAsync(source, $"me/top/artists?time_range={source.Subject}&limit={PageSize}", run, progress, cancellationToken).ConfigureAwait(false),
                SourceKind.SavedTracks => await OncePerDayAsync(source, $"me/tracks?limit={PageSize}", run, progress, cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException($"No extraction for {source.Kind}."),
            };
            return progress.Report(status);
        }
        catch (SpotifyApiException exception)
        {
            return progress.Report(SourceStatuses.Failed, (int)exception.Status, exception.Message);
        }
        catch (SpotifyMalformedResponseException exception)
        {
            return progress.Report(SourceStatuses.Failed, 200, exception.Message);
        }
        catch (SpotifyRunStoppedException exception)
        {
            Interlocked.CompareExchange(ref run.Stop, exception, null);
            return progress.Report(SourceStatuses.Stopped, 429, exception.Message);
        }
        catch (Exception exception) when (exception is SpotifyReauthorizationRequiredException or SpotifyAuthenticationException)
        {
            Interlocked.CompareExchange(ref run.Fatal, exception, null);
            return progress.Report(SourceStatuses.Failed, null, exception.Message);
        }
    }

    private async Task<string> ExtractPlaylistAsync(ExtractionSource source, RunContext run, SourceProgress progress, CancellationToken cancellationToken)
    {
        var metadata = await GetAsync($"playlists/{source.Subject}", progress, cancellationToken).ConfigureAwait(false);
        var header = Parse(metadata, SpotifyWireJsonContext.Default.PlaylistHeader);
        if (string.IsNullOrEmpty(header?.SnapshotId))
        {
            await LandAsync(new RawObjectKey(RawSource.Playlist, run.SnapshotDate, source.Subject, run.RunId, 0), metadata, progress, cancellationToken).ConfigureAwait(false);
            throw new SpotifyMalformedResponseException(metadata.Path, "no snapshot_id");
        }
        PlaylistState? previous;
        lock (_stateLock)
        {
            previous = run.State.Playlists.GetValueOrDefault(source.Subject);
        }
        // The items land only when the version changed; the metadata lands at least once a day whatever
        // happened, so the lake knows which version was current each day (the playlists table).
        var unchanged = previous is not null && string.Equals(previous.SnapshotId, header.SnapshotId, StringComparison.Ordinal);
        if (unchanged && LandedToday(run, source))
        {
            return SourceStatuses.Unchanged;
        }
        await LandAsync(new RawObjectKey(RawSource.Playlist, run.SnapshotDate, source.Subject, run.RunId, 0), metadata, progress, cancellationToken).ConfigureAwait(false);
        RecordLandedToday(run, source);
        if (unchanged)
        {
            return SourceStatuses.Unchanged;
        }

        var itemsPath = $"playlists/{source.Subject}/items?limit={PageSize}&additional_types=track,episode" +
            (_options.Market is { Length: > 0 } market ? $"&market={Uri.EscapeDataString(market)}" : "");
        var status = await LandPagesAsync(source, itemsPath, run, progress, null, cancellationToken).ConfigureAwait(false);
        // Only a playlist whose every page landed counts as extracted at this snapshot.
        lock (_stateLock)
        {
            run.State.Playlists[source.Subject] = new PlaylistState(header.SnapshotId, header.Name, run.RunId);
        }
        return status;
    }

    /// <summary>
    /// Top lists and saved tracks change slowly and have no cursor: with an hourly schedule they would land
    /// (and be merged) 24 times a day. They land on the day's first run only.
    /// </summary>
    private async Task<string> OncePerDayAsync(ExtractionSource source, string path, RunContext run, SourceProgress progress, CancellationToken cancellationToken)
    {
        if (LandedToday(run, source))
        {
            return SourceStatuses.Unchanged;
        }
        var status = await LandPagesAsync(source, path, run, progress, null, cancellationToken).ConfigureAwait(false);
        if (status == SourceStatuses.Landed)
        {
            RecordLandedToday(run, source);
        }
        return status;
    }

    private bool LandedToday(RunContext run, ExtractionSource source)
    {
        lock (_stateLock)
        {
            return run.State.LandedOn.GetValueOrDefault(source.Name) == run.SnapshotDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
    }

    private void RecordLandedToday(RunContext run, ExtractionSource source)
    {
        lock (_stateLock)
        {
            run.State.LandedOn[source.Name] = run.SnapshotDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
    }

    private async Task<string> ExtractRecentlyPlayedAsync(ExtractionSource source, RunContext run, SourceProgress progress, CancellationToken cancellationToken)
    {
        var after = run.State.RecentlyPlayed?.After;
        if (after is null)
        {
            // First run: only about the last 50 plays are reachable at all; take them and start the cursor there.
            return await LandPagesAsync(source, $"me/player/recently-played?limit={PageSize}", run, progress, AdvanceCursor, cancellationToken, followNext: false).ConfigureAwait(false);
        }
        // With a cursor: pages of plays after it, oldest window first; the cursor moves after each landed page,
        // so a run cut short resumes without losing or repeating a play.
        for (var page = 0; page < _options.MaxPagesPerSource; page++)
        {
            var response = await GetAsync($"me/player/recently-played?limit={PageSize}&after={Uri.EscapeDataString(after)}", progress, cancellationToken).ConfigureAwait(false);
            var header = await LandPageAsync(source, run, progress, response, cancellationToken).ConfigureAwait(false);
            var items = ItemCount(header);
            if (items == 0)
            {
                break;
            }
            AdvanceCursor(header);
            var next = run.State.RecentlyPlayed?.After;
            if (header.Next is null || next is null || next == after)
            {
                break;
            }
            after = next;
        }
        return SourceStatuses.Landed;

        void AdvanceCursor(PageHeader header)
        {
            if (header.Cursors?.After is { Length: > 0 } cursor
                && (run.State.RecentlyPlayed is null || CompareCursors(cursor, run.State.RecentlyPlayed.After) > 0))
            {
                run.State.RecentlyPlayed = new RecentlyPlayedState(cursor, run.RunId);
            }
        }
    }

    private async Task<string> LandPagesAsync(ExtractionSource source, string firstPath, RunContext run, SourceProgress progress,
        Action<PageHeader>? afterPage, CancellationToken cancellationToken, bool followNext = true)
    {
        string? next = firstPath;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (next is not null && visited.Add(next))
        {
            if (progress.Pages >= _options.MaxPagesPerSource)
            {
                throw new SpotifyApiException(System.Net.HttpStatusCode.OK, next, null, null,
                    $"{source.Name} has more than {_options.MaxPagesPerSource} pages; stopped following `next` to avoid a paging loop.");
            }
            var response = await GetAsync(next, progress, cancellationToken).ConfigureAwait(false);
            var header = await LandPageAsync(source, run, progress, response, cancellationToken).ConfigureAwait(false);
            afterPage?.Invoke(header);
            next = followNext ? header.Next : null;
        }
        return SourceStatuses.Landed;
    }

    /// <summary>Lands one page unchanged, then reads what paging needs; a body that is not a page still lands, then fails the source.</summary>
    private async Task<PageHeader> LandPageAsync(ExtractionSource source, RunContext run, SourceProgress progress, SpotifyResponse response, CancellationToken cancellationToken)
    {
        var key = new RawObjectKey(source.PageSource, run.SnapshotDate, source.Subject, run.RunId, progress.PagesOf(source.PageSource));
        await LandAsync(key, response, progress, cancellationToken).ConfigureAwait(false);
        var header = Parse(response, SpotifyWireJsonContext.Default.PageHeader);
        if (header?.Items is not { ValueKind: JsonValueKind.Array })
        {
            throw new SpotifyMalformedResponseException(response.Path, "no \"items\" array");
        }
        progress.Items += ItemCount(header);
        return header;
    }

    private async Task LandAsync(RawObjectKey key, SpotifyResponse response, SourceProgress progress, CancellationToken cancellationToken)
    {
        var name = key.ToString();
        await store.PutBytesAsync(name, response.Body, "application/json", cancellationToken).ConfigureAwait(false);
        progress.Landed(key.Source, name);
    }

    private async Task<SpotifyResponse> GetAsync(string pathOrUrl, SourceProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.GetAsync(pathOrUrl, cancellationToken).ConfigureAwait(false);
            progress.Requests += response.Attempts;
            return response;
        }
        catch (SpotifyApiException)
        {
            progress.Requests++;
            throw;
        }
    }

    private static T? Parse<T>(SpotifyResponse response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(response.Body, type);
        }
        catch (JsonException exception)
        {
            throw new SpotifyMalformedResponseException(response.Path, exception.Message);
        }
    }

    private static int ItemCount(PageHeader header) =>
        header.Items is { ValueKind: JsonValueKind.Array } items ? items.GetArrayLength() : 0;

    private static int CompareCursors(string left, string right) =>
        long.TryParse(left, NumberStyles.None, CultureInfo.InvariantCulture, out var l) && long.TryParse(right, NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            ? l.CompareTo(r)
            : string.CompareOrdinal(left, right);

    private void Log(string runId, SourceReport report)
    {
        if (_options.Log is null)
        {
            return;
        }
        var level = report.Status switch
        {
            SourceStatuses.Landed or SourceStatuses.Unchanged => "info",
            SourceStatuses.Failed => "error",
            _ => "warn",
        };
        var line = new SourceLogLine(level, "source_extracted", runId, report.Source, report.Status, report.Pages, report.Items,
            report.Requests, report.DurationMs, report.HttpStatus, report.Error);
        _options.Log(JsonSerializer.Serialize(line, ExtractionJsonContext.Default.SourceLogLine));
    }

    private sealed class RunContext(string runId, DateOnly snapshotDate, ExtractionState state)
    {
        public string RunId { get; } = runId;
        public DateOnly SnapshotDate { get; } = snapshotDate;
        public ExtractionState State { get; } = state;
        public SpotifyRunStoppedException? Stop;
        public Exception? Fatal;
    }

    private sealed class SourceProgress(ExtractionSource source)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<string> _objects = [];
        private readonly Dictionary<RawSource, int> _pages = [];

        public int Pages => _pages.Values.Sum();
        public int Items { get; set; }
        public int Requests { get; set; }

        public int PagesOf(RawSource rawSource) => _pages.GetValueOrDefault(rawSource);

        public void Landed(RawSource rawSource, string key)
        {
            _pages[rawSource] = PagesOf(rawSource) + 1;
            _objects.Add(key);
        }

        public SourceReport Report(string status, int? httpStatus = null, string? error = null) =>
            new(source.Name, source.Type, source.Subject, status, Pages, Items, Requests, _clock.ElapsedMilliseconds, httpStatus, error, _objects.ToArray());
    }
}
