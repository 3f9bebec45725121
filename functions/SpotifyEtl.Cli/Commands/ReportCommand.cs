using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Spectre.Console;
using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Report;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Commands;

internal static class ReportCommand
{
    /// <summary>How long a request to S3 may go without an answer; a table file of a day is a few MB at most.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The page's name in the lake when no --out is given.</summary>
    public const string DefaultFileName = "report.html";

    public static Command Create()
    {
        var lake = new Option<string>("--lake")
        {
            Description = "The lake: a local folder, or s3://BUCKET[/PREFIX] for the transformed bucket (read with the usual AWS credentials: AWS_PROFILE, SSO and role profiles included; " +
                          "AWS_ENDPOINT_URL_S3 points at another S3 endpoint).",
            Required = true,
        };
        lake.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && string.IsNullOrWhiteSpace(result.Tokens[0].Value))
            {
                result.AddError("--lake is empty: name the lake's folder, or s3://BUCKET[/PREFIX] for the transformed bucket.");
            }
        });
        var output = new Option<FileInfo?>("--out") { Description = "The HTML file to write, or a folder to write report.html in (a path ending in / is a folder, made if missing; " +
                                                                  "- is standard output; default: report.html in the lake folder, or in the current folder for S3)." };
        output.Validators.Add(result =>
        {
            if (CliOptions.BucketIn(result) is { } bucket)
            {
                result.AddError($"--out {bucket}: report writes the page on this machine. Write it here and copy it up: " +
                    $"'spotify-etl report --lake LAKE --out report.html', then 'aws s3 cp report.html {bucket}'.");
            }
        });
        var json = CliOptions.Json("Print one JSON object on stdout instead of the line naming the page (for scripts): the lake and the page's path. Not with --out -, where stdout is the page.");
        var command = new Command("report",
            "Write the listening report: one self-contained HTML page (charts and tables, no network needed to open it) from the named queries, run on DuckDB in this process.")
        {
            lake, output, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(json) && result.GetResult(output)?.Tokens is [{ Value: var page }] && ReportWriter.IsStandardOutput(page))
            {
                result.AddError("--json and an --out of standard output both want stdout: write the page to a file (--out FILE), or leave out --json.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            // "-" is standard output, as for most tools that write a file: not a file named "-" in the current folder.
            var outPath = parse.GetResult(output)?.Tokens is [{ Value: ReportWriter.StandardOutputName }] ? ReportWriter.StandardOutputName : parse.GetValue(output)?.FullName;
            var (path, damaged) = await WriteAsync(parse.GetValue(lake)!, outPath, cancellationToken).ConfigureAwait(false);
            // The page itself may be what stdout carries: then the line that names it goes to stderr.
            if (parse.GetValue(json))
            {
                var source = parse.GetValue(lake)!;
                var named = source.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) ? source : Path.GetFullPath(source);
                Console.Out.WriteLine(JsonSerializer.Serialize(new ReportJson(named, path), SummaryJsonContext.Default.ReportJson));
            }
            else if (outPath == ReportWriter.StandardOutputName || ReportWriter.IsStandardOutput(path))
            {
                Console.Error.WriteLine($"Report: {path}");
            }
            else
            {
                Consoles.Output.WriteWhole($"Report: {path}");
            }
            // A page written without the sections a damaged table feeds is still named on stdout first, as a script expects.
            return damaged is null ? ExitCodes.Success : throw new CliException(ExitCodes.DataError, damaged);
        });
        return command;
    }

    /// <summary>
    /// Writes the report of a local or S3 lake; returns the file's full path, and what the page leaves out when a table
    /// file is damaged (null when nothing).
    /// </summary>
    public static async Task<(string Path, string? Damaged)> WriteAsync(string lake, string? output, CancellationToken cancellationToken)
    {
        if (!lake.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            // Before the lake is opened, which makes the tables' lock file in its .tmp/: a refused --out leaves the lake as it was.
            ReportTarget.RefuseInsideLake(Path.GetFullPath(lake), output);
            (string Html, IReadOnlyList<string> Damaged) local;
            // The database holds the tables shared while the page's queries read them: no transform replaces a file
            // meanwhile. Let go before the page is written: written to a pipe (--out -), it waits for whoever reads it, a
            // pager left open.
            using (var database = QueryRunner.Open(lake))
            {
                local = await BuildLocalAsync(database, lake, output, answered: null, cancellationToken).ConfigureAwait(false);
            }
            return Saved(local, output ?? Path.Combine(lake, DefaultFileName));
        }
        var (bucket, prefix) = ParseS3(lake);
        // Before the bucket's tables are copied, which may be thousands of files.
        ReportTarget.CheckWritable(output ?? DefaultFileName);
        var copy = Directory.CreateTempSubdirectory("spotify-etl-report-");
        try
        {
            int copied;
            try
            {
                using var client = CreateS3Client();
                copied = await TransformedTables.CopyShowingProgressAsync(new S3ObjectStore(client, bucket), prefix, copy.FullName, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is AmazonServiceException or AmazonClientException or HttpRequestException or SocketException
                || S3ObjectStore.RequestOf(exception) is not null)
            {
                // A Ctrl-C or a SIGTERM cancels the request under way: the run ends as every verb ends on it, not as a bucket that gave no answer.
                cancellationToken.ThrowIfCancellationRequested();
                // A connection the open-file limit refused is the limit's (exit 74), not a bucket, network or credentials to check.
                OpenFileLimit.ThrowIfExhausted(exception.ToString(), $"Cannot read s3://{bucket}");
                // S3's refusal, no credentials to be found, no answer at all, or a body cut short or stalled (a failure the
                // store names with its request): the first line says which (the SDK's credential error lists every place it
                // looked, one per line), after the request.
                var reason = FirstLine(exception.Message);
                // A role's credentials fail with the reason of its source's inside ("Error calling AssumeRole", an SSO sign-in over).
                if (exception.GetBaseException() is var inner && inner is AmazonClientException or AmazonServiceException
                    && FirstLine(inner.Message) is { Length: > 0 } cause && !reason.Contains(cause, StringComparison.Ordinal))
                {
                    reason = $"{reason} ({cause})";
                }
                var request = S3ObjectStore.RequestOf(exception);
                if (request is not null && !reason.Contains(request[(request.IndexOf(' ') + 1)..], StringComparison.Ordinal))
                {
                    reason = $"{request}: {reason}";
                }
                // A proxy, VPN or antivirus that inspects TLS, or a wrong clock: the certificate's to see to, not the bucket's. The
                // certificate may be shown before S3 is asked, by the service a profile's credentials come from (STS, IAM Identity
                // Center): the SDK then wraps the connection's failure in its own ("Error calling AssumeRole for role ...").
                var signIn = ExceptionChain.Of(exception).OfType<AmazonClientException>().FirstOrDefault(amazon => amazon.InnerException is HttpRequestException);
                if (UntrustedCertificate.Describe(exception, signIn is null ? "S3" : $"the service the AWS profile's credentials come from ({FirstLine(signIn.Message)})",
                        signIn is null ? "AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL" : "AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL") is { } untrusted)
                {
                    throw new CliException(ExitCodes.Unavailable, $"Cannot read {lake}: {(request is null ? "" : request + ": ")}{untrusted}", exception);
                }
                var advice = reason.Contains("RegionEndpoint", StringComparison.Ordinal)
                    ? "Name the bucket's region: AWS_REGION (or a region in the AWS_PROFILE's config)."
                    : reason.Contains("SSO", StringComparison.Ordinal)
                    // The profile's IAM Identity Center sign-in (its cached token) is over: the AWS CLI signs in again.
                    ? $"Sign in again: aws sso login --profile {ShellWord.Of(AwsCredentialClients.SsoProfile())}, then run the report again."
                    : reason.Contains("MultiFactorAuthentication", StringComparison.Ordinal)
                    ? "AWS refused the MFA code (each is taken once): run the report again with the code the device shows now."
                    : "Check the bucket name, the network and your AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).";
                throw new CliException(ExitCodes.Unavailable, $"Cannot read {lake}: {reason}. {advice}");
            }
            if (copied == 0)
            {
                throw new CliException(ExitCodes.NoInput, $"{lake} holds no tables under transformed/: point --lake at the transformed bucket (and its prefix, if any).");
            }
            return Saved(await BuildAsync(copy.FullName, lake, null, cancellationToken).ConfigureAwait(false), output ?? "report.html");
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Writes the report of a local lake whose database the caller opened (<see cref="QueryRunner.Open"/>) and whose named
    /// queries it answered on that database: the demo, which holds its lake's tables from its transform to its report, so
    /// the answers of its query step are the page's too, and are not asked again.
    /// </summary>
    public static async Task<(string Path, string? Damaged)> WriteAsync(LakeDatabase database, string lake, IEnumerable<QueryResult> answered, CancellationToken cancellationToken)
    {
        var local = await BuildLocalAsync(database, lake, output: null, answered.ToDictionary(answer => answer.Name, StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        return Saved(local, Path.Combine(lake, DefaultFileName));
    }

    /// <summary>The page of a local lake from its open database; the queries <paramref name="answered"/> holds are not asked again.</summary>
    private static async Task<(string Html, IReadOnlyList<string> Damaged)> BuildLocalAsync(LakeDatabase database, string lake, string? output,
        IReadOnlyDictionary<string, QueryResult>? answered, CancellationToken cancellationToken)
    {
        // Before the queries run, not after: a page that cannot be written (a read-only lake's default) is said at once.
        ReportTarget.CheckWritable(output ?? Path.Combine(lake, DefaultFileName));
        return await BuildAsync(lake, Shown(lake), TransformedTables.CountQuarantined(lake), cancellationToken, (database, answered)).ConfigureAwait(false);
    }

    /// <summary>
    /// Saves the page; where a table file is damaged the page is still written, with a note in each section it
    /// feeds, and the command ends with an error naming the file and what rewrites it (returned with the page's path).
    /// </summary>
    private static (string Path, string? Damaged) Saved((string Html, IReadOnlyList<string> Damaged) report, string path)
    {
        var saved = ReportTarget.Save(report.Html, path);
        return (saved, report.Damaged.Count == 0
            ? null
            : $"The report is written to {saved} without the sections these tables feed. " + string.Join(" ", report.Damaged));
    }

    /// <summary>Builds the page; a terminal's stderr shows which of the report's queries runs, n of N.</summary>
    /// <remarks>A signal stops it before the next query, and no page is written.</remarks>
    private static async Task<(string Html, IReadOnlyList<string> Damaged)> BuildAsync(string folder, string source, int? quarantined,
        CancellationToken cancellationToken, (LakeDatabase Database, IReadOnlyDictionary<string, QueryResult>? Answered)? opened = null)
    {
        try
        {
            var built = await ProgressDisplay.RunStepsAsync("Running the report's queries", step =>
            {
                void Step(int number, int total, string name)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    step(number, total, name);
                }
                return Task.FromResult(opened is var (database, answered)
                    ? ReportWriter.Build(database, folder, source, quarantined, Step, answered)
                    : ReportWriter.Build(folder, source, quarantined, Step));
            }).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return built;
        }
        catch (LakeException exception)
        {
            throw new CliException(ExitCodes.DataError, exception.Message);
        }
    }

    /// <summary>
    /// The local lake as the page names it: as it was given, the home folder written <c>~</c>, so that a page passed around
    /// says no more of the machine it was made on (a user's name, the folders above the lake) than its maker typed.
    /// </summary>
    private static string Shown(string lake)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile).TrimEnd('/');
        return home.Length > 0 && Path.IsPathRooted(lake) && (lake == home || lake.StartsWith(home + "/", StringComparison.Ordinal))
            ? "~" + lake[home.Length..]
            : lake;
    }

    internal static (string Bucket, string Prefix) ParseS3(string url)
    {
        // "s3:///prefix" has no bucket: its first segment is empty, not the prefix.
        var rest = url["s3://".Length..].TrimEnd('/');
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var (bucket, prefix) = slash < 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..] + "/");
        return bucket.Length == 0
            ? throw new CliException(ExitCodes.Usage, $"--lake {url}: name a bucket, as in s3://my-transformed-bucket or s3://bucket/prefix.")
            : (bucket, prefix);
    }

    /// <summary>The first line of an SDK message, without the sentence that opens a list ("... returned the following errors:"), which says nothing without it.</summary>
    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        if (line.EndsWith(':'))
        {
            var end = line.LastIndexOf(". ", StringComparison.Ordinal);
            line = end > 0 ? line[..end] : line.TrimEnd(':');
        }
        return line.TrimEnd('.');
    }

    /// <summary>
    /// The default AWS credential and region chain (a role of a profile with an MFA device: its code asked for);
    /// AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) for an S3-compatible endpoint, path-style. A request without an answer
    /// within <see cref="RequestTimeout"/> fails (and is retried as the SDK retries): an endpoint that takes the connection
    /// and never answers (a proxy or firewall that swallows it) ends the report with exit 69 instead of holding it for good.
    /// </summary>
    private static AmazonS3Client CreateS3Client()
    {
        // The SDK signs every request with SHA-256 and reaches AWS over TLS, both through the system's OpenSSL: loaded now,
        // so that a load the open-file limit refuses is the limit's error, not the runtime's abort.
        SystemOpenSsl.LoadForTls("which signs and encrypts the requests to S3");
        var withMfaCode = AwsCredentialClients.WithMfaCode();
        var config = new AmazonS3Config { Timeout = RequestTimeout };
        var endpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
        if (!string.IsNullOrEmpty(endpoint))
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1";
        }
        return withMfaCode is null ? new AmazonS3Client(config) : new AmazonS3Client(withMfaCode, config);
    }
}
