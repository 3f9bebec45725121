using Amazon.S3;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Functions;

/// <summary>The raw bucket as the extract function reaches it.</summary>
public sealed partial class ExtractFunction
{
    /// <summary>
    /// How long one attempt of an S3 request may go unanswered before it is given up: the extract writes single pages of a
    /// few hundred KB, and small state files, each sent in well under a second.
    /// </summary>
    internal static readonly TimeSpan S3AttemptTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Attempts of one S3 request, the first among them: the SDK's standard three, fixed so that <c>AWS_MAX_ATTEMPTS</c> cannot stretch the bound.</summary>
    private const int S3Attempts = 3;

    /// <summary>One S3 client per execution environment: warm invocations reuse its connections.</summary>
    private static readonly Lazy<AmazonS3Client> S3 = new(() => new AmazonS3Client(RawStoreConfig(new AmazonS3Config(), S3AttemptTimeout)));

    /// <summary>
    /// <paramref name="config"/> with each request bounded: <see cref="S3Attempts"/> attempts of at most
    /// <paramref name="attemptTimeout"/>, under a minute in all with the SDK's backoff between them. With the SDK's own
    /// settings (no timeout but HttpClient's 100 s, three attempts), one request S3 left unanswered held the run for five
    /// minutes, past its time budget and the function's timeout: the run ended without its manifest or its state. Bounded,
    /// the page it lands fails its source (reported in the manifest, landed again by the next run), the other sources go on,
    /// and the manifest and state are written.
    /// </summary>
    internal static AmazonS3Config RawStoreConfig(AmazonS3Config config, TimeSpan attemptTimeout)
    {
        config.Timeout = attemptTimeout;
        config.MaxErrorRetry = S3Attempts - 1;
        return config;
    }

    /// <summary>The one place that knows the raw store on AWS is S3.</summary>
    private static IObjectStore CreateRawStore(string bucket) => new S3ObjectStore(S3.Value, bucket);
}
