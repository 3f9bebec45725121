namespace SpotifyEtl.Functions.Aws;

/// <summary>The function's role credentials, from the Lambda environment. <see cref="ToString"/> hides the secret parts.</summary>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    public static AwsCredentials FromEnvironment(Func<string, string?> getVariable)
    {
        var accessKey = getVariable("AWS_ACCESS_KEY_ID");
        var secretKey = getVariable("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
        {
            throw new InvalidOperationException("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; Lambda sets them for the function's role.");
        }
        return new AwsCredentials(accessKey, secretKey, getVariable("AWS_SESSION_TOKEN"));
    }

    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId}, SecretAccessKey = ***, SessionToken = {(SessionToken is null ? "none" : "***")} }}";
}
