using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using SpotifyEtl.Functions.Aws;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Functions;

/// <summary>
/// The scheduled extraction (EventBridge rule, handler <c>SpotifyEtl.Functions::SpotifyEtl.Functions.ExtractFunction::Handler</c>).
/// Reads the Spotify credentials from Secrets Manager, runs the configured sources into the raw bucket,
/// writes a rotated refresh token back to the secret, and reports: one JSON line per
/// source, an EMF <c>ExtractionSucceeded</c> metric when every source landed (<c>RecentlyPlayedExtracted</c> when
/// recently played did, whatever the others did), and a
/// <c>spotify_reauthorization_required</c> event (and a failed invocation) on <c>invalid_grant</c>; until the secret
/// changes, later runs send Spotify nothing and log the same event (<see cref="RefusedSecret"/>).
/// </summary>
public sealed partial class ExtractFunction
{
    /// <summary>Lambda stops at 15 minutes at most; the handler cannot see its deadline, so it keeps a budget below it.</summary>
    public const string TimeBudgetVariable = StackContract.ExtractEnvironment.TimeBudgetSeconds;
    private static readonly HttpClient SharedHttp = SpotifyHttp.Create();

    /// <summary>
    /// How long the extraction lease outlasts the time budget: the most the stack sets the timeout above the budget (a minute),
    /// the minute Lambda waits before it retries an invocation the timeout ended (which must find the lease held, and do
    /// nothing), and a minute and a half more for that wait's slack, the clocks of two Lambda hosts and a write sent just
    /// before the timeout. A lease that ended before the retry let it run a whole second extraction.
    /// </summary>
    internal static readonly TimeSpan LeaseBeyondBudget = TimeSpan.FromSeconds(210);

    /// <summary>The outcome of a run that asked Spotify nothing because the secret still holds a refused refresh token.</summary>
    internal const string ReauthorizationRequiredOutcome = "reauthorization_required";

    private readonly Func<string, string?> _getVariable;
    private readonly Action<string> _log;
    private readonly Func<string, IObjectStore> _createRawStore;
    private readonly HttpClient _http;
    private readonly TimeProvider _timeProvider;
    private readonly SpotifyClientOptions _clientOptions;
    private readonly Func<AWSCredentials> _awsCredentials;

    static ExtractFunction() => InvariantCulture.Apply();

    public ExtractFunction()
        : this(Environment.GetEnvironmentVariable, Console.Out.WriteLine, CreateRawStore, SharedHttp, TimeProvider.System, new SpotifyClientOptions(),
            () => RoleCredentials.Value)
    {
    }

    internal ExtractFunction(Func<string, string?> getVariable, Action<string> log, Func<string, IObjectStore> createRawStore,
        HttpClient http, TimeProvider timeProvider, SpotifyClientOptions clientOptions, Func<AWSCredentials> awsCredentials)
    {
        _getVariable = getVariable;
        _log = log;
        _createRawStore = createRawStore;
        _http = http;
        _timeProvider = timeProvider;
        _clientOptions = clientOptions with { TimeProvider = timeProvider };
        _awsCredentials = awsCredentials;
    }

    /// <summary>
    /// What the managed runtime calls. It waits for the task itself, and needs no serializer for a
    /// <c>Task&lt;Stream&gt;</c> any more than for a <c>Stream</c>: the bytes go back as they are.
    /// </summary>
    public Task<Stream> Handler(Stream input) => HandleAsync(input, CancellationToken.None);

    private async Task<Stream> ExtractAsync(Stream input, FailedRun failed, CancellationToken cancellationToken)
    {
        var scheduled = await ReadEventAsync(input, cancellationToken).ConfigureAwait(false);
        var settings = ExtractSettings.FromEnvironment(_getVariable);
        var budget = RunBudget.Starting(_timeProvider, settings.TimeBudget);
        var store = _createRawStore(settings.RawBucket);
        // The scheduler and Lambda deliver an invocation at least once, and a manual one may meet a scheduled one: the second
        // neither waits nor extracts, since the run holding the lease lands what there is. The lease outlasts the function's
        // timeout, which the stack sets at most a minute above the budget: the lease of a run the timeout killed ends soon after.
        var leasing = store as ILeasingStore ?? throw new InvalidOperationException($"The raw store {store.Description} lends no lease, and two extractions could save over each other's state.");
        var lease = await leasing.TakeLeaseAsync(ExtractionState.LeaseKey, settings.TimeBudget + LeaseBeyondBudget, cancellationToken).ConfigureAwait(false);
        if (!lease.Taken)
        {
            var reason = "Another extraction holds the lease " + ExtractionState.LeaseKey +
                (lease.HeldUntil is { } until ? $" until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : "") +
                ": it lands what there is, and this invocation did nothing.";
            _log(JsonSerializer.Serialize(new LeaseLogLine("info", "extraction_skipped", reason, lease.HeldUntil, scheduled?.Id), FunctionJsonContext.Default.LeaseLogLine));
            return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new ExtractSkipped("skipped", reason, lease.HeldUntil), FunctionJsonContext.Default.ExtractSkipped));
        }
        try
        {
            return await RunAsync(scheduled, settings, budget, store, failed, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await GiveBackAsync(lease).ConfigureAwait(false);
        }
    }

    /// <summary>Records the refused version; should that fail, the next run asks Spotify again and is refused again: a warning.</summary>
    private async Task RememberRefusalAsync(IObjectStore store, RefusedSecret refused)
    {
        try
        {
            await refused.WriteAsync(store, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (!ExceptionChain.RanOutOfMemory(exception))
        {
            _log(JsonSerializer.Serialize(new SecretEventLogLine("warn", "spotify_refusal_not_recorded", "",
                $"The refused secret version could not be recorded at {RefusedSecret.Key} ({exception.Message}); the next run asks Spotify again."),
                FunctionJsonContext.Default.SecretEventLogLine));
        }
    }

    /// <summary>A lease not given back (S3 unreachable at the end) ends by itself at its time: a warning, not a failed run.</summary>
    private async Task GiveBackAsync(StoreLease lease)
    {
        try
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (!ExceptionChain.RanOutOfMemory(exception))
        {
            // Whatever stopped it, the run's data and state are saved: failing the invocation now would only have Lambda run it again.
            _log(JsonSerializer.Serialize(new LeaseLogLine("warn", "extraction_lease_kept",
                $"The lease {ExtractionState.LeaseKey} could not be given back ({exception.Message}); it ends by itself {LeaseBeyondBudget.TotalSeconds:0} s after the time budget, and runs before then do nothing.",
                null, null), FunctionJsonContext.Default.LeaseLogLine));
        }
    }

    private async Task<Stream> RunAsync(ScheduledEvent? scheduled, ExtractSettings settings, RunBudget budget, IObjectStore store, FailedRun failed,
        CancellationToken cancellationToken)
    {
        var (secretId, sources, options) = (settings.SecretId, settings.Sources, settings.Extractor);
        var endpoints = SpotifyEndpoints.FromEnvironment(_getVariable);

        // Read on every invocation, straight from Secrets Manager: a refresh token rotated by the previous run is what this one gets.
        var secrets = SecretsManagerClient.FromEnvironment(_http, _getVariable, _awsCredentials(), _timeProvider);
        var stored = await secrets.GetSecretAsync(secretId, cancellationToken).ConfigureAwait(false);
        var secret = ParseSecret(stored.SecretString, secretId);
        var credentials = CredentialsOf(secret, secretId);
        if (credentials.NeedingAUser(sources) is [_, ..] needing)
        {
            throw new SpotifyConfigurationException(
                $"The sources {string.Join(", ", needing.Select(source => source.Name))} read the account, and secret {secretId} has no refresh_token. " +
                "Run 'spotify-etl auth login --credentials FILE' and put the file into the secret (docs/deploying.md, \"The Spotify credentials, into each stack's secret\").");
        }
        // Spotify refused this very version's refresh token before: asking again cannot change its answer.
        if (stored.VersionId is { } version && await RefusedSecret.ReadAsync(store, cancellationToken).ConfigureAwait(false) is { } refused
            && refused.SecretVersionId == version)
        {
            var message = $"Spotify refused the refresh token in secret {secretId} (version {version}) at {refused.RefusedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, " +
                "and the secret still holds it: this run asked Spotify nothing. " + SpotifyReauthorizationRequiredException.Remedy;
            _log(JsonSerializer.Serialize(new SecretEventLogLine("error", StackContract.LogEvents.ReauthorizationRequired, secretId, message), FunctionJsonContext.Default.SecretEventLogLine));
            return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new ExtractSkipped(ReauthorizationRequiredOutcome, message, null), FunctionJsonContext.Default.ExtractSkipped));
        }
        var tokenStore = new SecretRefreshTokenStore(secrets, secretId, secret, stored.VersionId, _log);

        using var client = SpotifyApiClient.Create(_http, endpoints, credentials,
            _clientOptions, tokenStore, budget);
        var extractor = new SpotifyExtractor(client, store, options with { TimeProvider = _timeProvider, Log = _log, RunNamed = id => failed.RunId = id });

        ExtractionRun run;
        try
        {
            run = await extractor.RunAsync(sources, cancellationToken).ConfigureAwait(false);
        }
        catch (SpotifyReauthorizationRequiredException exception)
        {
            _log(JsonSerializer.Serialize(new SecretEventLogLine("error", StackContract.LogEvents.ReauthorizationRequired, secretId, exception.Message), FunctionJsonContext.Default.SecretEventLogLine));
            // The version the refused token came from: a token Spotify rotated earlier in this run was saved as a new one.
            if (tokenStore.Version is { } refusedVersion)
            {
                await RememberRefusalAsync(store, new RefusedSecret(refusedVersion, _timeProvider.GetUtcNow())).ConfigureAwait(false);
            }
            throw;
        }

        var manifest = run.Manifest;
        _log(JsonSerializer.Serialize(new RunLogLine(
            manifest.Outcome == ExtractionOutcome.Succeeded ? "info" : "warn", "extraction_finished", manifest.RunId, manifest.Outcome,
            manifest.StopReason, manifest.QuotaExceeded, run.ManifestKey, scheduled?.Id), FunctionJsonContext.Default.RunLogLine));
        // Logged before a failure to save the rotated token fails the invocation: what landed did land, and the silence
        // alarms would otherwise say no run extracted. Recently played has an alarm of its own: a source that keeps failing
        // (a deleted playlist) holds the run's alarm raised, which would then say nothing of the one source whose plays
        // Spotify forgets after about 50.
        var recentlyPlayed = manifest.Sources.Any(source => source.Type == ExtractionSource.RecentlyPlayedType && source.Status is SourceStatus.Landed or SourceStatus.Unchanged);
        if (run.Succeeded || recentlyPlayed)
        {
            _log(SuccessMetricLine(_getVariable("AWS_LAMBDA_FUNCTION_NAME") ?? "spotify-extract", _timeProvider.GetUtcNow(),
                _getVariable(StackContract.ExtractEnvironment.MetricsNamespace)?.Trim() is { Length: > 0 } metrics ? metrics : StackContract.Metrics.Namespace,
                succeeded: run.Succeeded, recentlyPlayed: recentlyPlayed));
        }
        if (manifest.RefreshTokenSaveError is { } saveError)
        {
            _log(JsonSerializer.Serialize(new SecretEventLogLine("error", "spotify_refresh_token_not_saved", secretId,
                "Spotify rotated the refresh token but it could not be written back to the secret: " + saveError +
                " The next run will likely need `spotify-etl auth login`."), FunctionJsonContext.Default.SecretEventLogLine));
            throw new InvalidOperationException(
                $"The rotated Spotify refresh token could not be saved to {secretId} ({saveError}). This run's data landed (manifest {run.ManifestKey}); " +
                "fix the secret's permissions, then re-authorize with `spotify-etl auth login` if the next run reports invalid_grant.");
        }
        var output = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(
            new ExtractResult(manifest.RunId, manifest.Outcome, run.ManifestKey, manifest.Sources.Count, manifest.Sources.Count(source => source.Status == SourceStatus.Failed)),
            FunctionJsonContext.Default.ExtractResult));
        return output;
    }

    /// <summary>
    /// The CloudWatch Embedded Metric Format line the stack's "no successful extraction" alarm watches (a run whose every
    /// source landed or was unchanged) and its "no recently played extraction" alarm (a run whose recently played did).
    /// </summary>
    internal static string SuccessMetricLine(string functionName, DateTimeOffset now, string metricNamespace, bool succeeded, bool recentlyPlayed)
    {
        var metrics = new List<string>(2);
        if (succeeded)
        {
            metrics.Add(StackContract.Metrics.ExtractionSucceeded);
        }
        if (recentlyPlayed)
        {
            metrics.Add(StackContract.Metrics.RecentlyPlayedExtracted);
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("_aws");
            writer.WriteNumber("Timestamp", now.ToUnixTimeMilliseconds());
            writer.WriteStartArray("CloudWatchMetrics");
            writer.WriteStartObject();
            writer.WriteString("Namespace", metricNamespace);
            writer.WriteStartArray("Dimensions");
            writer.WriteStartArray();
            writer.WriteStringValue("FunctionName");
            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteStartArray("Metrics");
            foreach (var metric in metrics)
            {
                writer.WriteStartObject();
                writer.WriteString("Name", metric);
                writer.WriteString("Unit", "Count");
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteString("FunctionName", functionName);
            foreach (var metric in metrics)
            {
                writer.WriteNumber(metric, 1);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// The function role's credentials through the SDK's default chain (on Lambda: AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN), resolved once per execution environment, at the first invocation;
    /// a failed resolution is not cached, so the next invocation tries again.
    /// </summary>
    private static readonly Lazy<AWSCredentials> RoleCredentials =
        new(() => new DefaultAWSCredentialsIdentityResolver().ResolveIdentity(null), LazyThreadSafetyMode.PublicationOnly);

    private static async Task<ScheduledEvent?> ReadEventAsync(Stream input, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await input.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(buffer.ToArray(), FunctionJsonContext.Default.ScheduledEvent);
        }
        catch (JsonException)
        {
            // A manual test invocation with another payload still runs the extraction.
            return null;
        }
    }
}
