using System.Net;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace SpotifyEtl.Functions.Aws;

/// <summary>
/// Secrets Manager's GetSecretValue and PutSecretValue: one HTTPS POST each in the JSON 1.1 protocol
/// (<c>X-Amz-Target: secretsmanager.*</c>), signed with AWSSDK.Core's SigV4 signer. The endpoint is
/// <c>https://secretsmanager.{region}.{partition suffix}/</c>, or <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c> when set.
/// Throttling, server errors, timeouts and network failures are retried twice; every attempt has its own timeout.
/// </summary>
public sealed class SecretsManagerClient
{
    public const string EndpointVariable = "AWS_ENDPOINT_URL_SECRETS_MANAGER";
    private const string Service = "secretsmanager";
    private const int Attempts = 3;
    private static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);

    private readonly HttpClient _http;
    private readonly RegionEndpoint _region;
    private readonly AWSCredentials _credentials;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _attemptTimeout;

    public SecretsManagerClient(HttpClient http, Uri endpoint, RegionEndpoint region, AWSCredentials credentials, TimeProvider timeProvider, TimeSpan? attemptTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _http = http;
        Endpoint = endpoint;
        _region = region;
        _credentials = credentials;
        _timeProvider = timeProvider;
        _attemptTimeout = attemptTimeout ?? DefaultAttemptTimeout;
    }

    public Uri Endpoint { get; }

    /// <summary>The client for the function's region (<c>AWS_REGION</c>, which Lambda sets) and the given credentials.</summary>
    public static SecretsManagerClient FromEnvironment(HttpClient http, Func<string, string?> getVariable, AWSCredentials credentials, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var regionName = getVariable("AWS_REGION") is { Length: > 0 } configured ? configured
            : getVariable("AWS_DEFAULT_REGION") is { Length: > 0 } fallback ? fallback
            : throw new InvalidOperationException("AWS_REGION is not set; Lambda sets it, and on a laptop `export AWS_REGION=<the stack's region>` does.");
        var region = RegionEndpoint.GetBySystemName(regionName);
        Uri endpoint;
        if (getVariable(EndpointVariable) is { Length: > 0 } custom)
        {
            if (!Uri.TryCreate(custom.EndsWith('/') ? custom : custom + "/", UriKind.Absolute, out endpoint!) || endpoint.Scheme is not ("https" or "http"))
            {
                throw new InvalidOperationException($"{EndpointVariable} is '{custom}', not an http(s) URL; unset it to use Secrets Manager in {regionName}.");
            }
            if (endpoint.Scheme == "http" && !endpoint.IsLoopback)
            {
                // The secret's value, the Spotify credentials, would cross the network unencrypted.
                throw new InvalidOperationException($"{EndpointVariable} is '{custom}', plain http to another machine: use https, or http to 127.0.0.1 or localhost only (an emulator); unset it to use Secrets Manager in {regionName}.");
            }
        }
        else
        {
            endpoint = new Uri($"https://{Service}.{regionName}.{region.PartitionDnsSuffix}/");
        }
        return new SecretsManagerClient(http, endpoint, region, credentials, timeProvider);
    }

    /// <summary>The secret's current <c>SecretString</c> and version, read from Secrets Manager itself (no cache in between).</summary>
    public async Task<SecretValue> GetSecretAsync(string secretId, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new GetSecretValueRequest(secretId), AwsJsonContext.Default.GetSecretValueRequest);
        var body = await CallAsync("GetSecretValue", secretId, payload, cancellationToken).ConfigureAwait(false);
        GetSecretValueResponse? value;
        try
        {
            value = JsonSerializer.Deserialize(body, AwsJsonContext.Default.GetSecretValueResponse);
        }
        catch (JsonException)
        {
            throw new SecretsManagerException("GetSecretValue", secretId, null, null,
                $"Secrets Manager's answer to GetSecretValue on {secretId} is not the JSON it documents; check {EndpointVariable} if it is set.");
        }
        return value?.SecretString is { } secretString
            ? new SecretValue(secretString, value.VersionId)
            : throw new SecretsManagerException("GetSecretValue", secretId, null, null,
                $"Secret {secretId} has no SecretString (a binary secret?); store the Spotify credentials as a JSON string with `pulumi up`.");
    }

    /// <summary>Stores <paramref name="secretString"/> as the secret's new current version; returns that version's id.</summary>
    public async Task<string> PutSecretStringAsync(string secretId, string secretString, CancellationToken cancellationToken)
    {
        // One token for every attempt: a retried request that had in fact succeeded does not create a second version.
        // The token is the new version's id, as Secrets Manager documents for ClientRequestToken.
        var token = Guid.NewGuid().ToString();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new PutSecretValueRequest(secretId, secretString, token), AwsJsonContext.Default.PutSecretValueRequest);
        await CallAsync("PutSecretValue", secretId, payload, cancellationToken).ConfigureAwait(false);
        return token;
    }

    private async Task<byte[]> CallAsync(string operation, string secretId, byte[] payload, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            SecretsManagerException error;
            try
            {
                var (status, body) = await SendAsync(operation, secretId, payload, cancellationToken).ConfigureAwait(false);
                if (status == HttpStatusCode.OK)
                {
                    return body;
                }
                error = SecretsManagerException.FromResponse(operation, secretId, _region.SystemName, status, body, attempt);
            }
            catch (SecretsManagerException noAnswer) when (noAnswer.IsRetryable)
            {
                // No answer, or the network failed: the write may have happened, and its retry carries the same request
                // token, so Secrets Manager does not make a second version of it.
                error = noAnswer;
            }
            if (!error.IsRetryable || attempt == Attempts)
            {
                throw error;
            }
            await Task.Delay(FirstBackoff * Math.Pow(2, attempt - 1), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(HttpStatusCode Status, byte[] Body)> SendAsync(string operation, string secretId, byte[] payload, CancellationToken cancellationToken)
    {
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = Endpoint, Content = payload };
        signing.Headers["Content-Type"] = "application/x-amz-json-1.1";
        signing.Headers["X-Amz-Target"] = $"secretsmanager.{operation}";
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = _credentials,
            Region = _region,
            Service = Service,
            SignPayload = true,
            SignedAt = _timeProvider.GetUtcNow().UtcDateTime,
        }, cancellationToken).ConfigureAwait(false);

        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(payload) };
        foreach (var (name, value) in signing.Headers.Concat(signed.Headers))
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_attemptTimeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretsManagerException(operation, secretId, null, null, noAnswer: true,
                $"Secrets Manager did not answer {operation} on {secretId} within {_attemptTimeout.TotalSeconds:0.#} s ({Endpoint.Host}). " +
                "Check that the function can reach it: outside a VPC it can; inside one it needs a Secrets Manager interface endpoint or a NAT gateway.");
        }
        catch (HttpRequestException exception)
        {
            throw new SecretsManagerException(operation, secretId, null, null, noAnswer: true,
                $"{operation} on {secretId} could not reach Secrets Manager at {Endpoint.Host}: {exception.Message}");
        }
    }
}
