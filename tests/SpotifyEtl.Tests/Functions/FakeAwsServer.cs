using SpotifyEtl.Tests.Support;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// The Parameters and Secrets extension (GET /secretsmanager/get) and Secrets Manager's PutSecretValue
/// (POST /, X-Amz-Target) on one real HTTP server on 127.0.0.1.
/// </summary>
public sealed class FakeAwsServer : IAsyncDisposable
{
    public const string SessionToken = "session-token-SECRET";
    private readonly WebApplication _app;

    private FakeAwsServer(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Secret id to SecretString.</summary>
    public ConcurrentDictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> PutAuthorizations { get; } = new();

    /// <summary>PutSecretValue answers AccessDeniedException (the role lacks the permission).</summary>
    public bool DenyPuts { get; set; }

    /// <summary>Like the extension's cache: reads keep answering the value first read, whatever was put since.</summary>
    public bool ServeCachedSecrets { get; set; }

    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);

    public static async Task<FakeAwsServer> StartAsync()
    {
        var (server, address) = await LoopbackServer.StartAsync(app => new FakeAwsServer(app), server => server.HandleAsync);
        server.Port = address.Port;
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path == "/secretsmanager/get" && HttpMethods.IsGet(context.Request.Method))
        {
            var id = context.Request.Query["secretId"].ToString();
            if (context.Request.Headers["X-Aws-Parameters-Secrets-Token"] != SessionToken)
            {
                context.Response.StatusCode = 401;
                return;
            }
            if (!Secrets.TryGetValue(id, out var value))
            {
                context.Response.StatusCode = 400;
                return;
            }
            if (ServeCachedSecrets)
            {
                value = _cache.GetOrAdd(id, value);
            }
            await context.Response.WriteAsync(new JsonObject { ["ARN"] = id, ["Name"] = "spotify", ["SecretString"] = value }.ToJsonString());
            return;
        }
        if (context.Request.Path == "/" && HttpMethods.IsPost(context.Request.Method)
            && context.Request.Headers["X-Amz-Target"] == "secretsmanager.PutSecretValue")
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            PutAuthorizations.Enqueue(authorization);
            if (DenyPuts || !authorization.StartsWith("AWS4-HMAC-SHA256 Credential=", StringComparison.Ordinal)
                || context.Request.Headers["x-amz-security-token"] != SessionToken)
            {
                context.Response.StatusCode = 403;
                await context.Response.WriteAsync("""{"__type":"AccessDeniedException","message":"not signed"}""");
                return;
            }
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            Secrets[body.RootElement.GetProperty("SecretId").GetString()!] = body.RootElement.GetProperty("SecretString").GetString()!;
            await context.Response.WriteAsync("""{"ARN":"arn","Name":"spotify","VersionId":"v2"}""");
            return;
        }
        context.Response.StatusCode = 404;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
