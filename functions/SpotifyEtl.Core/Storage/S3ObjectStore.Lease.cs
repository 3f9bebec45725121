using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.S3;
using Amazon.S3.Model;

namespace SpotifyEtl.Storage;

/// <summary>
/// A lease on S3 is an object, written only with S3's conditional writes: taken by creating it where there is none
/// (<c>If-None-Match: *</c>), or by replacing an ended lease while it is still the version read (<c>If-Match</c> on its
/// ETag), and given back by marking it ended, again only while it is the holder's own version. Of two takers at once,
/// S3 lets exactly one write succeed and answers the other 412 (or 409 while the first is in flight). A holder that
/// dies leaves a lease that ends by itself at its <c>until</c>.
/// </summary>
public sealed partial class S3ObjectStore : ILeasingStore
{
    /// <summary>The clock a lease's end is set and judged by.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public async Task<StoreLease> TakeLeaseAsync(string key, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var now = Time.GetUtcNow();
        var mine = new LeaseRecord(Guid.NewGuid().ToString("N"), now + duration);
        var tag = await TryPutLeaseAsync(key, mine, ifMatch: null, cancellationToken).ConfigureAwait(false);
        if (tag is null)
        {
            var (current, currentTag) = await ReadLeaseAsync(key, cancellationToken).ConfigureAwait(false);
            if (current?.Until > now)
            {
                return StoreLease.HeldByAnother(current.Until);
            }
            // Ended, given back, unreadable (nothing a holder wrote) or gone since: replace exactly what was read.
            tag = await TryPutLeaseAsync(key, mine, currentTag, cancellationToken).ConfigureAwait(false);
            if (tag is null)
            {
                return StoreLease.HeldByAnother(null);
            }
        }
        return StoreLease.Held(async () =>
            await TryPutLeaseAsync(key, mine with { Until = Time.GetUtcNow() }, tag, CancellationToken.None).ConfigureAwait(false));
    }

    /// <summary>Writes the lease if the key holds none (<paramref name="ifMatch"/> null) or still holds that version; its new ETag, or null when S3 refused.</summary>
    private async Task<string?> TryPutLeaseAsync(string key, LeaseRecord record, string? ifMatch, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(record, LeaseJsonContext.Default.LeaseRecord), writable: false);
        var request = new PutObjectRequest { BucketName = _bucket, Key = key, InputStream = body, ContentType = "application/json", AutoCloseStream = false };
        if (ifMatch is null)
        {
            request.IfNoneMatch = "*";
        }
        else
        {
            request.IfMatch = ifMatch;
        }
        try
        {
            var response = await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return response.ETag;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict
            || (ifMatch is not null && IsNotFound(exception)))
        {
            return null;
        }
    }

    /// <summary>The lease now at <paramref name="key"/> and its ETag; a null record for one that is not a lease's JSON; both null when there is none.</summary>
    private async Task<(LeaseRecord? Record, string? ETag)> ReadLeaseAsync(string key, CancellationToken cancellationToken)
    {
        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception exception) when (IsNotFound(exception) || IsDenied(exception))
        {
            if (await IsMissingAsync(exception, key, cancellationToken).ConfigureAwait(false))
            {
                return (null, null);
            }
            throw;
        }
        using (response)
        {
            try
            {
                var record = await JsonSerializer.DeserializeAsync(response.ResponseStream, LeaseJsonContext.Default.LeaseRecord, cancellationToken).ConfigureAwait(false);
                return (record, response.ETag);
            }
            catch (JsonException)
            {
                return (null, response.ETag);
            }
        }
    }
}

/// <summary>A lease as S3 holds it: who took it (a random id per taking) and until when.</summary>
internal sealed record LeaseRecord([property: JsonPropertyName("holder")] string Holder, [property: JsonPropertyName("until")] DateTimeOffset Until);

[JsonSerializable(typeof(LeaseRecord))]
internal sealed partial class LeaseJsonContext : JsonSerializerContext;
