using System.Net;
using System.Text;
using Amazon.Runtime;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// The AWS SDK's HTTP client with every request shown to <paramref name="answer"/> first: a response it gives is the
/// service's answer; null sends the request on to the endpoint (the S3 emulator) as it is, and its answer is shown to
/// <paramref name="rewrite"/>, when given, which may answer otherwise (as S3 does where the emulator does not).
/// </summary>
internal sealed class InterceptingHttp(Func<HttpRequestMessage, HttpResponseMessage?> answer,
    Func<HttpRequestMessage, HttpResponseMessage, Task<HttpResponseMessage>>? rewrite = null) : HttpClientFactory, IDisposable
{
    private readonly HttpClient _http = new(new Handler(answer, rewrite));

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _http;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose() => _http.Dispose();

    /// <summary>An error as S3 answers it: the status and an XML body with its code and message.</summary>
    public static HttpResponseMessage S3Error(HttpRequestMessage request, HttpStatusCode status, string code, string message) => new(status)
    {
        RequestMessage = request,
        Content = new StringContent($"""<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message></Error>""",
            Encoding.UTF8, "application/xml"),
    };

    private sealed class Handler(Func<HttpRequestMessage, HttpResponseMessage?> answer,
        Func<HttpRequestMessage, HttpResponseMessage, Task<HttpResponseMessage>>? rewrite) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (answer(request) is { } response)
            {
                return response;
            }
            var sent = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return rewrite is null ? sent : await rewrite(request, sent).ConfigureAwait(false);
        }
    }
}
