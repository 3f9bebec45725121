using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SpotifyEtl.Tests.Support;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// A real HTTP proxy (Kestrel, on loopback) in front of the S3 emulator that breaks the bodies of objects as a network
/// does: the response's headers and half its body, then the connection reset (<see cref="BodyFault.CutShort"/>), or
/// then nothing more while the connection stays open (<see cref="BodyFault.Stall"/>). Every other request, and every
/// answer but a GET's 200, passes unchanged, unless <see cref="Unavailable"/> answers it 503 or <see cref="Unanswered"/> holds it. Clients reach it as they reach S3: as the service URL.
/// </summary>
internal sealed class S3FaultProxy : IAsyncDisposable
{
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private WebApplication? _app;

    private S3FaultProxy(Uri target) => Target = target;

    public Uri Target { get; }

    public Uri Address { get; private set; } = null!;

    /// <summary>What becomes of the body of a GET the emulator answers 200, given its path (<c>/bucket/key</c>, decoded).</summary>
    public Func<string, BodyFault> Choose { get; set; } = _ => BodyFault.None;

    /// <summary>Whether a request, given its method and path, is answered 503 SlowDown as S3 answers under load, unforwarded.</summary>
    public Func<string, string, bool> Unavailable { get; set; } = (_, _) => false;

    /// <summary>Whether a request, given its method and path, is left unanswered, its connection open, until the client gives up.</summary>
    public Func<string, string, bool> Unanswered { get; set; } = (_, _) => false;

    /// <summary>The paths of the requests left unanswered, one entry per request.</summary>
    public ConcurrentQueue<string> Held { get; } = new();

    /// <summary>Rewrites the XML of every ListObjectsV2 answer, as a faulty S3 might send it; none when null.</summary>
    public Func<string, string>? RewriteListing { get; set; }

    /// <summary>The paths whose bodies were broken, in order.</summary>
    public ConcurrentQueue<string> Broken { get; } = new();

    public static async Task<S3FaultProxy> StartAsync(Uri target)
    {
        var proxy = new S3FaultProxy(target);
        (proxy._app, proxy.Address) = await LoopbackServer.StartAsync(app => app, _ => proxy.ForwardAsync);
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var incoming = context.Request;
        if (Unavailable(incoming.Method, Uri.UnescapeDataString(incoming.Path.Value ?? "")))
        {
            context.Response.StatusCode = 503;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
            return;
        }
        if (Unanswered(incoming.Method, Uri.UnescapeDataString(incoming.Path.Value ?? "")))
        {
            Held.Enqueue(Uri.UnescapeDataString(incoming.Path.Value ?? ""));
            await WaitForTheClientToGiveUpAsync(context);
            return;
        }
        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(Target, incoming.Path.Value + incoming.QueryString.Value));
        if (incoming.ContentLength > 0 || incoming.Headers.ContainsKey("Transfer-Encoding"))
        {
            request.Content = new StreamContent(incoming.Body);
        }
        foreach (var (name, values) in incoming.Headers)
        {
            if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }
        request.Headers.Host = incoming.Host.Value; // the host the client signed
        using var answer = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        var body = await answer.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (RewriteListing is { } rewrite && incoming.Method == "GET" && incoming.Query.ContainsKey("list-type"))
        {
            body = System.Text.Encoding.UTF8.GetBytes(rewrite(System.Text.Encoding.UTF8.GetString(body)));
        }
        var fault = incoming.Method == "GET" && answer.StatusCode == System.Net.HttpStatusCode.OK
            ? Choose(Uri.UnescapeDataString(incoming.Path.Value ?? "")) : BodyFault.None;

        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }
        context.Response.ContentLength = body.Length;
        if (fault == BodyFault.None)
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }
        Broken.Enqueue(incoming.Path.Value ?? "");
        await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        if (fault == BodyFault.CutShort)
        {
            context.Abort();
            return;
        }
        await WaitForTheClientToGiveUpAsync(context);
    }

    private static async Task WaitForTheClientToGiveUpAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _upstream.Dispose();
    }
}

public enum BodyFault
{
    None,
    CutShort,
    Stall,
}
