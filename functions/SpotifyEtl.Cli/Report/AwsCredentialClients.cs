using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.RuntimeDependencies;
using Amazon.SecurityToken;
using Amazon.SSO;
using Amazon.SSOOIDC;

namespace SpotifyEtl.Cli.Report;

/// <summary>
/// The clients the AWS SDK's default credential chain needs for the profiles people sign in with: IAM Identity Center
/// (<c>aws configure sso</c>: the SSO and SSO OIDC clients) and a role to assume (<c>role_arn</c> with a
/// <c>source_profile</c>, or a web identity token: STS). The SDK builds them by assembly name, which a native build
/// cannot, so they are registered here, as the SDK asks of trimmed and NativeAOT programs. Each honours its
/// service's <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, as the S3 client honours <c>AWS_ENDPOINT_URL_S3</c>.
/// </summary>
internal static class AwsCredentialClients
{
    private static int s_registered;

    /// <summary>Registers the clients once per process; the credentials are resolved when the first request is signed.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1)
        {
            return;
        }
        var registry = GlobalRuntimeDependencyRegistry.Instance;
        // Identity Center's calls carry its bearer token, not AWS credentials.
        registry.RegisterSSOClient(context => new AmazonSSOClient(new AnonymousAWSCredentials(),
            Configured(new AmazonSSOConfig(), context.SSOClientContextData.Region, "AWS_ENDPOINT_URL_SSO")));
        registry.RegisterSSOOIDCClient(context => new AmazonSSOOIDCClient(new AnonymousAWSCredentials(),
            Configured(new AmazonSSOOIDCConfig(), context.SSOOIDCClientContextData.Region, "AWS_ENDPOINT_URL_SSO_OIDC")));
        registry.RegisterSecurityTokenServiceClient(context => new AmazonSecurityTokenServiceClient(SourceCredentials(),
            Configured(new AmazonSecurityTokenServiceConfig(), context.SecurityTokenServiceClientContextData.Region, "AWS_ENDPOINT_URL_STS")));
    }

    private static T Configured<T>(T config, RegionEndpoint? region, string endpointVariable) where T : ClientConfig
    {
        if (region is not null)
        {
            config.RegionEndpoint = region;
        }
        if (Environment.GetEnvironmentVariable(endpointVariable) is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
        }
        return config;
    }

    /// <summary>
    /// What STS is called with: the <c>source_profile</c>'s credentials where the profile in use assumes a role from one
    /// (that profile may itself be an SSO one); none for a web identity token, whose exchange is not signed.
    /// </summary>
    private static AWSCredentials SourceCredentials()
    {
        var name = Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } set ? set : "default";
        var profiles = new CredentialProfileStoreChain();
        return profiles.TryGetProfile(name, out var profile) && profile.Options.SourceProfile is { Length: > 0 } source
            && profiles.TryGetAWSCredentials(source, out var credentials)
            ? credentials
            : new AnonymousAWSCredentials();
    }
}
