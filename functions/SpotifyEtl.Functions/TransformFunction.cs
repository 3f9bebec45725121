using System.Globalization;
using System.Text.Json;
using Amazon;
using Amazon.S3;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Functions;

/// <summary>
/// The transform Lambda (<c>SpotifyEtl.Functions::SpotifyEtl.Functions.TransformFunction::Handler</c>).
/// The raw bucket notifies it of each extraction run's manifest (<c>manifests/{run}.json</c>, written
/// last): it transforms the raw objects the manifest lists, stores the run's tables as one fragment
/// and publishes every table partition of the run's day once. Two other inputs serve operators: an
/// S3 event for a <c>raw/</c> object (a manual upload; its run is transformed) and
/// <c>{"replay_dates": ["yyyy-MM-dd", ...]}</c>, which rebuilds whole days from their raw objects.
/// Events arrive at least once and in parallel: the result never depends on their order.
/// <para>
/// A bad raw object is quarantined and the invocation succeeds: retrying cannot fix it. Any other
/// error (S3 unavailable, throttled, access denied) fails the invocation, so that Lambda retries it
/// and finally hands it to the on-failure destination.
/// </para>
/// </summary>
public sealed partial class TransformFunction
{
    // One client per container: it holds the connection pool and the credentials cache.
    private static readonly Lazy<AmazonS3Client> SharedClient = new(CreateClient);

    /// <summary>
    /// Raw objects read and parsed at once. A GET from S3 waits on the network far longer than the
    /// function's one or two vCPUs take to parse it, so many in flight keep the cores busy (docs/benchmarks.md).
    /// </summary>
    internal const int ObjectsInFlight = 16;

    private const string ManifestGone =
        "the manifest is no longer in the raw bucket (removed after its event was sent): there is no run to transform. " +
        "If the run's raw objects are still there, replay their day with {\"replay_dates\": [\"yyyy-MM-dd\"]}.";

    /// <summary>The <c>error</c> of the failure line of an invocation that reached its <see cref="TimeBudget"/>.</summary>
    internal const string TimeBudgetSpent = "TimeBudgetSpent";

    private readonly IObjectStore _raw;
    private readonly IObjectStore _lake;
    private readonly string _rawBucket;
    private readonly TableFormat _format;
    private readonly TextWriter _log;
    private readonly string _metricNamespace;

    static TransformFunction() => InvariantCulture.Apply();

    /// <summary>What the Lambda runtime calls: configuration from RAW_BUCKET, TRANSFORMED_BUCKET, TABLE_FORMAT, TRANSFORM_TIME_BUDGET_SECONDS, METRICS_NAMESPACE and AWS_REGION.</summary>
    public TransformFunction()
        : this(TransformSettings.FromEnvironment(Environment.GetEnvironmentVariable), SharedClient.Value, Console.Out)
    {
    }

    /// <summary>The real S3 path with another client, such as one pointed at an S3 emulator.</summary>
    /// <remarks>Settings come first so that a missing variable is reported before the client is built.</remarks>
    internal TransformFunction(TransformSettings settings, IAmazonS3 client, TextWriter log)
        : this(new S3ObjectStore(client, settings.RawBucket), new S3ObjectStore(client, settings.TransformedBucket), settings.RawBucket, log, settings.Format,
            settings.MetricsNamespace) => TimeBudget = settings.TimeBudget;

    /// <summary>Any stores: the raw bucket named <paramref name="rawBucket"/> in events, and the transformed bucket.</summary>
    internal TransformFunction(IObjectStore raw, IObjectStore lake, string rawBucket, TextWriter log, TableFormat format = TableFormats.Default,
        string metricNamespace = StackContract.Metrics.Namespace)
    {
        _metricNamespace = metricNamespace;
        _raw = raw;
        _lake = lake;
        _rawBucket = rawBucket;
        _log = log;
        _format = format;
    }

    /// <summary>
    /// How long an invocation may run before it gives up (<see cref="TransformSettings.TimeBudgetVariable"/>, the function's
    /// timeout less a margin): a Stream handler cannot see Lambda's deadline, and the runtime ends an invocation that reaches
    /// it without a word. Given up, it logs its <c>transform_failed</c> line naming the request it waited on, and fails.
    /// </summary>
    internal TimeSpan? TimeBudget { get; init; }

    /// <summary>Where a dropped export's zip is copied to be read: the function's temporary storage.</summary>
    internal TemporaryStorage Temporary { get; init; } = TemporaryStorage.Default;

    /// <summary>
    /// What the managed runtime calls. It waits for the task itself, and needs no serializer for a
    /// <c>Task&lt;Stream&gt;</c> any more than for a <c>Stream</c>: the bytes go back as they are.
    /// </summary>
    public Task<Stream> Handler(Stream input) => HandleAsync(input, CancellationToken.None);

    internal async Task<Stream> HandleAsync(Stream input, CancellationToken caller)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(caller);
        if (TimeBudget is { } limit)
        {
            budget.CancelAfter(limit);
        }
        var cancellationToken = budget.Token;
        (_raw as S3ObjectStore)?.ForgetInterrupted();
        (_lake as S3ObjectStore)?.ForgetInterrupted();
        IReadOnlyList<S3EventRecord> records = [];
        var pipeline = new TransformPipeline(_raw, _lake, new TransformOptions { Format = _format, StageRuns = true, Parallelism = ObjectsInFlight });
        var keys = new List<string>();
        var exports = new List<DroppedObject>();
        var ignored = 0;
        var manifests = 0;
        var setAsideManifests = new List<TransformReport>();
        HandledInputs? handled = null;
        ImportReport? imported = null;
        TransformBatchReport batch;
        try
        {
            // Read inside the try: an input that cannot be read gets its transform_failed line like any other failure.
            var invocation = await TransformInput.ReadAsync(input, cancellationToken).ConfigureAwait(false);
            records = invocation.Records ?? [];
            handled = HandledInputs.Of(invocation);
            var replayed = ReplayDates(invocation).ToList();
            foreach (var date in replayed)
            {
                keys.AddRange((await pipeline.ListDayToReplayAsync(date, cancellationToken).ConfigureAwait(false)).Select(v => v.Key));
            }
            foreach (var record in records)
            {
                // The input was refused whole if a record named no bucket or no object key (TransformInput): every record here names both.
                var bucket = record.S3!.Bucket!.Name!;
                var key = S3EventKeys.Decode(record.S3.Object!.Key!);
                var reason = IgnoreReason(record, bucket, key);
                if (reason is not null)
                {
                    ignored++;
                    Log(new IgnoredRecordLogLine(TransformEvents.RecordIgnored, "warn", bucket, key, record.EventName, reason), TransformLogContext.Default.IgnoredRecordLogLine);
                }
                else if (key.StartsWith(LakeLayout.Import, StringComparison.Ordinal))
                {
                    // The version the event is about: an export overwritten before its event is handled is still imported as it was.
                    exports.Add(new DroppedObject(key, record.S3.Object.VersionId, record.S3.Object.Size));
                }
                else if (key.StartsWith(LakeLayout.Manifests, StringComparison.Ordinal))
                {
                    IEnumerable<string>? listed;
                    try
                    {
                        (listed, var setAside) = await ManifestObjectsAsync(key, cancellationToken).ConfigureAwait(false);
                        if (setAside is not null)
                        {
                            setAsideManifests.Add(setAside);
                        }
                    }
                    catch (ObjectNotFoundException)
                    {
                        // Removed after its event was sent, or the event sent again after: a retry would not find it either.
                        ignored++;
                        Log(new IgnoredRecordLogLine(TransformEvents.RecordIgnored, "warn", bucket, key, record.EventName, ManifestGone),
                            TransformLogContext.Default.IgnoredRecordLogLine);
                        continue;
                    }
                    manifests++;
                    keys.AddRange(listed ?? []);
                }
                else
                {
                    keys.Add(key);
                }
            }
            batch = await pipeline.TransformAsync(keys, replayed, cancellationToken).ConfigureAwait(false);
            if (exports.Count > 0)
            {
                var import = new DataExportImport(_raw, _lake, _format, ImportLimits.Default, ObjectsInFlight, Temporary);
                imported = await import.ImportAsync(DroppedObject.Distinct(exports), cancellationToken).ConfigureAwait(false);
                ImportLog.Write(_log, _rawBucket, imported, import.Notes, [.. DroppedObject.Distinct(exports).Select(e => e.Key).Distinct(StringComparer.Ordinal)]);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || (budget.IsCancellationRequested && !caller.IsCancellationRequested))
        {
            var request = S3ObjectStore.RequestOf(exception);
            if (exception is OperationCanceledException)
            {
                request ??= (_raw as S3ObjectStore)?.Interrupted ?? (_lake as S3ObjectStore)?.Interrupted;
                var spent = new TimeoutException($"The invocation gave up at its time budget of {TimeBudget!.Value.TotalSeconds:0} s (the function's timeout " +
                    $"less a margin){(request is null ? "" : $", waiting on {request}")}. An event's invocation Lambda retries (transformRetryAttempts), " +
                    "then sends to the dead-letter queue; a replay invoked and waited for (RequestResponse) nobody retries: send it again. Should it " +
                    "run out of time again, replay fewer days at once or raise transformTimeoutSeconds.", exception);
                LogFailure(records.Count, TimeBudgetSpent, spent.Message, request, handled);
                throw spent;
            }
            LogFailure(records.Count, exception.GetType().Name, exception.Message, request, handled);
            throw;
        }

        var summary = Summarize(records.Count, manifests, ignored, batch, setAsideManifests, imported, handled!);
        return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(summary, TransformLogContext.Default.TransformSummary), writable: false);
    }

    private static IEnumerable<DateOnly> ReplayDates(S3EventNotification invocation)
    {
        foreach (var text in invocation.ReplayDates ?? [])
        {
            yield return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : throw new InvalidDataException($"replay_dates holds '{text}', which is not a yyyy-MM-dd date.");
        }
    }

    /// <summary>
    /// The raw keys a run's manifest lists; none for a manifest that cannot be read, which is set aside (a retry cannot fix
    /// it): quarantined, or left unread when its quarantine copy cannot be written.
    /// </summary>
    private async Task<(IEnumerable<string>? Listed, TransformReport? SetAside)> ManifestObjectsAsync(string key, CancellationToken cancellationToken)
    {
        const string Replay = "replay their day with {\"replay_dates\": [\"yyyy-MM-dd\"]}";
        string? version = null;
        TransformReport report;
        try
        {
            using var bytes = await _raw.ReadPooledAsync(key, cancellationToken).ConfigureAwait(false);
            version = bytes.Version;
            return (ExtractionManifest.ListedKeys(bytes.Span), null);
        }
        catch (JsonException exception)
        {
            // In words, with its place: the reader's own message quotes a bare word to the end of the manifest.
            var problem = JsonErrorText.Of(exception);
            report = await new RawQuarantine(_raw).QuarantineAsync(key, version, problem,
                $"Manifest '{key}' cannot be read ({problem}). Its run's raw objects are untouched: {Replay}.", cancellationToken).ConfigureAwait(false);
        }
        catch (UnreadableObjectException unreadable)
        {
            // In an archive storage class, encrypted with a key of its uploader's (SSE-C), or too large: no retry reads it.
            report = TransformReport.Unread(key, $"{unreadable.Reason}; its run's raw objects are untouched: make it readable, or {Replay}");
        }
        Log(new ObjectLogLine(TransformEvents.Object, "warn", _rawBucket, key, report.Status.ToString().ToLowerInvariant(), 0, 0, report.Reason, report.QuarantineKey),
            TransformLogContext.Default.ObjectLogLine);
        return (null, report);
    }

    private string? IgnoreReason(S3EventRecord record, string bucket, string key)
    {
        if (record.EventName is { } name && !name.StartsWith("ObjectCreated:", StringComparison.Ordinal))
        {
            return $"'{name}' is not an ObjectCreated event: only new manifests and raw objects are transformed";
        }
        if (!string.Equals(bucket, _rawBucket, StringComparison.Ordinal))
        {
            return $"the object is in bucket '{bucket}', not in the raw bucket '{_rawBucket}' ({TransformSettings.RawBucketVariable})";
        }
        if (key.StartsWith(LakeLayout.Import, StringComparison.Ordinal))
        {
            // A data export: its zip or any of its files, recognised by the import whatever its name.
            return key.EndsWith('/') ? "the key is a folder marker, not a file of a data export" : null;
        }
        if (!key.StartsWith(LakeLayout.Raw, StringComparison.Ordinal) && !key.StartsWith(LakeLayout.Manifests, StringComparison.Ordinal))
        {
            return $"the key is outside '{LakeLayout.Manifests}', '{LakeLayout.Raw}' and '{LakeLayout.Import}': only extraction runs, raw Spotify responses and data exports are transformed";
        }
        if (!key.EndsWith(".json", StringComparison.Ordinal))
        {
            return "the key does not end in .json";
        }
        return null;
    }

    private void Log<T>(T line, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        _log.WriteLine(JsonSerializer.Serialize(line, type));
        _log.Flush();
    }

    private static AmazonS3Client CreateClient()
    {
        var region = Environment.GetEnvironmentVariable("AWS_REGION");
        return string.IsNullOrWhiteSpace(region)
            ? new AmazonS3Client()
            : new AmazonS3Client(RegionEndpoint.GetBySystemName(region));
    }
}
