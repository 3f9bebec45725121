using System.CommandLine;
using System.Globalization;
using SpotifyEtl.Cli.Spotify;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;
using Spectre.Console;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// `spotify-etl extract`: the same extraction as the Lambda function, into the local lake.
/// Exit codes: 0 every source landed or was unchanged; 1 some sources failed; 2 the run stopped early
/// (rate limit or QUOTA_EXCEEDED, state saved); 3 Spotify refused the credentials (re-authorize); 64 bad usage.
/// </summary>
public static class ExtractCommand
{
    public static Command Create() => Create(CliContext.FromMachine());

    internal static Command Create(CliContext context)
    {
        var lake = new Option<DirectoryInfo>("--lake")
        {
            Description = "The local lake folder (raw/, state/ and manifests/ go there).",
            HelpName = "DIR",
            Required = true,
        };
        var credentials = new Option<FileInfo?>("--credentials")
        {
            Description = "A JSON credentials file outside the repository ({\"client_id\",\"client_secret\",\"refresh_token\"}); "
                + "default: SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET, SPOTIFY_REFRESH_TOKEN. A rotated refresh token is written back to it.",
            HelpName = "FILE",
        };
        var market = new Option<string?>("--market") { Description = "Market for playlist items (ISO 3166-1 alpha-2 or from_token).", HelpName = "CODE" };
        var sources = new SourceOptions();
        var command = new Command("extract", "Extract the configured Spotify sources into the local lake, incrementally and politely.");
        command.Options.Add(lake);
        sources.AddTo(command);
        command.Options.Add(credentials);
        command.Options.Add(market);
        command.SetAction((parsed, cancellationToken) => RunAsync(context, parsed.GetValue(lake)!, () => sources.Read(parsed),
            parsed.GetValue(credentials)?.FullName, parsed.GetValue(market), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, DirectoryInfo lake, Func<IReadOnlyList<ExtractionSource>> readSources,
        string? credentialsPath, string? market, CancellationToken cancellationToken)
    {
        var console = context.Console;
        try
        {
            var sources = readSources();
            if (sources.Count == 0)
            {
                console.MarkupLine("[red]No sources.[/] Name some: --playlist ID, --recently-played, --top-tracks RANGE, --top-artists RANGE, --saved-tracks or --config FILE.");
                return 64;
            }
            var credentials = CredentialsFile.Resolve(credentialsPath, context.GetVariable);
            var tokenStore = new CredentialsFileTokenStore(credentialsPath ?? context.DefaultCredentialsPath, credentials);
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            using var client = SpotifyApiClient.Create(http, SpotifyEndpoints.FromEnvironment(context.GetVariable), credentials,
                new SpotifyClientOptions(), tokenStore);
            var extractor = new SpotifyExtractor(client, new LocalFolderStore(lake.FullName), new ExtractorOptions { Market = market });

            var run = await extractor.RunAsync(sources, cancellationToken).ConfigureAwait(false);

            console.Write(SummaryTable(run.Manifest));
            console.MarkupLineInterpolated($"Manifest: [bold]{Path.Combine(lake.FullName, run.ManifestKey)}[/]");
            if (run.RotatedRefreshToken is not null)
            {
                if (credentialsPath is not null)
                {
                    console.MarkupLineInterpolated($"Spotify rotated the refresh token; the new one was saved to {credentialsPath}.");
                }
                else
                {
                    console.MarkupLineInterpolated(
                        $"Spotify rotated the refresh token; the old one may stop working. The new credentials were saved to {context.DefaultCredentialsPath} (owner-readable only): run with --credentials {context.DefaultCredentialsPath} from now on. The token is not shown.");
                }
            }
            if (run.Manifest.RefreshTokenSaveError is { } saveError)
            {
                console.MarkupLineInterpolated($"[red]Spotify rotated the refresh token but it could not be saved: {saveError}. The next run will likely need `spotify-etl auth login`.[/]");
                return 1;
            }
            if (run.Manifest.StopReason is { } reason)
            {
                console.MarkupLineInterpolated($"[yellow]{reason}[/]");
            }
            return run.Manifest.Outcome switch
            {
                ExtractionOutcomes.Succeeded => 0,
                ExtractionOutcomes.Stopped => 2,
                _ => 1,
            };
        }
        catch (Exception exception) when (exception is SpotifyReauthorizationRequiredException or SpotifyAuthenticationException)
        {
            console.MarkupLineInterpolated($"[red]{exception.Message}[/]");
            return 3;
        }
        catch (SpotifyConfigurationException exception)
        {
            console.MarkupLineInterpolated($"[red]{exception.Message}[/]");
            return 64;
        }
    }

    internal static Table SummaryTable(ExtractionManifest manifest)
    {
        var table = new Table().Title($"Extraction {manifest.RunId}: {manifest.Outcome}");
        table.AddColumns("Source", "Status", "Pages", "Items", "Requests", "Seconds", "Note");
        foreach (var source in manifest.Sources)
        {
            var status = source.Status switch
            {
                SourceStatuses.Landed => "[green]landed[/]",
                SourceStatuses.Unchanged => "[grey]unchanged[/]",
                SourceStatuses.Failed => "[red]failed[/]",
                _ => $"[yellow]{source.Status}[/]",
            };
            table.AddRow(
                Markup.Escape(source.Source),
                status,
                source.Pages.ToString(CultureInfo.InvariantCulture),
                source.Items.ToString(CultureInfo.InvariantCulture),
                source.Requests.ToString(CultureInfo.InvariantCulture),
                (source.DurationMs / 1000.0).ToString("0.0", CultureInfo.InvariantCulture),
                Markup.Escape(source.Error ?? ""));
        }
        return table;
    }
}
