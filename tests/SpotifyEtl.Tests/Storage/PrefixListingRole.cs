using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Amazon.Runtime;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The emulator as one of this project's Lambda roles sees S3. The roles may list a bucket only under their own
/// prefixes (an <c>s3:prefix</c> condition), and S3 answers such a role's read, HEAD or copy of a key that does not
/// exist with 403 AccessDenied instead of 404, so as not to tell it what it may not list. The emulator grants
/// everything and answers 404; this client's HTTP handler turns those answers into the 403 S3 sends, and refuses
/// the keys in <see cref="Denied"/> outright, as a policy that does not cover them would.
/// </summary>
internal sealed class PrefixListingRole : HttpClientFactory, IDisposable
{
    private const string AccessDenied = """<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>""";

    private readonly HttpClient _http;

    public PrefixListingRole() => _http = new HttpClient(new Handler(this));

    /// <summary>"bucket/key" pairs whose reads are refused whether or not the object exists.</summary>
    public ConcurrentDictionary<string, bool> Denied { get; } = new(StringComparer.Ordinal);

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _http;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose() => _http.Dispose();

    private sealed class Handler(PrefixListingRole role) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Path style: /bucket/key. A request of the bucket itself (a listing, a creation) is passed through.
            var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath.TrimStart('/'));
            var isObject = path.Contains('/', StringComparison.Ordinal) && !request.RequestUri.Query.Contains("list-type", StringComparison.Ordinal);
            var reads = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;
            var copies = request.Method == HttpMethod.Put && request.Headers.Contains("x-amz-copy-source");
            if (isObject && reads && role.Denied.ContainsKey(path))
            {
                return Forbidden(request);
            }
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!isObject || !(reads || copies) || response.StatusCode != HttpStatusCode.NotFound)
            {
                return response;
            }
            // A missing bucket stays a 404 (NoSuchBucket), as S3 answers it whatever the role may do.
            var body = response.Content is null ? "" : await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (body.Contains("NoSuchBucket", StringComparison.Ordinal))
            {
                response.Content = new StringContent(body, Encoding.UTF8, "application/xml");
                return response;
            }
            response.Dispose();
            return Forbidden(request);
        }

        private static HttpResponseMessage Forbidden(HttpRequestMessage request) => new(HttpStatusCode.Forbidden)
        {
            RequestMessage = request,
            Content = request.Method == HttpMethod.Head ? new ByteArrayContent([]) : new StringContent(AccessDenied, Encoding.UTF8, "application/xml"),
        };
    }
}
