using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Spotify.Extraction;

/// <summary>
/// Runs the configured sources against the Web API, each by its <see cref="IExtractionStrategy"/>, and lands
/// every response body unchanged under its <see cref="RawObjectKey"/>; bounded in concurrency, sparing with
/// requests (unchanged playlists skipped, conditional requests, once-a-day sources, incremental saved tracks),
/// and ending cleanly with its state saved when Spotify says stop. The manifest is written before the state:
/// a run whose manifest could not be written leaves the state as it found it, so the next run fetches again
/// what this one landed, rather than moving past objects no manifest names.
/// The same code serves the Lambda handler and <c>spotify-etl extract</c>.
/// </summary>
public sealed partial class SpotifyExtractor
{
    private readonly SpotifyApiClient _client;
    private readonly IObjectStore _store;
    private readonly ExtractorOptions _options;
    private readonly IExtractionStrategy _playlists;
    private readonly IExtractionStrategy _recentlyPlayed;
    private readonly IExtractionStrategy _topItems;
    private readonly IExtractionStrategy _savedTracks;
    private readonly IExtractionStrategy _myPlaylists = new MyPlaylistsExtraction();

    public SpotifyExtractor(SpotifyApiClient client, IObjectStore store, ExtractorOptions? options = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = (options ?? new ExtractorOptions()).Validated();
        _playlists = new PlaylistExtraction(_options.Market, _options.SnapshotRelandDays);
        _recentlyPlayed = new RecentlyPlayedExtraction(_options.MaxPagesPerSource);
        _topItems = new OncePerDay(new TopItemsExtraction(_options.TopItemsLimit, _options.SnapshotRelandDays));
        _savedTracks = new OncePerDay(new SavedTracksExtraction(_options.SavedTracksFullPassDays));
    }

    /// <summary>
    /// Called once the run's manifest is written, before <see cref="RunAsync"/> returns or throws: a run that then ends in
    /// an interruption or a failure to get a token has landed what its manifest names all the same.
    /// </summary>
    public Action<ExtractionRun>? ManifestWritten { get; init; }

    /// <summary>
    /// Extracts <paramref name="sources"/>. Source failures (403, 404, persistent 5xx) are reported in the
    /// manifest and the other sources still run. Throws <see cref="SpotifyReauthorizationRequiredException"/>
    /// or <see cref="SpotifyAuthenticationException"/> after saving state and manifest when no token can be had, and
    /// the failure itself when the process's open-file limit refused a file or a socket.
    /// </summary>
    public async Task<ExtractionRun> RunAsync(IReadOnlyList<ExtractionSource> sources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var time = _options.TimeProvider;
        var startedAt = time.GetUtcNow();
        var state = await ExtractionState.LoadAsync(_store, cancellationToken).ConfigureAwait(false);
        state.Wait = state.Wait?.CappedAt(startedAt);
        if (state.Wait is { } saved && FarAhead(state.LastRunId, startedAt) is { } last)
        {
            // Saved by a run whose clock ran hours fast, since corrected: the wait ends as long after this run's start as it
            // did after that run's, not hours later (a 30-second wait held every run back for as long as the clock was off).
            state.Wait = saved with { Until = startedAt + (saved.Until > last ? saved.Until - last : TimeSpan.Zero) };
        }
        var runStart = await RunStartAsync(startedAt, state.LastRunId, cancellationToken).ConfigureAwait(false);
        state.LastRunId = RawObjectKey.FormatRunId(runStart);
        // The name is saved before anything lands under it: a run killed before its end (which saves the state) would
        // otherwise leave its name unsaved, and a run started again within the same second would land over its objects.
        // Nothing else of the state has moved yet.
        await state.SaveAsync(_store, cancellationToken).ConfigureAwait(false);
        _options.RunNamed?.Invoke(state.LastRunId);
        using var run = new ExtractionRunContext(state.LastRunId, DateOnly.FromDateTime(runStart.UtcDateTime), state);
        if (state.Wait is { } wait && wait.Until > startedAt)
        {
            // Every source is then reported as not run, with this reason, and nothing is asked of Spotify.
            run.Stopped(new SpotifyRunStoppedException(
                $"{(wait.QuotaExceeded ? "QUOTA_EXCEEDED: " : "")}Spotify asked this app to wait until {wait.Until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC " +
                "(the Retry-After of an earlier run's answer); this run asked nothing and moved no cursor, and the first run after then goes on. " +
                $"To ask sooner anyway, remove \"wait\" from {ExtractionState.Key}.",
                wait.QuotaExceeded, wait.Until - startedAt));
        }
        // The sources configured, my_playlists among them, side by side; then the playlists it found that no source names,
        // each read once. Recently played waits for no listing: Spotify keeps only its last 50 plays.
        var all = sources.ToList();
        var configured = all.Count;
        var reports = new SourceReport[configured];
        await ExtractAllAsync(all, reports, 0, configured, run, cancellationToken).ConfigureAwait(false);
        // The playlists my_playlists found, added even after an interruption: those it left unread are named below as not run.
        all.AddRange(run.FoundPlaylists.Select(ExtractionSource.Playlist).Where(found => !all.Contains(found)).Distinct());
        Array.Resize(ref reports, all.Count);
        await ExtractAllAsync(all, reports, configured, all.Count - configured, run, cancellationToken).ConfigureAwait(false);
        // An interrupted run still writes its manifest, then its state: what landed is named and recorded, so the next run
        // neither loses nor repeats it; then the interruption goes on to the caller.
        var interrupted = cancellationToken.IsCancellationRequested;
        for (var index = 0; index < reports.Length; index++)
        {
            reports[index] ??= new SourceExtraction(all[index], run, _client, _store, _options.MaxPagesPerSource)
                .Report(SourceStatus.NotRun, error: "The run was interrupted before this source.");
        }

        var finishedAt = time.GetUtcNow();
        run.Update(saved => saved.Wait = run.Stop switch
        {
            // Interrupted inside a wait Spotify asked for: the next run sits out the rest of it, rather than asking at once.
            null when interrupted && _client.QuietUntil is { } quiet && quiet > finishedAt => new SpotifyWait(quiet, QuotaExceeded: false),
            null => null,
            _ when saved.Wait?.Until > startedAt => saved.Wait,
            var stop when SpotifyWait.After(stop) is { } wait => new SpotifyWait(finishedAt + wait, stop.QuotaExceeded),
            _ => null,
        });
        var outcome = run.Fatal is not null ? ExtractionOutcome.Failed
            : run.Stop is not null || interrupted ? ExtractionOutcome.Stopped
            : reports.All(report => report.Status is SourceStatus.Landed or SourceStatus.Unchanged) ? ExtractionOutcome.Succeeded
            : ExtractionOutcome.Partial;
        var tokens = _client.Tokens;
        if (await tokens.RetryRotationSaveAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false))
        {
            _options.Log?.Invoke(JsonSerializer.Serialize(new TokenLogLine("warn", "spotify_refresh_token_saved_late", run.RunId,
                "Spotify rotated the refresh token and saving it failed then; the save was tried again at the end of the run and went through."), ExtractionJsonContext.Default.TokenLogLine));
        }
        var manifest = new ExtractionManifest(run.RunId, startedAt, finishedAt, (long)(finishedAt - startedAt).TotalMilliseconds, outcome,
            run.Fatal?.Message ?? (interrupted ? InterruptedReason : null) ?? run.Stop?.Message, run.Stop?.QuotaExceeded ?? false, tokens.GrantType,
            tokens.RotatedRefreshToken is not null, tokens.RotationSaveFailure?.Message,
            reports.Sum(report => report.Requests), reports.Sum(report => report.NotModified), reports);
        var manifestKey = ExtractionManifest.KeyFor(run.RunId);
        await _store.PutBytesAsync(manifestKey, JsonSerializer.SerializeToUtf8Bytes(manifest, ExtractionJsonContext.Default.ExtractionManifest),
            "application/json", CancellationToken.None).ConfigureAwait(false);
        await run.SaveAsync(_store, CancellationToken.None).ConfigureAwait(false);
        var ended = new ExtractionRun(manifest, manifestKey, tokens.RotatedRefreshToken);
        ManifestWritten?.Invoke(ended);
        cancellationToken.ThrowIfCancellationRequested();
        if (run.Fatal is not null)
        {
            throw run.Fatal;
        }
        return ended;
    }

    /// <summary>The stop reason of an interrupted run's manifest.</summary>
    internal const string InterruptedReason =
        "Interrupted (Ctrl-C or SIGTERM): the sources under way stopped where they were. What landed is named here and recorded in the state; the next run goes on.";

    /// <summary>
    /// Extracts <paramref name="count"/> of <paramref name="sources"/> from <paramref name="from"/> on, bounded in concurrency,
    /// each report at its index. An interruption (Ctrl-C or SIGTERM) ends it without throwing: the sources under way reported
    /// what they had landed, and the caller names the rest.
    /// </summary>
    private async Task ExtractAllAsync(List<ExtractionSource> sources, SourceReport[] reports, int from, int count, ExtractionRunContext run, CancellationToken cancellationToken)
    {
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(from, count),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxConcurrency), CancellationToken = cancellationToken },
                async (index, token) =>
                {
                    reports[index] = await ExtractSourceAsync(sources[index], run, token).ConfigureAwait(false);
                    Log(run.RunId, reports[index]);
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private IExtractionStrategy StrategyFor(ExtractionSource source) => source.Kind switch
    {
        SourceKind.MyPlaylists => _myPlaylists,
        SourceKind.Playlist => _playlists,
        SourceKind.RecentlyPlayed => _recentlyPlayed,
        SourceKind.TopTracks or SourceKind.TopArtists => _topItems,
        SourceKind.SavedTracks => _savedTracks,
        _ => throw new InvalidOperationException($"No extraction for {source.Kind}."),
    };

    private async Task<SourceReport> ExtractSourceAsync(ExtractionSource source, ExtractionRunContext run, CancellationToken cancellationToken)
    {
        var extraction = new SourceExtraction(source, run, _client, _store, _options.MaxPagesPerSource);
        if ((run.Fatal ?? run.Stop) is { } ended)
        {
            return extraction.Report(SourceStatus.NotRun, error: "The run stopped before this source: " + ended.Message);
        }
        try
        {
            return extraction.Report(await StrategyFor(source).ExtractAsync(extraction, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception exception) when (exception is not OperationCanceledException
            && (LocalEntry.OutOfFiles(exception) || LocalEntry.OutOfFilesForConnection(exception)))
        {
            // The process's open-file limit refused a file of the lake or a socket (Spotify's API or token endpoint; S3's in the
            // Lambda): no source's own failure, since the next source would meet it too, and no stop Spotify asked for. The run
            // fails, its manifest names what landed, and the command says the limit (exit 74). An interruption that came with
            // it is the interruption's, below.
            run.Failed(exception);
            return extraction.Report(SourceStatus.Failed, error: exception.Message);
        }
        catch (SpotifyApiException exception)
        {
            return extraction.Report(SourceStatus.Failed, exception.AnsweredStatus, exception.Message);
        }
        catch (SpotifyMalformedResponseException exception)
        {
            return extraction.Report(SourceStatus.Failed, 200, exception.Message);
        }
        catch (Exception exception) when (exception is SpotifyPagingLoopException or SpotifyNextLinkException or SpotifyScopeNotGrantedException)
        {
            return extraction.Report(SourceStatus.Failed, error: exception.Message);
        }
        catch (SpotifyRunStoppedException exception)
        {
            run.Stopped(exception);
            return extraction.Report(SourceStatus.Stopped, exception.HttpStatus, exception.Message);
        }
        catch (Exception exception) when (exception is SpotifyReauthorizationRequiredException or SpotifyAuthenticationException)
        {
            run.Failed(exception);
            return extraction.Report(SourceStatus.Failed, null, exception.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Interrupted: what this source landed is still reported, so that the manifest names it.
            return extraction.Report(SourceStatus.Stopped, error: "Interrupted (Ctrl-C or SIGTERM) while this source was under way; what it landed is kept.");
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Anything else (the lake refusing a write, a disk filling up) fails this source alone: the others
            // still land and the manifest names what did, so nothing already landed goes untransformed.
            // A lake's refusal names its request: S3's "Please reduce your request rate" alone reads as Spotify's.
            return extraction.Report(SourceStatus.Failed, error: S3ObjectStore.RequestOf(exception) is { } request
                ? $"The lake refused {request}: {exception.Message}"
                : $"The source stopped on an unexpected error: {exception.Message}");
        }
    }

    private void Log(string runId, SourceReport report)
    {
        if (_options.Log is null)
        {
            return;
        }
        var level = report.Status switch
        {
            SourceStatus.Landed or SourceStatus.Unchanged => report.Gap is null && report.Warnings is null ? "info" : "warn",
            SourceStatus.Failed => "error",
            _ => "warn",
        };
        var line = new SourceLogLine(level, "source_extracted", runId, report.Source, report.Status, report.Pages, report.Items,
            report.Requests, report.NotModified, report.DurationMs, report.HttpStatus, report.Error, report.Gap, report.Warnings);
        _options.Log(JsonSerializer.Serialize(line, ExtractionJsonContext.Default.SourceLogLine));
        if (report.Gap is { } gap)
        {
            // A line of its own, which the stack's alarm counts.
            _options.Log(JsonSerializer.Serialize(new GapLogLine("warn", StackContract.LogEvents.RecentlyPlayedGap, runId, report.Source, gap.After, gap.Before,
                gap.Summary + " Run the extraction more often; the data export holds them."), ExtractionJsonContext.Default.GapLogLine));
        }
    }
}
