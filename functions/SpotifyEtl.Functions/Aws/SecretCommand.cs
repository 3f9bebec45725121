namespace SpotifyEtl.Functions.Aws;

/// <summary>
/// The command that puts a credentials file into the stack's secret, as a log line gives it to a person: with the
/// secret's ARN and its region, since the AWS CLI sends a request to its own default region whatever the ARN says.
/// </summary>
internal static class SecretCommand
{
    /// <summary>
    /// <c>aws secretsmanager put-secret-value --region R --secret-id ID --secret-string file://&lt;credentials file&gt;</c>:
    /// the region of <paramref name="secretId"/> when it is an ARN, else <paramref name="region"/>.
    /// </summary>
    public static string Put(string secretId, string? region)
    {
        var parts = secretId.Split(':');
        var named = parts.Length > 3 && parts[0] == "arn" && parts[3].Length > 0 ? parts[3] : region;
        return $"aws secretsmanager put-secret-value --region {(string.IsNullOrEmpty(named) ? "<the stack's region>" : named)} " +
               $"--secret-id {secretId} --secret-string file://<credentials file>";
    }
}
