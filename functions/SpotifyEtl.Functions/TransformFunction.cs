using System.Text.Json;
using Amazon;
using Amazon.S3;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Functions;

/// <summary>
/// The transform Lambda (<c>SpotifyEtl.Functions::SpotifyEtl.Functions.TransformFunction::Handler</c>),
/// invoked by the raw bucket's notifications for <c>raw/*.json</c>. It transforms the objects named by
/// every record of the event, and only those: it never lists the raw prefix. Events arrive at least
/// once and in parallel; the pipeline is idempotent, so a repeated event rewrites the same files.
/// <para>
/// A bad raw object is quarantined and the invocation succeeds: retrying cannot fix it. Any other
/// error (S3 unavailable, throttled, access denied, a merge that kept changing) fails the invocation,
/// so that Lambda retries it and finally hands it to the on-failure destination.
/// </para>
/// </summary>
public sealed class TransformFunction
{
    // One client per container: it holds the connection pool and the credentials cache.
    private static readonly Lazy<AmazonS3Client> SharedClient = new(CreateClient);

    private readonly IObjectStore _raw;
    private readonly IObjectStore _lake;
    private readonly string _rawBucket;
    private readonly TextWriter _log;

    /// <summary>What the Lambda runtime calls: configuration from RAW_BUCKET, TRANSFORMED_BUCKET and AWS_REGION.</summary>
    public TransformFunction()
        : this(TransformSettings.FromEnvironment(Environment.GetEnvironmentVariable), SharedClient.Value, Console.Out)
    {
    }

    /// <summary>The real S3 path with another client, such as one pointed at an S3 emulator.</summary>
    /// <remarks>Settings come first so that a missing variable is reported before the client is built.</remarks>
    internal TransformFunction(TransformSettings settings, IAmazonS3 client, TextWriter log)
        : this(new S3ObjectStore(client, settings.RawBucket), new S3ObjectStore(client, settings.TransformedBucket), settings.RawBucket, log)
    {
    }

    /// <summary>Any stores: the raw bucket named <paramref name="rawBucket"/> in events, and the transformed bucket.</summary>
    internal TransformFunction(IObjectStore raw, IObjectStore lake, string rawBucket, TextWriter log)
    {
        _raw = raw;
        _lake = lake;
        _rawBucket = rawBucket;
        _log = log;
    }

    public Stream Handler(Stream input) => HandleAsync(input, CancellationToken.None).GetAwaiter().GetResult();

    internal async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        var records = (await ReadEventAsync(input, cancellationToken).ConfigureAwait(false)).Records ?? [];
        var keys = new List<string>();
        var ignored = 0;
        foreach (var record in records)
        {
            var bucket = record.S3?.Bucket?.Name;
            var encodedKey = record.S3?.Object?.Key;
            var key = encodedKey is null ? null : S3EventKeys.Decode(encodedKey);
            var reason = IgnoreReason(record, bucket, key);
            if (reason is not null)
            {
                ignored++;
                Log(new IgnoredRecordLogLine("transform_record_ignored", "warn", bucket, key, record.EventName, reason), TransformLogContext.Default.IgnoredRecordLogLine);
                continue;
            }
            keys.Add(key!);
        }

        TransformBatchReport batch;
        try
        {
            batch = await new TransformPipeline(_raw, _lake).TransformAsync(keys, progress: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log(new FailureLogLine("transform_failed", "error", records.Count, exception.GetType().Name, exception.Message), TransformLogContext.Default.FailureLogLine);
            throw;
        }

        foreach (var report in batch.Objects)
        {
            Log(new ObjectLogLine("transform_object", report.Status == TransformStatus.Transformed ? "info" : "warn", _rawBucket, report.RawKey,
                report.Status.ToString().ToLowerInvariant(), report.Source, report.SnapshotDate, report.ItemsRead,
                report.Status == TransformStatus.Transformed ? report.Rows : null, report.Skipped.Total, report.Reason, report.QuarantineKey,
                report.Status == TransformStatus.Ignored ? null : TransformPipeline.ReportKey(report.RawKey)), TransformLogContext.Default.ObjectLogLine);
        }

        var summary = new TransformSummary("transform_completed", records.Count, batch.Transformed, batch.Quarantined, batch.Ignored + ignored, batch.MergedRows);
        Log(summary, TransformLogContext.Default.TransformSummary);
        return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(summary, TransformLogContext.Default.TransformSummary), writable: false);
    }

    private string? IgnoreReason(S3EventRecord record, string? bucket, string? key)
    {
        if (bucket is null || key is null)
        {
            return "the record names no bucket or no object key: it is not an S3 object notification";
        }
        if (record.EventName is { } name && !name.StartsWith("ObjectCreated:", StringComparison.Ordinal))
        {
            return $"'{name}' is not an ObjectCreated event: only new raw objects are transformed";
        }
        if (!string.Equals(bucket, _rawBucket, StringComparison.Ordinal))
        {
            return $"the object is in bucket '{bucket}', not in the raw bucket '{_rawBucket}' ({TransformSettings.RawBucketVariable})";
        }
        if (!key.StartsWith(LakeLayout.Raw, StringComparison.Ordinal))
        {
            return $"the key is outside '{LakeLayout.Raw}': only raw Spotify responses are transformed (quarantine/, state/ and manifests/ never are)";
        }
        return null;
    }

    private static async Task<S3EventNotification> ReadEventAsync(Stream input, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(input, S3EventContext.Default.S3EventNotification, cancellationToken).ConfigureAwait(false)
                ?? new S3EventNotification(null);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The transform function's input is not an S3 event notification ({exception.Message}). It is invoked by the raw bucket's notifications; to replay an object, copy it onto itself or run 'spotify-etl transform --input'.", exception);
        }
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
