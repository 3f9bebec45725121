using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.RuntimeDependencies;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SSO;
using Amazon.SSOOIDC;
using SpotifyEtl.Cli.Shell;

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

    /// <summary>What the role of the profile in use is assumed with, once <see cref="Register"/> resolved it.</summary>
    private static AWSCredentials? s_source;

    /// <summary>
    /// Registers the clients once per process. The source of a role profile is resolved here (a chain of roles assumed link by
    /// link); the credentials themselves are resolved when the first request is signed.
    /// </summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1)
        {
            return;
        }
        // Resolved now, not when the SDK asks for an STS client: it asks while it holds locks of its own on the profiles.
        var source = s_source = SourceCredentials();
        var registry = GlobalRuntimeDependencyRegistry.Instance;
        // Identity Center's calls carry its bearer token, not AWS credentials.
        registry.RegisterSSOClient(context => new AmazonSSOClient(new AnonymousAWSCredentials(),
            Configured(new AmazonSSOConfig(), context.SSOClientContextData.Region, "AWS_ENDPOINT_URL_SSO")));
        registry.RegisterSSOOIDCClient(context => new AmazonSSOOIDCClient(new AnonymousAWSCredentials(),
            Configured(new AmazonSSOOIDCConfig(), context.SSOOIDCClientContextData.Region, "AWS_ENDPOINT_URL_SSO_OIDC")));
        registry.RegisterSecurityTokenServiceClient(context => new AmazonSecurityTokenServiceClient(source,
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
    /// What STS is called with to assume the role of the profile in use: its <c>source_profile</c>'s credentials (keys, an SSO
    /// sign-in, or a role of its own, assumed here link by link down the chain, so that no link asks this factory again), or
    /// its <c>credential_source</c>'s; none for a web identity token, whose exchange is not signed.
    /// </summary>
    private static AWSCredentials SourceCredentials()
    {
        var profiles = new CredentialProfileStoreChain();
        // Keys in the environment come before any profile in the SDK's chain: no role of a profile is assumed then.
        if (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is { Length: > 0 } || !profiles.TryGetProfile(ProfileInUse, out var profile))
        {
            return new AnonymousAWSCredentials();
        }
        return profile.Options.CredentialSource switch
        {
            "Environment" => new EnvironmentVariablesAWSCredentials(),
            "Ec2InstanceMetadata" => new InstanceProfileAWSCredentials(),
            "EcsContainer" => new GenericContainerCredentials(),
            _ when profile.Options.SourceProfile is { Length: > 0 } source => CredentialsOf(profiles, source, [profile.Name]),
            _ => new AnonymousAWSCredentials(),
        };
    }

    /// <summary>A profile's credentials; a role profile's assumed here with its source's, so a chain of roles never loops.</summary>
    private static AWSCredentials CredentialsOf(CredentialProfileStoreChain profiles, string name, List<string> chain)
    {
        chain.Add(name);
        if (chain.Count > 8 || chain.IndexOf(name) < chain.Count - 1 || !profiles.TryGetProfile(name, out var profile))
        {
            throw new AmazonClientException($"The AWS profiles {string.Join(" → ", chain)} do not lead to credentials: " +
                "a source_profile is missing or the chain loops.");
        }
        if (profile.Options.RoleArn is not { Length: > 0 } role || profile.Options.SourceProfile is not { Length: > 0 } source)
        {
            return profiles.TryGetAWSCredentials(name, out var credentials)
                ? credentials
                : throw new AmazonClientException($"The AWS profile {name} (source of {chain[^2]}) holds no credentials this tool can use.");
        }
        return Assumed(profile, role, CredentialsOf(profiles, source, chain));
    }

    /// <summary>
    /// The role of a profile assumed with <paramref name="source"/>'s credentials; where the profile names an MFA device
    /// (<c>mfa_serial</c>), with the code it shows, asked for as the AWS CLI asks (<see cref="MfaCode"/>).
    /// </summary>
    private static SessionAWSCredentials Assumed(CredentialProfile profile, string role, AWSCredentials source)
    {
        var serial = profile.Options.MfaSerial is { Length: > 0 } device ? device : null;
        var code = serial is null ? null : MfaCode(profile.Name, serial);
        using var sts = new AmazonSecurityTokenServiceClient(source,
            Configured(new AmazonSecurityTokenServiceConfig(), profile.Region ?? FallbackRegionFactory.GetRegionEndpoint() ?? RegionEndpoint.USEast1, "AWS_ENDPOINT_URL_STS"));
        var assumed = sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = role,
            RoleSessionName = profile.Options.RoleSessionName is { Length: > 0 } session ? session : $"spotify-etl-report-{Environment.ProcessId}",
            ExternalId = profile.Options.ExternalID is { Length: > 0 } external ? external : null,
            SerialNumber = serial,
            TokenCode = code,
        }).GetAwaiter().GetResult();
        return new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken);
    }

    /// <summary>
    /// Credentials of the role of the profile in use when it names an MFA device, assumed here with the code asked for; null
    /// for every other profile, whose credentials the SDK's default chain finds (and renews). The SDK cannot ask for a code.
    /// </summary>
    public static AWSCredentials? WithMfaCode()
    {
        Register();
        var profiles = new CredentialProfileStoreChain();
        return Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") is not { Length: > 0 } && profiles.TryGetProfile(ProfileInUse, out var profile)
            && profile.Options.MfaSerial is { Length: > 0 } && profile.Options.RoleArn is { Length: > 0 } role && s_source is { } source
            ? Assumed(profile, role, source)
            : null;
    }

    /// <summary>The one-time code of an MFA device, asked for on stderr and read from stdin: a terminal's line, or a pipe's.</summary>
    private static string MfaCode(string profile, string serial)
    {
        Console.Error.Write($"Enter the MFA code for {serial} (AWS profile {profile}): ");
        Console.Error.Flush();
        var code = Console.In.ReadLine()?.Trim();
        if (Console.IsInputRedirected)
        {
            // A terminal echoes the line and its Enter; a pipe's code is not shown, and what follows goes on a line of its own.
            Console.Error.WriteLine();
        }
        if (string.IsNullOrEmpty(code))
        {
            throw new CliException(ExitCodes.Usage, $"The AWS profile {profile} asks for the code of its MFA device {serial}, and none was given: " +
                "run the report in a terminal and type the code when asked, or pipe it to the report's stdin.");
        }
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            throw new CliException(ExitCodes.Usage, $"That is no MFA code for {serial}: a code is the 6 digits the device shows. Run the report again.");
        }
        return code;
    }

    /// <summary>The profile in use: AWS_PROFILE, else the default one.</summary>
    public static string ProfileInUse => Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } set ? set : "default";

    /// <summary>
    /// The profile whose IAM Identity Center sign-in the profile in use rests on (itself, or a source_profile down its chain):
    /// the one <c>aws sso login --profile</c> takes.
    /// </summary>
    public static string SsoProfile()
    {
        var profiles = new CredentialProfileStoreChain();
        var name = ProfileInUse;
        for (var seen = new HashSet<string>(StringComparer.Ordinal); seen.Add(name) && profiles.TryGetProfile(name, out var profile);)
        {
            if (profile.Options.SsoSession is { Length: > 0 } || profile.Options.SsoStartUrl is { Length: > 0 } || profile.Options.SourceProfile is not { Length: > 0 } source)
            {
                return name;
            }
            name = source;
        }
        return ProfileInUse;
    }
}
