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
/// S3 lets exactly one write succeed and answers the other 412. A holder that dies leaves a lease that ends by itself
/// at its <c>until</c>. Every refusal is followed by a read, so a write S3 carried out but whose answer was lost (the
/// SDK's retry of it is refused) is recognised by its holder id as this taker's own.
/// </summary>
public sealed partial class S3ObjectStore : ILeasingStore
{
    /// <summary>How often a taking is tried while S3 answers 409 ConditionalRequestConflict, which it asks to be retried.</summary>
    private const int LeaseAttempts = 5;

    private static readonly TimeSpan LongestLease = TimeSpan.FromDays(1);

    /// <summary>The clock a lease's end is set and judged by.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public async Task<StoreLease> TakeLeaseAsync(string key, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        if (duration <= TimeSpan.Zero || duration > LongestLease)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration,
                $"A lease on S3 lasts a positive time of at most {LongestLease.TotalHours:0} hours: a holder that dies must not keep it for ever.");
        }
        var mine = new LeaseRecord(Guid.NewGuid().ToString("N"), Time.GetUtcNow() + duration);
        string? ifMatch = null; // first, create it where there is none
        for (var attempt = 1; attempt <= LeaseAttempts; attempt++)
        {
            var (tag, conflict) = await TryPutLeaseAsync(key, mine, ifMatch, cancellationToken).ConfigureAwait(false);
            if (tag is not null)
            {
                return Held(key, mine, tag);
            }
            var (current, currentTag) = await ReadLeaseAsync(key, cancellationToken).ConfigureAwait(false);
            if (current?.Holder == mine.Holder)
            {
                return Held(key, mine, currentTag!);
            }
            if (current?.Until > Time.GetUtcNow())
            {
                return StoreLease.HeldByAnother(current.Until);
            }
            if (conflict)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken).ConfigureAwait(false);
            }
            // Ended, given back, unreadable (nothing a holder wrote) or gone since: replace exactly what was read.
            ifMatch = currentTag;
        }
        throw new IOException(
            $"The lease {Description}/{key} could not be taken: S3 refused {LeaseAttempts} conditional writes in a row while no one held it " +
            "(409 ConditionalRequestConflict, or the object changing between a read and a write). Run again; if it persists, look for another process writing that key.");
    }

    /// <summary>
    /// A taken lease, given back by marking it ended (an <c>until</c> long past, whatever the next taker's clock says) while
    /// it is still this version. A 409 (another taker's write of the key in flight) is retried as a taking's is: given up,
    /// the lease would stay held to its end and refuse every run until then. A 412 means it is no longer this version.
    /// </summary>
    private StoreLease Held(string key, LeaseRecord mine, string tag) =>
        StoreLease.Held(async () =>
        {
            for (var attempt = 1; attempt <= LeaseAttempts; attempt++)
            {
                var (_, conflict) = await TryPutLeaseAsync(key, mine with { Until = DateTimeOffset.UnixEpoch }, tag, CancellationToken.None).ConfigureAwait(false);
                if (!conflict || attempt == LeaseAttempts)
                {
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt)).ConfigureAwait(false);
            }
        });

    /// <summary>
    /// Writes the lease if the key holds none (<paramref name="ifMatch"/> null) or still holds that version: its new ETag,
    /// or no ETag when S3 refused, with whether it refused for a conflicting operation in flight (409, to be retried).
    /// </summary>
    private async Task<(string? ETag, bool Conflict)> TryPutLeaseAsync(string key, LeaseRecord record, string? ifMatch, CancellationToken cancellationToken)
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
            return (response.ETag, false);
        }
        catch (Exception exception) when (Names(exception, "PUT", key))
        {
            throw;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict
            || (ifMatch is not null && IsNotFound(exception)))
        {
            return (null, exception.StatusCode == HttpStatusCode.Conflict);
        }
    }

    /// <summary>The lease now at <paramref name="key"/> and its ETag; a null record for one that is not a lease's JSON; both null when there is none.</summary>
    private async Task<(LeaseRecord? Record, string? ETag)> ReadLeaseAsync(string key, CancellationToken cancellationToken)
    {
        GetObjectResponse response;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception exception) when (Names(exception, "GET", key))
            {
                throw;
            }
            catch (AmazonS3Exception exception) when (IsNotFound(exception) || IsDenied(exception))
            {
                if (await IsMissingAsync(exception, key, cancellationToken).ConfigureAwait(false))
                {
                    return (null, null);
                }
                if (!AppearedMeanwhile(exception, attempt))
                {
                    throw;
                }
            }
        }
        using (response)
        {
            try
            {
                using var body = Body(response.ResponseStream, key);
                var record = await JsonSerializer.DeserializeAsync(body, LeaseJsonContext.Default.LeaseRecord, cancellationToken).ConfigureAwait(false);
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
