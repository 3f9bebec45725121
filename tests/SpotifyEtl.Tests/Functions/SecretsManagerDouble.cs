using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SpotifyEtl.Tests.Support;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// Secrets Manager's GetSecretValue and PutSecretValue (JSON 1.1, <c>POST /</c> with <c>X-Amz-Target</c>) on a
/// real HTTP server on 127.0.0.1. Like AWS, it recomputes every request's SigV4 signature from the known
/// credentials and refuses a request whose signature, credential scope or session token does not match.
/// </summary>
public sealed partial class SecretsManagerDouble : IAsyncDisposable
{
    public const string AccessKeyId = "AKIDEXAMPLE";
    public const string SecretAccessKey = "aws-secret-access-key-SECRET";
    public const string SessionToken = "session-token-SECRET";
    public const string Region = "eu-west-1";

    /// <summary>Headers the double insists are signed: AWS requires host and x-amz-date; the rest keep the target, body type and token from being swapped.</summary>
    public static readonly IReadOnlyList<string> RequiredSignedHeaders = ["content-type", "host", "x-amz-date", "x-amz-security-token", "x-amz-target"];

    private readonly WebApplication _app;

    private SecretsManagerDouble(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Secret id to SecretString.</summary>
    public ConcurrentDictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The version of each secret's value, as GetSecretValue reports it: a new one whenever the value changed, through
    /// PutSecretValue (the request's token, as AWS does) or set in <see cref="Secrets"/> (a person's put-secret-value).
    /// </summary>
    private readonly ConcurrentDictionary<string, (string Value, string VersionId)> _versions = new(StringComparer.Ordinal);

    /// <summary>Every request whose signature verified, in order.</summary>
    public ConcurrentQueue<SignedCall> Calls { get; } = new();

    /// <summary>Every request refused for its signature or credentials, with the error code sent back.</summary>
    public ConcurrentQueue<string> Rejections { get; } = new();

    /// <summary>PutSecretValue answers AccessDeniedException (the role lacks the permission).</summary>
    public bool DenyPuts { get; set; }

    /// <summary>The next N verified requests answer ThrottlingException.</summary>
    public int ThrottleNext { get; set; }

    /// <summary>The next N PutSecretValue requests answer InternalServiceError; with <see cref="WriteFailedPuts"/>, after writing the value.</summary>
    public int FailPutsNext { get; set; }

    /// <summary>A put that <see cref="FailPutsNext"/> fails writes its value first, as a put whose answer is an error may have.</summary>
    public bool WriteFailedPuts { get; set; }

    /// <summary>How long every request waits before it is answered.</summary>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>The next N verified requests are carried out, then their answers are held until the client gives up.</summary>
    public int LoseAnswersNext { get; set; }

    /// <summary>The ClientRequestToken of every PutSecretValue, in the order they came.</summary>
    public ConcurrentQueue<string> PutTokens { get; } = new();

    public static async Task<SecretsManagerDouble> StartAsync()
    {
        var (server, address) = await LoopbackServer.StartAsync(app => new SecretsManagerDouble(app), server => server.HandleAsync);
        server.Endpoint = address;
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (AnswerDelay > TimeSpan.Zero)
        {
            await Task.Delay(AnswerDelay, context.RequestAborted);
        }
        if (request.Path != "/" || !HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = 404;
            return;
        }
        if (Verify(request, body) is { } refusal)
        {
            Rejections.Enqueue(refusal.Code);
            await ErrorAsync(context, 403, refusal.Code, refusal.Message);
            return;
        }
        var target = request.Headers["X-Amz-Target"].ToString();
        using var input = JsonDocument.Parse(body);
        var secretId = input.RootElement.GetProperty("SecretId").GetString()!;
        var signedHeaders = AuthorizationPattern().Match(request.Headers.Authorization.ToString()).Groups["headers"].Value;
        Calls.Enqueue(new SignedCall(target, secretId, signedHeaders));
        if (ThrottleNext > 0)
        {
            ThrottleNext--;
            await ErrorAsync(context, 400, "ThrottlingException", "Rate exceeded");
            return;
        }
        switch (target)
        {
            case "secretsmanager.GetSecretValue" when Secrets.TryGetValue(secretId, out var value):
                var version = _versions.AddOrUpdate(secretId, _ => (value, Guid.NewGuid().ToString()),
                    (_, known) => known.Value == value ? known : (value, Guid.NewGuid().ToString())).VersionId;
                await context.Response.WriteAsync(new JsonObject { ["ARN"] = secretId, ["Name"] = "spotify", ["SecretString"] = value, ["VersionId"] = version }.ToJsonString());
                return;
            case "secretsmanager.GetSecretValue":
            case "secretsmanager.PutSecretValue" when !Secrets.ContainsKey(secretId):
                await ErrorAsync(context, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
                return;
            case "secretsmanager.PutSecretValue" when DenyPuts:
                await ErrorAsync(context, 400, "AccessDeniedException",
                    "User: arn:aws:sts::123456789012:assumed-role/extract/spotify-extract is not authorized to perform: secretsmanager:PutSecretValue");
                return;
            case "secretsmanager.PutSecretValue" when FailPutsNext > 0:
                FailPutsNext--;
                if (WriteFailedPuts)
                {
                    Secrets[secretId] = input.RootElement.GetProperty("SecretString").GetString()!;
                    _versions[secretId] = (Secrets[secretId], input.RootElement.GetProperty("ClientRequestToken").GetString()!);
                }
                await ErrorAsync(context, 500, "InternalServiceError", "An error occurred on the server side.");
                return;
            case "secretsmanager.PutSecretValue":
                Secrets[secretId] = input.RootElement.GetProperty("SecretString").GetString()!;
                _versions[secretId] = (Secrets[secretId], input.RootElement.GetProperty("ClientRequestToken").GetString()!);
                PutTokens.Enqueue(input.RootElement.GetProperty("ClientRequestToken").GetString()!);
                if (LoseAnswersNext > 0)
                {
                    LoseAnswersNext--;
                    await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    return;
                }
                await context.Response.WriteAsync(new JsonObject { ["ARN"] = secretId, ["Name"] = "spotify", ["VersionId"] = input.RootElement.GetProperty("ClientRequestToken").GetString() }.ToJsonString());
                return;
            default:
                await ErrorAsync(context, 400, "UnknownOperationException", target);
                return;
        }
    }

    /// <summary>Null when the request is signed by <see cref="AccessKeyId"/> for this double's region and service; otherwise AWS's error.</summary>
    private static (string Code, string Message)? Verify(HttpRequest request, byte[] body)
    {
        var match = AuthorizationPattern().Match(request.Headers.Authorization.ToString());
        if (!match.Success)
        {
            return ("IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' (AWS4-HMAC-SHA256).");
        }
        if (match.Groups["key"].Value != AccessKeyId || request.Headers["X-Amz-Security-Token"] != SessionToken)
        {
            return ("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (amzDate.Length != 16 || match.Groups["day"].Value != amzDate[..8]
            || match.Groups["region"].Value != Region || match.Groups["service"].Value != "secretsmanager")
        {
            return ("InvalidSignatureException", $"Credential should be scoped to {amzDate[..Math.Min(8, amzDate.Length)]}/{Region}/secretsmanager/aws4_request.");
        }
        var signed = match.Groups["headers"].Value.Split(';');
        if (RequiredSignedHeaders.Except(signed).FirstOrDefault() is { } unsigned)
        {
            return ("InvalidSignatureException", $"'{unsigned}' must be a signed header.");
        }
        var payloadHash = SigV4.HexSha256(body);
        if (request.Headers["X-Amz-Content-SHA256"] is { Count: > 0 } declared && declared != payloadHash)
        {
            return ("InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        var headers = signed.Select(name => KeyValuePair.Create(name, name == "host" ? request.Host.Value! : request.Headers[name].ToString()));
        var canonical = SigV4.CanonicalRequest(request.Method, request.Path.Value!, request.QueryString.Value ?? "", headers, payloadHash);
        return SigV4.Signature(SecretAccessKey, amzDate, Region, "secretsmanager", canonical) == match.Groups["signature"].Value
            ? null
            : ("InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        return context.Response.WriteAsync(new JsonObject { ["__type"] = code, ["message"] = message }.ToJsonString(), Encoding.UTF8);
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<day>\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, ?SignedHeaders=(?<headers>[a-z0-9;-]+), ?Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A request the double verified: its X-Amz-Target, the secret it named and the headers it signed.</summary>
public sealed record SignedCall(string Target, string SecretId, string SignedHeaders);
