using System.Net;
using System.Text;
using Amazon.Runtime;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// S3's conditional writes in front of the emulator, which stores objects but ignores <c>If-None-Match</c> and
/// <c>If-Match</c> on a PUT. This client's HTTP handler keeps S3's rules for them: the condition is judged against
/// the object's ETag as the emulator holds it and the write is carried out under one lock, so of two writes at once
/// exactly one succeeds; the other gets 412 PreconditionFailed (404 NoSuchKey for <c>If-Match</c> on a missing key).
/// Everything else goes to the emulator unchanged.
/// </summary>
internal sealed class ConditionalWrites : HttpClientFactory, IDisposable
{
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private int _conflictNext;
    private int _loseAnswersNext;

    public ConditionalWrites() => _http = new HttpClient(new Handler(this));

    /// <summary>Awaited by every conditional write, with its request, before its condition is judged: a test holds writes here to order them.</summary>
    public Func<HttpRequestMessage, Task> BeforeCondition { get; set; } = _ => Task.CompletedTask;

    /// <summary>The next N conditional writes answer 409 ConditionalRequestConflict, as S3 does while another conditional write of the key is in flight.</summary>
    public int ConflictNext
    {
        get => Volatile.Read(ref _conflictNext);
        set => Volatile.Write(ref _conflictNext, value);
    }

    /// <summary>The next N conditional writes are carried out, then answered 500 InternalError, as when S3's answer is lost: the SDK sends them again.</summary>
    public int LoseAnswersNext
    {
        get => Volatile.Read(ref _loseAnswersNext);
        set => Volatile.Write(ref _loseAnswersNext, value);
    }

    /// <summary>How many conditional writes S3 would have refused.</summary>
    public int Refused { get; private set; }

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => _http;

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose()
    {
        _http.Dispose();
        _writing.Dispose();
    }

    private sealed class Handler(ConditionalWrites writes) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var ifNoneMatch = request.Headers.TryGetValues("If-None-Match", out var none) ? none.Single() : null;
            var ifMatch = request.Headers.TryGetValues("If-Match", out var match) ? match.Single() : null;
            if (request.Method != HttpMethod.Put || (ifNoneMatch is null && ifMatch is null))
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            await writes.BeforeCondition(request).ConfigureAwait(false);
            await writes._writing.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (Interlocked.Decrement(ref writes._conflictNext) >= 0)
                {
                    return writes.Refuse(request, HttpStatusCode.Conflict, "ConditionalRequestConflict", "A conflicting operation occurred.");
                }
                Interlocked.Exchange(ref writes._conflictNext, 0);
                using var head = await base.SendAsync(new HttpRequestMessage(HttpMethod.Head, request.RequestUri), cancellationToken).ConfigureAwait(false);
                var current = head.StatusCode == HttpStatusCode.OK ? head.Headers.ETag?.Tag : null;
                if (ifNoneMatch == "*" && current is not null)
                {
                    return writes.Refuse(request, HttpStatusCode.PreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
                }
                if (ifMatch is not null && current is null)
                {
                    return writes.Refuse(request, HttpStatusCode.NotFound, "NoSuchKey", "The specified key does not exist.");
                }
                if (ifMatch is not null && Unquoted(ifMatch) != Unquoted(current!))
                {
                    return writes.Refuse(request, HttpStatusCode.PreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
                }
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode && Interlocked.Decrement(ref writes._loseAnswersNext) >= 0)
                {
                    response.Dispose();
                    return new HttpResponseMessage(HttpStatusCode.InternalServerError)
                    {
                        RequestMessage = request,
                        Content = new StringContent("""<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>""",
                            Encoding.UTF8, "application/xml"),
                    };
                }
                writes.LoseAnswersNext = Math.Max(0, writes.LoseAnswersNext); // every write runs under the lock
                return response;
            }
            finally
            {
                writes._writing.Release();
            }
        }

        private static string Unquoted(string tag) => tag.Trim('"');
    }

    private HttpResponseMessage Refuse(HttpRequestMessage request, HttpStatusCode status, string code, string message)
    {
        Refused++;
        return new HttpResponseMessage(status)
        {
            RequestMessage = request,
            Content = new StringContent($"""<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message></Error>""",
                Encoding.UTF8, "application/xml"),
        };
    }
}
