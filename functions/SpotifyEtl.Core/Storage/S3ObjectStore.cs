using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace SpotifyEtl.Storage;

/// <summary>
/// One S3 bucket as an <see cref="IObjectStore"/>: the raw or the transformed bucket on AWS, or a bucket of an
/// S3-protocol emulator in the tests. The client is shared (one per Lambda container); the store disposes nothing.
/// <para>
/// The functions' roles may list a bucket only under their own prefixes, and S3 answers such a role's read of
/// a key that does not exist with 403 AccessDenied, not 404 (a 404 would tell it what it may not list). A 403
/// is therefore checked by listing the key's own prefix: no such key is a missing object, as a 404 is; a key
/// that is there, or a listing that is denied too, leaves the 403 as it was.
/// </para>
/// </summary>
public sealed partial class S3ObjectStore(IAmazonS3 client, string bucket) : IObjectStore
{
    private readonly IAmazonS3 _client = client ?? throw new ArgumentNullException(nameof(client));
    private readonly string _bucket = string.IsNullOrWhiteSpace(bucket)
        ? throw new ArgumentException("A bucket name is required.", nameof(bucket))
        : bucket;

    public string Description => $"s3://{_bucket}";

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        Body((await GetAsync(key, null, cancellationToken).ConfigureAwait(false)).ResponseStream, key);

    /// <summary>
    /// One version of the object. S3 answers a version deleted since with 404 NoSuchVersion, and a version id it never
    /// gave (a bucket without versioning, an id mistyped) with 400 InvalidArgument.
    /// </summary>
    public async Task<Stream> OpenVersionReadAsync(string key, string version, CancellationToken cancellationToken = default) =>
        Body((await GetAsync(key, version, cancellationToken).ConfigureAwait(false)).ResponseStream, key);

    /// <summary>The object's bytes, their ETag and, on a versioned bucket, their version: a copy of what was read copies that version.</summary>
    public async Task<PooledBytes> ReadPooledAsync(string key, CancellationToken cancellationToken = default)
    {
        using var response = await GetAsync(key, null, cancellationToken).ConfigureAwait(false);
        // S3 answers an unversioned bucket's reads without a version id; a suspended one's with "null", a version S3 copies as any.
        using var body = Body(response.ResponseStream, key);
        return await PooledBytes.ReadAsync(body, response.ContentLength, Description, key,
            string.IsNullOrEmpty(response.VersionId) ? null : response.VersionId, cancellationToken, response.ETag, MaxObjectBytes).ConfigureAwait(false);
    }

    private async Task<GetObjectResponse> GetAsync(string key, string? version, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key, VersionId = version }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (Names(exception, "GET", key))
            {
                throw;
            }
            catch (AmazonS3Exception exception) when (version is not null && exception.ErrorCode == "NoSuchVersion")
            {
                throw new VersionNotFoundException(Description, key, version);
            }
            catch (AmazonS3Exception exception) when (version is not null && exception.StatusCode == HttpStatusCode.BadRequest && exception.ErrorCode == "InvalidArgument")
            {
                throw new VersionUnknownException(Description, key, version, exception);
            }
            catch (AmazonS3Exception exception) when (UnservedReason(exception) is { } reason)
            {
                throw new UnreadableObjectException(Description, key, reason, exception);
            }
            catch (AmazonS3Exception exception) when (IsNotFound(exception) || IsDenied(exception))
            {
                if (await IsMissingAsync(exception, key, cancellationToken).ConfigureAwait(false))
                {
                    throw new ObjectNotFoundException(Description, key);
                }
                if (!AppearedMeanwhile(exception, attempt))
                {
                    throw;
                }
            }
        }
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        // PutObject signs a body of known length (the SDK's default aws-chunked upload carries
        // x-amz-decoded-content-length). A stream that cannot seek has no length to give, and a
        // seekable stream not at its start would be rewound by the SDK: both are copied from their
        // current position into memory first, which writes what LocalFolderStore writes. Objects of
        // this lake are single response pages and partition files, a few MB at most.
        var body = content;
        MemoryStream? buffer = null;
        if (!content.CanSeek || content.Position != 0)
        {
            buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            buffer.Position = 0;
            body = buffer;
        }
        try
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _bucket,
                Key = key,
                InputStream = body,
                ContentType = contentType,
                AutoCloseStream = false, // the caller owns its stream
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (Names(exception, "PUT", key))
        {
            throw;
        }
        catch (AmazonS3Exception exception) when (IsKeyTooLong(exception))
        {
            throw new KeyTooLongException(Description, key, exception);
        }
        finally
        {
            if (buffer is not null)
            {
                await buffer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var version in ListVersionsAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return version.Key;
        }
    }

    public async IAsyncEnumerable<ObjectVersion> ListVersionsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // S3 returns at most 1,000 keys per call: follow the continuation token to the last page.
        // Its order is UTF-8 byte order, which differs from ordinal (UTF-16) order for some characters,
        // and emulators use yet other collations; sorting here keeps the promise of IObjectStore.
        // The lake lists one day's raw objects or one day's run fragments: thousands of keys at most.
        var keys = new List<ObjectVersion>();
        // Keys URL-encoded: S3 allows any UTF-8 in a key, and XML 1.0 cannot carry characters 0 to 31, so one stray key
        // holding one made the whole listing unreadable (every invocation of its day failed on it, and never set it aside).
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix, Encoding = EncodingType.Url };
        while (true)
        {
            ListObjectsV2Response page;
            try
            {
                page = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (Names(exception, "LIST", prefix))
            {
                throw;
            }
            // AWSSDK v4 leaves collections null when a response holds none.
            keys.AddRange((page.S3Objects ?? []).Select(entry => new ObjectVersion(KeyOf(entry, page.Encoding), entry.ETag ?? "")));
            if (page.IsTruncated != true)
            {
                break;
            }
            if (string.IsNullOrEmpty(page.NextContinuationToken))
            {
                // Taking the keys so far as all of them would leave the rest untransformed without a word.
                throw new InvalidDataException(
                    $"LIST {Description}/{prefix}: S3 said the listing goes on after {keys.Count} keys but gave no continuation token.");
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
        keys.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var key in keys)
        {
            yield return key;
        }
    }

    public Task CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken = default) =>
        CopyAsync(sourceKey, null, destinationKey, cancellationToken);

    public Task CopyVersionAsync(string sourceKey, string sourceVersion, string destinationKey, CancellationToken cancellationToken = default) =>
        CopyAsync(sourceKey, sourceVersion, destinationKey, cancellationToken);

    private async Task CopyAsync(string sourceKey, string? sourceVersion, string destinationKey, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _client.CopyObjectAsync(new CopyObjectRequest
                {
                    SourceBucket = _bucket,
                    SourceKey = sourceKey,
                    SourceVersionId = sourceVersion,
                    DestinationBucket = _bucket,
                    DestinationKey = destinationKey,
                }, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (Names(exception, "COPY", $"{sourceKey} to {destinationKey}"))
            {
                throw;
            }
            catch (AmazonS3Exception exception) when (IsKeyTooLong(exception) && Encoding.UTF8.GetByteCount(destinationKey) > KeyTooLongException.MaxBytes)
            {
                throw new KeyTooLongException(Description, destinationKey, exception);
            }
            catch (AmazonS3Exception exception) when (IsNotFound(exception) || IsDenied(exception))
            {
                if (await IsMissingAsync(exception, sourceKey, cancellationToken).ConfigureAwait(false))
                {
                    throw new ObjectNotFoundException(Description, sourceKey);
                }
                if (!AppearedMeanwhile(exception, attempt))
                {
                    throw;
                }
            }
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception exception) when (Names(exception, "HEAD", key))
            {
                throw;
            }
            catch (AmazonS3Exception exception) when (IsNotFound(exception) || IsDenied(exception))
            {
                if (await IsMissingAsync(exception, key, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
                if (!AppearedMeanwhile(exception, attempt))
                {
                    throw;
                }
            }
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (Names(exception, "DELETE", key))
        {
            throw;
        }
    }
}
