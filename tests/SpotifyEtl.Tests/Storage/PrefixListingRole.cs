using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The emulator as one of this project's Lambda roles sees S3. The roles may list a bucket only under their own
/// prefixes (an <c>s3:prefix</c> condition), and S3 answers such a role's read, HEAD or copy of a key that does not
/// exist with 403 AccessDenied instead of 404, so as not to tell it what it may not list. The emulator grants
/// everything and answers 404; this client's HTTP handler turns those answers into the 403 S3 sends, refuses the
/// keys in <see cref="Denied"/> outright, as a policy that does not cover them would, and refuses a listing of a
/// raw or transformed bucket (a bucket named <c>raw-…</c> or <c>transformed-…</c>) outside the prefixes
/// tests/lambda-role-listings.json gives the role, which tests/infra/access.listings.test.ts holds the stack's roles to.
/// </summary>
internal sealed class PrefixListingRole : HttpClientFactory, IDisposable
{
    private const string AccessDenied = """<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>""";

    private readonly HttpClient _http;
    private readonly Dictionary<string, string[]> _listings;

    /// <param name="role">The function whose role this is, as tests/lambda-role-listings.json names it: transform or extract.</param>
    public PrefixListingRole(string role = "transform")
    {
        _listings = Listings(role);
        _http = new HttpClient(new Handler(this));
    }

    private static readonly AsyncLocal<bool> s_looking = new();

    /// <summary>
    /// Until disposed, listings on this flow are a test looking at what a function wrote, not the function's own, and
    /// go through whatever their prefix: a test's check is no request a role makes.
    /// </summary>
    public static IDisposable TestLooking()
    {
        var before = s_looking.Value;
        s_looking.Value = true;
        return new Restore(before);
    }

    private sealed class Restore(bool before) : IDisposable
    {
        public void Dispose() => s_looking.Value = before;
    }

    private static Dictionary<string, string[]> Listings(string role)
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(Support.RepositoryPaths.Root, "tests", "lambda-role-listings.json")));
        return file.RootElement.GetProperty(role).EnumerateObject()
            .ToDictionary(bucket => bucket.Name, bucket => bucket.Value.EnumerateArray().Select(prefix => prefix.GetString()!).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether the role may list the bucket under the prefix. Only the raw and transformed buckets are checked (named
    /// <c>raw-…</c> and <c>transformed-…</c> by <see cref="FauxqsServer.CreateBucketAsync"/>); a bucket of another name
    /// stands for no bucket of the stack and lists freely.
    /// </summary>
    private bool MayList(string bucket, string prefix)
    {
        var kind = bucket.Split('-')[0];
        if (kind is not ("raw" or "transformed") || s_looking.Value)
        {
            return true;
        }
        return _listings.TryGetValue(kind, out var allowed) && allowed.Any(p => prefix.StartsWith(p, StringComparison.Ordinal));
    }

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
            if (!isObject && reads && ListingOf(request) is { } prefix && !role.MayList(path.TrimEnd('/'), prefix))
            {
                // S3 says only "Access Denied"; the prefix is named here for whoever reads a failing test.
                return Forbidden(request, $"Access Denied: this role may not list {path.TrimEnd('/')} under \"{prefix}\" (tests/lambda-role-listings.json)");
            }
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

        /// <summary>The prefix of a ListObjects request ("" when it names none); null for any other request of a bucket.</summary>
        private static string? ListingOf(HttpRequestMessage request)
        {
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
            var isListing = query["list-type"] is not null || (request.Method == HttpMethod.Get && query.AllKeys.All(k => k is "prefix" or "delimiter" or "marker" or "max-keys" or "encoding-type"));
            return isListing ? query["prefix"] ?? "" : null;
        }

        private static HttpResponseMessage Forbidden(HttpRequestMessage request, string message = "Access Denied") => new(HttpStatusCode.Forbidden)
        {
            RequestMessage = request,
            Content = request.Method == HttpMethod.Head ? new ByteArrayContent([])
                : new StringContent(AccessDenied.Replace("Access Denied", System.Security.SecurityElement.Escape(message), StringComparison.Ordinal), Encoding.UTF8, "application/xml"),
        };
    }
}
