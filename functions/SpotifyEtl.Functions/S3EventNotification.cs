using System.Net;
using System.Text.Json.Serialization;

namespace SpotifyEtl.Functions;

/// <summary>
/// The parts of an S3 event notification the transform reads
/// (docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
/// S3's one-off <c>s3:TestEvent</c>, sent when a notification is configured, has no <c>Records</c>.
/// </summary>
internal sealed record S3EventNotification([property: JsonPropertyName("Records")] IReadOnlyList<S3EventRecord>? Records)
{
    /// <summary>A direct invocation that rebuilds whole days from their raw objects: <c>{"replay_dates": ["2026-11-20"]}</c>.</summary>
    [JsonPropertyName("replay_dates")]
    public IReadOnlyList<string>? ReplayDates { get; init; }
}

internal sealed record S3EventRecord(string? EventSource, string? EventName, S3EventEntity? S3);

internal sealed record S3EventEntity(S3EventBucket? Bucket, S3EventObject? Object);

internal sealed record S3EventBucket(string? Name);

/// <param name="VersionId">The version the event is about, on a versioned bucket (the raw bucket is): absent on a bucket without versioning.</param>
internal sealed record S3EventObject(string? Key, long? Size, string? VersionId = null);

internal static class S3EventKeys
{
    /// <summary>
    /// An object key as S3 writes it into an event: form-URL-encoded, so a space arrives as <c>+</c>,
    /// <c>=</c> as <c>%3D</c> and a real plus sign as <c>%2B</c>.
    /// </summary>
    public static string Decode(string encoded) => WebUtility.UrlDecode(encoded);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(S3EventNotification))]
internal sealed partial class S3EventContext : JsonSerializerContext;
