using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Cli.Spotify;
using SpotifyEtl.Spotify;
using SpotifyEtl.Spotify.Extraction;
using SpotifyEtl.Storage;
using Spectre.Console;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// `spotify-etl extract`: the same extraction as the Lambda function, into the local lake.
/// Exit codes (<see cref="ExitCodes"/>): 0 every source landed or was unchanged; 1 some sources failed; 3 the run
/// stopped early (rate limit or QUOTA_EXCEEDED, state saved); 74 the lake cannot be written (or its lease file is no
/// regular file); 75 another extract is running on the lake; 77 Spotify refused
/// the credentials (re-authorize); 64 bad usage.
/// </summary>
public static class ExtractCommand
{
    /// <summary>Half an hour: a schedule's run takes seconds, and a longer wait is better spent by the next run.</summary>
    internal const int DefaultTimeLimitSeconds = 1800;

    public static Command Create() => Create(CliContext.FromMachine());

    internal static Command Create(CliContext context)
    {
        var lake = CliOptions.Lake();
        lake.Description = "The local lake folder (raw/, state/ and manifests/ go there).";
        lake.HelpName = "DIR";
        var credentials = new Option<FileInfo?>("--credentials")
        {
            Description = "A JSON credentials file outside the repository ({\"client_id\",\"client_secret\",\"refresh_token\"}, owner-readable only); "
                + "default: credentials.json in the config folder (~/.config/spotify-etl). A rotated refresh token is written back to it.",
            HelpName = "FILE",
        };
        var market = new Option<string?>("--market") { Description = "Market for playlist items (ISO 3166-1 alpha-2 or from_token).", HelpName = "CODE" };
        // Spotify answers every playlist request of an unknown market 400: refused here, before a run fails them all.
        market.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } code && !IsMarket(code))
            {
                result.AddError($"--market {code}: not a market; give an ISO 3166-1 alpha-2 code in capitals (SE, US, DE) or from_token.");
            }
        });
        // Checked here, so that a wrong value names the option typed, not the environment variable the function reads.
        var topItemsLimit = CliOptions.Bounded("--top-items-limit", "How many items of each top list to read, in pages of 50.",
            ExtractorOptions.DefaultTopItemsLimit, 1, ExtractorOptions.MaxTopItemsLimit);
        var fullPassDays = CliOptions.Bounded("--saved-tracks-full-pass-days",
            "Days between full passes over saved tracks, which notice removals; in between only new saves are read.",
            ExtractorOptions.DefaultSavedTracksFullPassDays, 1, ExtractorOptions.MaxSavedTracksFullPassDays);
        // A laptop's run has no Lambda timeout: without a limit, a Spotify asking for 10-minute waits would hold it for hours.
        var timeLimit = CliOptions.Bounded("--time-limit",
            "Seconds the extraction may take. A wait Spotify asks for that would outlast them, or an attempt past them, ends the run early "
            + "with its state saved (exit 3); the next run goes on from there.", DefaultTimeLimitSeconds, 1, 86_400);
        var json = CliOptions.Json();
        var sources = new SourceOptions();
        var command = new Command("extract", "Extract the configured Spotify sources into the local lake, incrementally and politely.");
        command.Options.Add(lake);
        sources.AddTo(command);
        command.Options.Add(credentials);
        command.Options.Add(market);
        command.Options.Add(topItemsLimit);
        command.Options.Add(fullPassDays);
        command.Options.Add(timeLimit);
        command.Options.Add(json);
        command.SetAction((parsed, cancellationToken) => RunAsync(context, parsed.GetValue(lake)!, () => sources.Read(parsed), parsed.GetValue(json), CliOptions.IsVerbose(parsed),
            parsed.GetValue(credentials)?.FullName, TimeSpan.FromSeconds(parsed.GetValue(timeLimit)), new ExtractorOptions
            {
                Market = parsed.GetValue(market),
                TopItemsLimit = parsed.GetValue(topItemsLimit),
                SavedTracksFullPassDays = parsed.GetValue(fullPassDays),
                Warn = message => CliErrors.Warn(context.Errors, message),
            }, cancellationToken));
        return command;
    }

    /// <summary>Two capital letters, as the stack's spotifyMarket, or from_token.</summary>
    internal static bool IsMarket(string code) => code == "from_token" || code is [>= 'A' and <= 'Z', >= 'A' and <= 'Z'];

    private static async Task<int> RunAsync(CliContext context, DirectoryInfo lake, Func<IReadOnlyList<ExtractionSource>> readSources, bool json, bool verbose,
        string? credentialsPath, TimeSpan timeLimit, ExtractorOptions options, CancellationToken cancellationToken)
    {
        var console = context.Console;
        string? credentialsUsed = null;
        try
        {
            options.Validated();
            // A SPOTIFY_*_BASE_URL the tool refuses is a usage error, said before what the credentials lack: a login would be refused it too.
            var endpoints = SpotifyEndpoints.FromEnvironment(context.GetVariable);
            var sources = readSources();
            if (sources.Count == 0)
            {
                throw new CliException(ExitCodes.Usage, "No sources. Name some: --playlist ID, --my-playlists, --recently-played, --top-tracks RANGE, --top-artists RANGE, --saved-tracks or --config FILE.");
            }
            var (credentials, credentialsFile, authorizedAtProblem) = CredentialsFile.Resolve(credentialsPath, context.DefaultCredentialsPath, context.GetVariable);
            credentialsUsed = credentialsFile;
            if (credentials.NeedingAUser(sources) is [_, ..] needing)
            {
                throw new CliException(ExitCodes.NoPermission,
                    $"{string.Join(", ", needing.Select(source => source.Name))} read your account, and the credentials have no refresh token to do it with " +
                    $"({credentialsFile} has no refresh_token" +
                    (CredentialsFile.IgnoredVariables(context.GetVariable).Contains("SPOTIFY_REFRESH_TOKEN") ? "; SPOTIFY_REFRESH_TOKEN is set, but no credential is read from environment variables" : "") +
                    $"). Run 'spotify-etl auth login{(credentialsPath is null ? "" : $" --credentials {ShellWord.Of(credentialsFile)}")}' once, then extract again.");
            }
            if (CredentialsFile.Exposure(credentialsFile) is { } exposure)
            {
                CliErrors.Warn(context.Errors, exposure);
            }
            if (authorizedAtProblem is not null)
            {
                CliErrors.Warn(context.Errors, $"{credentialsFile}: {authorizedAtProblem}.");
            }
            else if (credentials.ReauthorizationDue(DateTimeOffset.UtcNow) is { } due)
            {
                CliErrors.Warn(context.Errors, due.Message($"Run 'spotify-etl auth login{(credentialsPath is null ? "" : $" --credentials {ShellWord.Of(credentialsFile)}")}' {(due.Left > TimeSpan.Zero ? "before then" : "now")}."));
            }
            var tokenStore = new CredentialsFileTokenStore(credentialsFile, credentials);
            endpoints.LoadTls();
            using var http = SpotifyHttp.Create();
            using var client = SpotifyApiClient.Create(http, endpoints, credentials,
                context.SpotifyOptions with
                {
                    // Said on stderr, and told to whoever else the context's options tell (a test waiting for the wait).
                    OnRetry = retry =>
                    {
                        CliErrors.Warn(context.Errors, $"{retry.Failure.TrimEnd('.')}; retry {retry.Retry} of {retry.Of} in {retry.Delay.TotalSeconds:0.#} s.");
                        context.SpotifyOptions.OnRetry?.Invoke(retry);
                    },
                }, tokenStore, RunBudget.Starting(TimeProvider.System, timeLimit));
            var store = LocalLake.Open(lake);
            store.FlushesRawResponses = true;
            // The system lets go of the lock when the process ends, however it ends.
            await using var alone = await store.TakeLeaseAsync(ExtractionState.LeaseKey, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            if (!alone.Taken)
            {
                throw new CliException(ExitCodes.Busy,
                    $"Another spotify-etl extract is running on the lake {lake.FullName}. Run again when it has ended; two at once would save over each other's extraction state.");
            }

            ExtractionRun run;
            ExtractionRun? written = null;
            try
            {
                run = await ProgressDisplay.RunAsync("Extracting: pages landed", report =>
                    new SpotifyExtractor(client, new CountingStore(store, (objects, bytes) => report(objects, null, bytes)), options) { ManifestWritten = ended => written = ended }
                        .RunAsync(sources, cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception exception) when (CliErrors.IsExpected(exception))
            {
                // Interrupted, or stopped for good (no token to be had): what landed is in the manifest all the same, and a
                // script reading --json learns it as of any run; where a token Spotify rotated meanwhile went matters too.
                if (json && written is not null)
                {
                    System.Console.Out.WriteLine(JsonSerializer.Serialize(written.Manifest, ExtractionJsonContext.Default.ExtractionManifest));
                }
                TellRotation(context, client.Tokens, credentialsFile, tokenStore);
                throw;
            }

            if (json)
            {
                System.Console.Out.WriteLine(JsonSerializer.Serialize(run.Manifest, ExtractionJsonContext.Default.ExtractionManifest));
            }
            else
            {
                console.Write(SummaryTable(run.Manifest));
                console.WriteWhole($"Manifest: {Path.Combine(lake.FullName, run.ManifestKey)}");
            }
            // One line per source that failed or stopped, whatever stdout holds: with --json the manifest alone says nothing
            // a person reads, and the table's note column is easily missed.
            foreach (var source in run.Manifest.Sources.Where(source => source.Status is SourceStatus.Failed or SourceStatus.Stopped))
            {
                context.Errors.WriteLine($"{CliErrors.Program}: {source.Source}: {SourceProblem(source)}");
            }
            // A rotated token that could not be saved fails the run (the next one would send the old, refused token), but
            // after what else the run has to tell: plays that may be missing, each source's warnings.
            var tokenSaved = TellRotation(context, client.Tokens, credentialsFile, tokenStore);
            foreach (var gap in run.Manifest.Sources.Select(source => source.Gap).OfType<RecentlyPlayedGap>())
            {
                CliErrors.Warn(context.Errors, gap.Summary + " Extract more often (hourly is safe); your data export fills the gap ('spotify-etl import').");
            }
            foreach (var source in run.Manifest.Sources)
            {
                foreach (var warning in source.Warnings ?? [])
                {
                    CliErrors.Warn(context.Errors, $"{source.Source}: {warning}");
                }
            }
            // Said once: the line of a source that stopped for this very reason already says it, and that the state is saved.
            if (run.Manifest.StopReason is { } reason && !run.Manifest.Sources.Any(source =>
                    source.Status == SourceStatus.Stopped && source.Error?.Trim().TrimEnd('.') == reason.Trim().TrimEnd('.')))
            {
                CliErrors.Warn(context.Errors, $"{reason} The state is saved: run again later to go on.");
            }
            if (!tokenSaved)
            {
                return ExitCodes.Failure;
            }
            return run.Manifest.Outcome switch
            {
                ExtractionOutcome.Succeeded => ExitCodes.Success,
                ExtractionOutcome.Stopped => ExitCodes.Partial,
                _ => ExitCodes.Failure,
            };
        }
        catch (SpotifyReauthorizationRequiredException exception) when (credentialsUsed is not null)
        {
            // The login that saves a new token into the file this run read, said first: the stack's secret is no concern here.
            var login = $"spotify-etl auth login{(credentialsPath is null ? "" : $" --credentials {ShellWord.Of(credentialsUsed)}")}";
            return CliErrors.Report(new CliException(ExitCodes.NoPermission,
                $"{exception.Refusal} Run '{login}' to save a new one into {credentialsUsed}, then extract again. {SpotifyReauthorizationRequiredException.Why}",
                exception), context.Errors, verbose);
        }
        catch (Exception exception) when (CliErrors.IsExpected(exception))
        {
            return CliErrors.Report(exception, context.Errors, verbose);
        }
    }

    /// <summary>Says where a refresh token Spotify rotated during the run was saved (it is never shown); false when it could not be saved.</summary>
    private static bool TellRotation(CliContext context, SpotifyTokenProvider tokens, string credentialsFile, CredentialsFileTokenStore tokenStore)
    {
        if (tokens.RotationSaveFailure is { } saveFailure)
        {
            context.Errors.WriteLine($"{CliErrors.Program}: Spotify rotated the refresh token but it could not be saved: {saveFailure.Message}. The next run will likely need `spotify-etl auth login`.");
            return false;
        }
        if (tokens.RotatedRefreshToken is null)
        {
            return true;
        }
        if (tokenStore.Replaced)
        {
            context.Errors.WriteLine($"Spotify rotated the refresh token, but {credentialsFile} came to hold other credentials while the run went on " +
                "(a new `spotify-etl auth login`, say): they stand, and the rotated token was not saved.");
            return true;
        }
        var savedTo = tokenStore.SavedTo ?? credentialsFile;
        // Saved beside the file read when that one came to hold another app's credentials meanwhile: the next run must name it.
        context.Errors.WriteLine($"Spotify rotated the refresh token; the new one was saved to {savedTo} (owner-readable only) and is not shown." +
            (savedTo == credentialsFile ? "" : $" Run with --credentials {ShellWord.Of(savedTo)} from now on."));
        return true;
    }

    /// <summary>Why a source failed or stopped, and what to do: the error says both for most; the rest get the general remedy.</summary>
    internal static string SourceProblem(SourceReport source)
    {
        var reason = source.Error?.Trim() is { Length: > 0 } error ? error.TrimEnd('.') + "." : $"it {source.Status.ToWireName()} without a reason recorded.";
        return source.Status == SourceStatus.Stopped
            ? $"{reason} Its state is saved: run again later to go on."
            : $"{reason} The other sources are not held back by it; the manifest has the details.";
    }

    internal static Table SummaryTable(ExtractionManifest manifest)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"Extraction {manifest.RunId}: {manifest.Outcome.ToWireName()} (Spotify requests: {manifest.Requests}, not modified: {manifest.NotModified})");
        table.AddColumns("Source", "Status", "Pages", "Items", "Requests", "Not modified", "Seconds", "Note");
        foreach (var source in manifest.Sources)
        {
            var status = source.Status switch
            {
                SourceStatus.Landed => "[green]landed[/]",
                SourceStatus.Unchanged => "[grey]unchanged[/]",
                SourceStatus.Failed => "[red]failed[/]",
                _ => $"[yellow]{source.Status.ToWireName()}[/]",
            };
            // A source's name and Spotify's error text on one line each, tabs and direction controls made plain: the borders line up.
            table.AddRow(
                Markup.Escape(TerminalTable.OneLine(source.Source)),
                status,
                source.Pages.ToString(CultureInfo.InvariantCulture),
                source.Items.ToString(CultureInfo.InvariantCulture),
                source.Requests.ToString(CultureInfo.InvariantCulture),
                source.NotModified.ToString(CultureInfo.InvariantCulture),
                (source.DurationMs / 1000.0).ToString("0.0", CultureInfo.InvariantCulture),
                Markup.Escape(TerminalTable.OneLine(source.Error ?? source.Pass switch
                {
                    ExtractionPass.Full => "full pass",
                    ExtractionPass.Incremental => "incremental pass",
                    _ => "",
                })));
        }
        return table;
    }
}
