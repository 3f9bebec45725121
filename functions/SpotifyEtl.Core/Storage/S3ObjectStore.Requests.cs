using Amazon.S3;

namespace SpotifyEtl.Storage;

public sealed partial class S3ObjectStore
{
    /// <summary>
    /// The largest object <see cref="ReadPooledAsync"/> reads, 512 MiB: far above any of the lake's (a Spotify page is a
    /// few hundred KB, a month's digest a few MB) and within what a function holds. A larger one (an upload made by hand
    /// into a day's folder) is unreadable, reported with its size and left where it is, before a byte of it is held,
    /// rather than ending the invocation out of memory, and every retry with it.
    /// </summary>
    public long MaxObjectBytes { get; init; } = 512L << 20;

    /// <summary>
    /// How long the body of an object may go without a byte before its read fails: the client's timeout, 30 s when it
    /// sets none. The SDK's timeout ends when the response's headers arrive: without this, a connection that stops
    /// sending mid-body holds the reader (a function until its timeout, <c>report</c> for ever). The lake's objects are
    /// a few MB, sent in well under a second.
    /// </summary>
    private TimeSpan BodyIdleTimeout => _client.Config.Timeout is { } timeout && timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(30);

    /// <summary>
    /// Why S3 serves this object to no GET of this function, however often asked: the object's own state, reported with
    /// what makes it readable while the rest is read, not retried; null for every other refusal. An object in an archive
    /// storage class (Glacier Flexible Retrieval, Deep Archive, an archive tier of Intelligent-Tiering, as
    /// <c>aws s3 cp --storage-class</c> puts it) answers 403 InvalidObjectState until it is restored; one uploaded with a
    /// key of its uploader's (SSE-C) answers 400 to a GET without that key.
    /// </summary>
    private static string? UnservedReason(AmazonS3Exception exception) => exception switch
    {
        { ErrorCode: "InvalidObjectState" } =>
            "it is in an archive storage class, which S3 serves only once it is restored (InvalidObjectState): restore it " +
            "(aws s3api restore-object), then copy it onto itself with --storage-class STANDARD to keep it readable",
        { StatusCode: System.Net.HttpStatusCode.BadRequest, ErrorCode: "InvalidRequest" } when exception.Message.Contains("Server Side Encryption", StringComparison.OrdinalIgnoreCase) =>
            "it was uploaded encrypted with a key of the uploader's own (SSE-C), which S3 serves only to a request that gives " +
            "that key: upload it again without one",
        _ => null,
    };

    /// <summary>
    /// Why S3 denies this function an object, as a reader that goes on without it reports it: a 403 AccessDenied the store
    /// did not find to be a missing key (an object uploaded by hand encrypted with a KMS key the role may not use), with S3's
    /// own message, which names what was denied, and what makes it readable; null for every other failure. A reader whose own
    /// object it is fails instead, so that Lambda retries it.
    /// </summary>
    public static string? RefusedReason(Exception exception) =>
        exception is AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.Forbidden, ErrorCode: "AccessDenied" } refused
            ? $"S3 denied reading it ({RequestOf(exception) ?? "GET"}: 403 AccessDenied: {refused.Message}); it is read again once the " +
              "function's role may read it: an object uploaded under another KMS key is, once copied onto itself with the stack's " +
              "encryption (aws s3 cp s3://BUCKET/KEY s3://BUCKET/KEY --sse AES256, or --sse aws:kms when bucketEncryption is aws:kms)"
            : null;

    /// <summary>S3's answer to a key of more than 1,024 bytes: 400 KeyTooLongError, "Your key is too long".</summary>
    private static bool IsKeyTooLong(AmazonS3Exception exception) => exception.ErrorCode == "KeyTooLongError";

    /// <summary>Where a failed request is named in the exception's <see cref="Exception.Data"/>.</summary>
    private const string RequestEntry = "SpotifyEtl.S3Request";

    /// <summary>
    /// The S3 request an exception came from, as <c>GET s3://bucket/key</c>, found on it or on an exception inside it;
    /// null for a failure of something else. Failure lines and messages name it, so an operator knows the object.
    /// </summary>
    public static string? RequestOf(Exception? exception) =>
        ExceptionChain.Of(exception).Select(inner => inner.Data[RequestEntry]).OfType<string>().FirstOrDefault();

    /// <summary>
    /// Names <paramref name="request"/> (<c>LIST s3://bucket/prefix</c>) on an exception thrown about what a store's request
    /// answered rather than by the request itself (a listing that lacks a key known to be there), so that the failure's line
    /// names it as <see cref="RequestOf"/> finds it.
    /// </summary>
    internal static TException Naming<TException>(TException exception, string request) where TException : Exception
    {
        exception.Data[RequestEntry] = request;
        return exception;
    }

    /// <summary>
    /// Names the request on <paramref name="exception"/> (the first naming stays) and returns false: used as an
    /// exception filter, it catches nothing and leaves the stack as it was.
    /// </summary>
    private bool Names(Exception exception, string operation, string key)
    {
        var request = $"{operation} {Description}/{key}";
        if (!exception.Data.IsReadOnly && exception.Data[RequestEntry] is null)
        {
            exception.Data[RequestEntry] = request;
        }
        if (exception is OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _interrupted, request, null);
        }
        return false;
    }

    private string? _interrupted;

    /// <summary>
    /// The first request a cancellation interrupted since <see cref="ForgetInterrupted"/>: what the store's user stopped
    /// waiting on when it gave up. The cancellation's own exception may not reach that user (a parallel loop ends with its
    /// token's instead), so the store keeps the name.
    /// </summary>
    public string? Interrupted => Volatile.Read(ref _interrupted);

    /// <summary>Starts a new <see cref="Interrupted"/>: at the start of each invocation of a function that keeps its store.</summary>
    public void ForgetInterrupted() => Volatile.Write(ref _interrupted, null);

    /// <summary>An object's body as S3 sends it: each read fails when no byte comes for <see cref="BodyIdleTimeout"/>.</summary>
    private BodyStream Body(Stream body, string key) => new(this, body, key);

    /// <summary>
    /// A response body read with a deadline per read, its failures naming the object. Only reads go through it; the
    /// lake reads bodies asynchronously, and a synchronous read has no deadline.
    /// </summary>
    private sealed class BodyStream(S3ObjectStore store, Stream inner, string key) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(store.BodyIdleTimeout);
            try
            {
                return await inner.ReadAsync(buffer, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var stalled = new ObjectReadStalledException(
                    $"S3 sent no byte of {store.Description}/{key} for {store.BodyIdleTimeout.TotalSeconds:0} s: the read was given up.");
                store.Names(stalled, "GET", key);
                throw stalled;
            }
            catch (Exception exception) when (store.Names(exception, "GET", key))
            {
                throw;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (Exception exception) when (store.Names(exception, "GET", key))
            {
                throw;
            }
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

/// <summary>An object's body that stopped coming: S3, or the network to it, sent nothing for a while.</summary>
public sealed class ObjectReadStalledException(string message) : IOException(message);
