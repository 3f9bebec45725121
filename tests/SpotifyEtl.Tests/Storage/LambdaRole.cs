using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.Runtime;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The emulator as one of this project's Lambda roles sees S3. The emulator grants everything; this client's HTTP
/// handler refuses with 403 AccessDenied, as S3 would, a request of the raw or transformed bucket (a bucket named
/// <c>raw-…</c> or <c>transformed-…</c>) that tests/lambda-role-s3.json does not give the role: a read, write,
/// delete, copy or listing of a key or prefix outside the role's patterns, which tests/infra/access.s3.test.ts holds the
/// stack's roles to. The roles may list a bucket only under their own prefixes (an <c>s3:prefix</c> condition), so S3
/// answers their read, HEAD or copy of a key that does not exist with 403 instead of 404, so as not to tell them what
/// they may not list: the handler turns the emulator's 404 into that 403, and refuses the keys in <see cref="Denied"/>
/// outright, as a policy that does not cover them would. What a test itself reads or writes to set a scene or check a
/// result, under <see cref="TestLooking"/>, is no request of a role and goes through.
/// </summary>
internal sealed class LambdaRole : HttpClientFactory, IDisposable
{
    private const string AccessDenied = """<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>""";

    private static readonly AsyncLocal<bool> s_looking = new();

    private readonly HttpClient _http;
    private readonly string _role;
    private readonly Dictionary<string, Dictionary<string, Regex[]>> _access;

    /// <param name="role">The function whose role this is, as tests/lambda-role-s3.json names it: transform or extract.</param>
    public LambdaRole(string role = "transform")
    {
        _role = role;
        _access = Access(role);
        _http = new HttpClient(new Handler(this));
    }

    /// <summary>"bucket/key" pairs whose reads are refused whether or not the object exists.</summary>
    public ConcurrentDictionary<string, bool> Denied { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// "bucket/key" pairs and a write of that key, run once between the emulator's 404 for the key and the 403 that tells
    /// the role so: another invocation writing the object between a function's read and its listing of the key.
    /// </summary>
    public ConcurrentDictionary<string, Func<Task>> WrittenBeforeRefusing { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Until disposed, requests on this flow are the test's own (setting a scene, or looking at what a function wrote),
    /// not a function's, and go through whatever they touch.
    /// </summary>
    public static IDisposable TestLooking()
    {
        var before = s_looking.Value;
        s_looking.Value = true;
        return new Restore(before);
    }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _http;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose() => _http.Dispose();

    /// <summary>The role's patterns by bucket kind and action, each an IAM pattern (<c>*</c> any run of characters, <c>/</c> included).</summary>
    private static Dictionary<string, Dictionary<string, Regex[]>> Access(string role)
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(Support.RepositoryPaths.Root, "tests", "lambda-role-s3.json")));
        return file.RootElement.GetProperty(role).EnumerateObject().ToDictionary(
            bucket => bucket.Name,
            bucket => bucket.Value.EnumerateObject().ToDictionary(
                action => action.Name,
                action => action.Value.EnumerateArray().Select(pattern => Pattern(pattern.GetString()!)).ToArray(), StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    private static Regex Pattern(string iam) =>
        new("^" + Regex.Escape(iam).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.Singleline);

    /// <summary>
    /// Why the role may not make the request, or null when it may. Only the raw and transformed buckets are checked
    /// (named <c>raw-…</c> and <c>transformed-…</c> by <see cref="FauxqsServer.CreateBucketAsync"/>); a bucket of
    /// another name stands for no bucket of the stack.
    /// </summary>
    private string? Refusal(string bucket, string action, string key)
    {
        var kind = bucket.Split('-')[0];
        if (kind is not ("raw" or "transformed") || s_looking.Value)
        {
            return null;
        }
        var allowed = _access.TryGetValue(kind, out var byAction) && byAction.TryGetValue(action, out var patterns) && patterns.Any(p => p.IsMatch(key));
        // S3 says only "Access Denied"; the request is named here for whoever reads a failing test.
        return allowed ? null : $"Access Denied: the {_role} role may not {action} \"{key}\" in the {kind} bucket (tests/lambda-role-s3.json)";
    }

    private sealed class Restore(bool before) : IDisposable
    {
        public void Dispose() => s_looking.Value = before;
    }

    private sealed class Handler(LambdaRole role) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Path style: /bucket/key.
            var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath.TrimStart('/'));
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
            var isObject = path.Contains('/', StringComparison.Ordinal) && query["list-type"] is null;
            var bucket = path.Split('/')[0];
            foreach (var (action, onBucket, key) in Actions(request, query, isObject, path))
            {
                if (role.Refusal(onBucket ?? bucket, action, key) is { } refusal)
                {
                    return Forbidden(request, refusal);
                }
            }
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
            if (role.WrittenBeforeRefusing.TryRemove(path, out var write))
            {
                using (TestLooking())
                {
                    await write().ConfigureAwait(false);
                }
            }
            return Forbidden(request);
        }

        /// <summary>
        /// The IAM actions the request needs, each with the bucket it acts on (null: the request's own) and the key (for
        /// s3:ListBucket, the prefix). A request of a bucket itself other than a listing (its creation, its versioning)
        /// needs none of the roles' actions here: the tests make them.
        /// </summary>
        private static IEnumerable<(string Action, string? Bucket, string Key)> Actions(HttpRequestMessage request, NameValueCollection query, bool isObject, string path)
        {
            var method = request.Method;
            if (!isObject)
            {
                var listing = query["list-type"] is not null
                    || (method == HttpMethod.Get && query.AllKeys.All(k => k is "prefix" or "delimiter" or "marker" or "max-keys" or "encoding-type"));
                if (listing)
                {
                    yield return ("s3:ListBucket", null, query["prefix"] ?? "");
                }
                yield break;
            }
            var key = path[(path.IndexOf('/', StringComparison.Ordinal) + 1)..];
            if (method == HttpMethod.Get || method == HttpMethod.Head)
            {
                yield return (query["versionId"] is null ? "s3:GetObject" : "s3:GetObjectVersion", null, key);
            }
            else if (method == HttpMethod.Put || method == HttpMethod.Post)
            {
                yield return ("s3:PutObject", null, key);
                if (request.Headers.TryGetValues("x-amz-copy-source", out var sources))
                {
                    // "/bucket/key" or "bucket/key", URL-encoded, with "?versionId=…" for a version.
                    var source = Uri.UnescapeDataString(sources.First()).TrimStart('/');
                    var version = source.IndexOf("?versionId=", StringComparison.Ordinal);
                    var sourcePath = version < 0 ? source : source[..version];
                    var slash = sourcePath.IndexOf('/', StringComparison.Ordinal);
                    yield return (version < 0 ? "s3:GetObject" : "s3:GetObjectVersion", sourcePath[..slash], sourcePath[(slash + 1)..]);
                }
            }
            else if (method == HttpMethod.Delete)
            {
                yield return ("s3:DeleteObject", null, key);
            }
        }

        private static HttpResponseMessage Forbidden(HttpRequestMessage request, string message = "Access Denied") => new(HttpStatusCode.Forbidden)
        {
            RequestMessage = request,
            Content = request.Method == HttpMethod.Head ? new ByteArrayContent([])
                : new StringContent(AccessDenied.Replace("Access Denied", System.Security.SecurityElement.Escape(message), StringComparison.Ordinal), Encoding.UTF8, "application/xml"),
        };
    }
}
