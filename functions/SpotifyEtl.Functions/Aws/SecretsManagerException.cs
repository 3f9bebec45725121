using System.Net;
using System.Text.Json;

namespace SpotifyEtl.Functions.Aws;

/// <summary>
/// A Secrets Manager call that failed, with what to do about it. Messages name the operation, the secret
/// and AWS's error code, never the secret's value.
/// </summary>
public sealed class SecretsManagerException : Exception
{
    public SecretsManagerException(string operation, string secretId, string? errorCode, HttpStatusCode? statusCode, string message)
        : this(operation, secretId, errorCode, statusCode, noAnswer: false, message)
    {
    }

    public SecretsManagerException(string operation, string secretId, string? errorCode, HttpStatusCode? statusCode, bool noAnswer, string message)
        : base(message)
    {
        Operation = operation;
        SecretId = secretId;
        ErrorCode = errorCode;
        StatusCode = statusCode;
        NoAnswer = noAnswer;
    }

    /// <summary>No answer came in time, or the network failed: whether the call took effect is unknown.</summary>
    public bool NoAnswer { get; }

    public string Operation { get; }

    public string SecretId { get; }

    /// <summary>AWS's error code (<c>AccessDeniedException</c>, <c>ResourceNotFoundException</c>, …) when it sent one.</summary>
    public string? ErrorCode { get; }

    public HttpStatusCode? StatusCode { get; }

    /// <summary>Throttling, server-side errors and no answer: the same request may succeed a moment later.</summary>
    public bool IsRetryable => NoAnswer ||
        ErrorCode is "ThrottlingException" or "TooManyRequestsException" or "RequestLimitExceeded" or "InternalServiceError" or "ServiceUnavailable"
        || StatusCode is HttpStatusCode.TooManyRequests || (int?)StatusCode >= 500;

    internal static SecretsManagerException FromResponse(string operation, string secretId, string region, HttpStatusCode status, byte[] body, int attempts)
    {
        AwsErrorResponse? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, AwsJsonContext.Default.AwsErrorResponse);
        }
        catch (JsonException)
        {
            // A proxy's HTML page or an empty body: the status code is all there is.
        }
        // JSON protocol error types may carry a namespace: "com.amazonaws.secretsmanager#ResourceNotFoundException".
        var code = error?.Type is { Length: > 0 } type ? type[(type.LastIndexOf('#') + 1)..] : null;
        var awsMessage = error?.Message ?? error?.MessageUpper;
        var said = $"{(int)status} {code ?? "with no error code"}{(awsMessage is null ? "" : ": " + awsMessage)}";
        var action = code switch
        {
            "AccessDeniedException" =>
                $"The function's role may not secretsmanager:{operation} on this secret; the stack grants GetSecretValue and PutSecretValue on its ARN: run `pulumi up`.",
            "ResourceNotFoundException" =>
                $"No such secret in {region}, or it has no value yet: the stack declares the secret without one, so put the credentials in " +
                $"(`{SecretCommand.Put(secretId, region)}`); " +
                "if the secret is missing, check SPOTIFY_SECRET_ID and run `pulumi up`.",
            "InvalidSignatureException" or "SignatureDoesNotMatch" or "UnrecognizedClientException" or "ExpiredTokenException" or "IncompleteSignature" =>
                "The request's AWS credentials were refused: check the function's role credentials and the clock.",
            "DecryptionFailure" or "KMSAccessDeniedException" =>
                "The secret's KMS key could not decrypt it for this role: check the key policy.",
            _ when status == HttpStatusCode.TooManyRequests || code is "ThrottlingException" or "TooManyRequestsException" or "RequestLimitExceeded" =>
                $"Secrets Manager throttled the call {attempts} time(s); the next scheduled run will try again.",
            _ when (int)status >= 500 => $"Secrets Manager failed {attempts} time(s); the next scheduled run will try again.",
            _ => "See the error code in the Secrets Manager API reference.",
        };
        return new SecretsManagerException(operation, secretId, code, status, $"Secrets Manager answered {operation} on {secretId} with {said}. {action}");
    }
}
