using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace SpotifyEtl.Storage;

/// <summary>What a refusal or a listing of S3 says of a key: missing, refused, or named as the listing encodes it.</summary>
public sealed partial class S3ObjectStore
{
    private static bool IsDenied(AmazonS3Exception exception) => exception.StatusCode == HttpStatusCode.Forbidden;

    /// <summary>
    /// A 403 for a key its listing does not show missing: S3 answers a role that may list only part of a bucket 403, not
    /// 404, for a key that does not exist, so another invocation may have written it between the two requests. Asked once
    /// more; a second 403 is the refusal it says.
    /// </summary>
    internal static bool AppearedMeanwhile(AmazonS3Exception exception, int attempt) => IsDenied(exception) && attempt == 1;

    /// <summary>Whether the failed request's key does not exist: a 404, or a 403 that a listing shows to be one.</summary>
    private Task<bool> IsMissingAsync(AmazonS3Exception exception, string key, CancellationToken cancellationToken) =>
        IsNotFound(exception) ? Task.FromResult(true) : IsAbsentAsync(key, cancellationToken);

    /// <summary>
    /// Whether a listing of the key's own prefix shows no object of that name; false when the listing is refused
    /// as well. The key itself sorts first among the keys it begins, so one entry tells.
    /// </summary>
    private async Task<bool> IsAbsentAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, Prefix = key, MaxKeys = 1, Encoding = EncodingType.Url }, cancellationToken)
                .ConfigureAwait(false);
            return !(page.S3Objects ?? []).Any(entry => string.Equals(KeyOf(entry, page.Encoding), key, StringComparison.Ordinal));
        }
        catch (AmazonS3Exception)
        {
            return false;
        }
    }

    /// <summary>
    /// A listed key as it is named: S3 answers <c>encoding-type=url</c> with each key form-encoded (a space as <c>+</c>, a
    /// <c>+</c> as <c>%2B</c>) and says so; a store that ignores the parameter (an emulator) answers the keys as they are.
    /// </summary>
    private static string KeyOf(S3Object entry, EncodingType? encoding) => encoding == EncodingType.Url ? WebUtility.UrlDecode(entry.Key) : entry.Key;

    // A missing bucket is also a 404 (NoSuchBucket) but is a configuration error, not a missing object.
    private static bool IsNotFound(AmazonS3Exception exception) =>
        exception.ErrorCode is "NoSuchKey" or "NotFound"
        || (exception.StatusCode == HttpStatusCode.NotFound && exception.ErrorCode is not "NoSuchBucket");
}
