using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// Runs the named queries (queries/*.sql, embedded in this tool; the same files the stack turns into
/// Athena named queries) against a local lake with DuckDB inside this process.
/// </summary>
internal static class QueryRunner
{
    /// <summary>
    /// The answers of the queries asked for. A query whose tables have a damaged file is left out and its reason kept
    /// (once per reason): the others still answer, and <see cref="Answers.ThrowIfDamaged"/> ends the command with
    /// exit 65 once they are printed. A terminal's stderr shows which query runs, n of N, as it does for every verb with or without --json.
    /// </summary>
    public static async Task<Answers> RunAsync(string lake, string? query, CancellationToken cancellationToken, bool currentFromPartitions = false,
        bool types = false)
    {
        var selected = Select(query);
        // Opened before the display starts: a warning about the lake's tables is printed on a line of its own.
        using var database = Open(lake, currentFromPartitions);
        return await RunAsync(database, lake, selected, cancellationToken, types).ConfigureAwait(false);
    }

    /// <summary>The answers of <paramref name="selected"/> from a database of the lake already open (<see cref="Open"/>), which stays open.</summary>
    public static async Task<Answers> RunAsync(LakeDatabase database, string lake, IReadOnlyList<NamedQuery> selected, CancellationToken cancellationToken,
        bool types = false)
    {
        var answers = await ProgressDisplay.RunStepsAsync("Running the named queries", step => Task.FromResult(Answer(database, selected, types, step, cancellationToken)))
            .ConfigureAwait(false);
        return answers with { HoldsHistory = LakeViews.TableFiles(lake, TableNames.ListeningHistory).Count > 0 };
    }

    private static Answers Answer(LakeDatabase database, IReadOnlyList<NamedQuery> selected, bool types, Action<int, int, string> step,
        CancellationToken cancellationToken)
    {
        var answered = new List<(NamedQuery Query, QueryResult Result)>();
        var unanswered = new Dictionary<string, string>(StringComparer.Ordinal);
        var damaged = new List<string>();
        void Damaged(string reason)
        {
            if (!damaged.Contains(reason))
            {
                damaged.Add(reason);
            }
        }
        foreach (var (index, named) in selected.Index())
        {
            cancellationToken.ThrowIfCancellationRequested();
            step(index + 1, selected.Count, named.Name);
            try
            {
                answered.Add((named, Run(database, named, types)));
            }
            catch (CliException exception) when (exception.ExitCode == ExitCodes.DataError)
            {
                Damaged(exception.Message);
                unanswered[named.Name] = exception.Message;
            }
        }
        // A value found damaged by a later query was read by the answers before it too: they are left out as well.
        var results = new List<QueryResult>();
        foreach (var (named, result) in answered)
        {
            if (database.Damage(named.Sql) is { } damage)
            {
                Damaged(damage.Message);
                unanswered[named.Name] = damage.Message;
            }
            else
            {
                results.Add(result);
            }
        }
        var answers = results.ToDictionary(r => r.Name, StringComparer.Ordinal);
        return new Answers(results, damaged)
        {
            Asked = [.. selected.Select(named => answers.GetValueOrDefault(named.Name) ?? new QueryResult(named.Name, named.Question, [], []) { Error = unanswered.GetValueOrDefault(named.Name, "no answer") })],
        };
    }

    /// <summary>The answers, and why the queries left out could not answer.</summary>
    public sealed record Answers(List<QueryResult> Results, IReadOnlyList<string> Damaged)
    {
        /// <summary>Every query asked for, in order: its answer, or (<see cref="QueryResult.Error"/>) why it has none.</summary>
        public IReadOnlyList<QueryResult> Asked { get; init; } = [];

        /// <summary>Whether the lake holds an imported listening history (a month of its table), which an empty answer's hint heeds.</summary>
        public bool HoldsHistory { get; init; }

        public void ThrowIfDamaged()
        {
            if (Damaged.Count > 0)
            {
                throw new CliException(ExitCodes.DataError, string.Join($"\n{CliErrors.Program}: ", Damaged));
            }
        }
    }

    /// <summary>The queries asked for: one by name, or all of them.</summary>
    public static IReadOnlyList<NamedQuery> Select(string? query)
    {
        if (query is null)
        {
            return NamedQueries.All;
        }
        // The name as the file names it, in any case: "SKIP_RATE", "skip_rate.sql" and "queries/skip_rate.sql" (or
        // "./queries/skip_rate.sql", as a shell completes it) are skip_rate. A file elsewhere ("~/my-sql/top_artists.sql") is
        // not the named query of its name: --query takes names, not files.
        var written = query.Trim();
        var name = Path.GetFileName(written);
        var folder = Path.GetDirectoryName(written) ?? "";
        while (folder.StartsWith("./", StringComparison.Ordinal))
        {
            folder = folder[2..];
        }
        name = name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) && folder is "" or "." or "queries" or "queries/" ? name[..^".sql".Length] : written;
        if (NamedQueries.All.SingleOrDefault(q => string.Equals(q.Name, name, StringComparison.OrdinalIgnoreCase)) is { } named)
        {
            return [named];
        }
        var meant = Suggestion.For(name, NamedQueries.All.Select(q => q.Name));
        throw new CliException(ExitCodes.Usage, $"No named query '{query}'." +
            (meant.Count > 0 ? $" Did you mean {string.Join(" or ", meant.Select(m => $"'{m}'"))}?" : "") +
            $" Choose one of: {string.Join(", ", NamedQueries.All.Select(q => q.Name))}.");
    }

    /// <summary>
    /// Whether the lake's raw/ holds a file of the API's responses (under any source's folder but the data export's, and
    /// not the tool's own working folders), which a transform reads; false where raw/ cannot be listed.
    /// </summary>
    private static bool HoldsApiResponses(string lake)
    {
        var raw = Path.Combine(lake, LakeLayout.Raw.TrimEnd('/'));
        try
        {
            return Directory.Exists(raw) && Directory.EnumerateDirectories(raw)
                .Where(folder => Path.GetFileName(folder) is var name && name != StackContract.RawSources.SpotifyExport && !name.StartsWith('.'))
                .Any(folder => LakeFiles.Under(folder).Any());
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A database over the lake's tables; a lake that is missing or not yet transformed is named with what to do.</summary>
    /// <param name="ofCurrentTables">Whether to warn of current-state tables behind the partitions: not for <c>current</c>, which brings them up to date.</param>
    public static LakeDatabase Open(string lake, bool currentFromPartitions = false,
        IReadOnlyDictionary<string, IReadOnlyList<(string Name, ColumnType Type)>>? tables = null, bool ofCurrentTables = true)
    {
        MustHoldTables(lake);
        // Held until the database is disposed: no process replaces a table file while it is read (LakeLock.EnterReader).
        var reading = LakeLock.EnterReader(Path.GetFullPath(lake), Interruptible.Token);
        try
        {
            var database = LakeDatabase.Open(lake, tables, currentFromPartitions);
            database.Reading = reading;
            try
            {
                Warn(lake, database, ofCurrentTables);
            }
            catch
            {
                database.Dispose(); // and its hold on the lake, which the catches below let go of again (a second dispose does nothing)
                throw;
            }
            return database;
        }
        catch (LakeException exception)
        {
            reading?.Dispose();
            throw new CliException(ExitCodes.DataError, exception.Message);
        }
        catch (QueryFailedException exception)
        {
            reading?.Dispose();
            throw new CliException(ExitCodes.DataError, $"The lake's tables cannot be read: {exception.Message}");
        }
        catch
        {
            reading?.Dispose();
            throw;
        }
    }

    private static bool HoldsTables(string lake) => Directory.Exists(Path.Combine(lake, LakeLayout.Transformed.TrimEnd('/'))) && LakeViews.HasTables(lake);

    /// <summary>
    /// Refuses, naming what to do, a lake that is missing, a file, or not yet transformed (no table file). With
    /// <paramref name="importFills"/>, an import of the data export is named among what fills it (for the verbs that read
    /// its history; not for <c>current</c>, which rebuilds from the API's tables alone).
    /// </summary>
    public static void MustHoldTables(string lake, bool importFills = true)
    {
        LocalLake.MustNotBeAFile(lake);
        if (!Directory.Exists(lake))
        {
            throw new CliException(ExitCodes.NoInput, $"The lake {Path.GetFullPath(lake)} does not exist: give --lake the folder 'spotify-etl transform', 'import' or 'demo' wrote (it holds transformed/).");
        }
        // No transformed/ folder, or one without a table file (a transform that failed before its first, an emptied folder):
        // every answer would be "(no rows)", which reads as a lake with nothing in it rather than one not transformed yet.
        // Unless a first import or transform is writing them now: its tables are the ones to answer from.
        if (!HoldsTables(lake))
        {
            LakeLock.WaitForWriter(Path.GetFullPath(lake), Interruptible.Token);
        }
        if (!HoldsTables(lake))
        {
            // The folder above a lake (of a demo, say) is named with the lakes it holds: transforming it would fail in its turn.
            LocalLake.MustHoldALake(lake);
            // A first import stopped before it wrote the table: its files landed, and only the import run again builds it (for
            // a verb that reads the history; raw API responses to transform come first).
            var unfinishedImport = UnfinishedImport.Warning(lake);
            if (importFills && !HoldsApiResponses(lake) && unfinishedImport is not null)
            {
                throw new CliException(ExitCodes.NoInput, $"The lake {Path.GetFullPath(lake)} has no table to answer from yet: " + unfinishedImport);
            }
            // An import of an export that holds no stream landed its files and wrote no table: a transform would say there is
            // nothing to transform, and send the user back here.
            if (unfinishedImport is null && HoldsImportedFiles(lake))
            {
                throw new CliException(ExitCodes.NoInput, $"The lake {Path.GetFullPath(lake)} holds an imported streaming history with no stream in it " +
                    $"(its files under {LakeLayout.Raw}{StackContract.RawSources.SpotifyExport}/ hold none), and no table to answer from: import an export " +
                    $"that holds streams ('spotify-etl import my_spotify_data.zip --lake {ShellWord.Of(lake)}'), or add API responses " +
                    $"('spotify-etl extract', then 'spotify-etl transform --lake {ShellWord.Of(lake)}').");
            }
            // A landing stopped partway: only its input completes the raw files, which a transform of the lake alone would leave short.
            throw new CliException(ExitCodes.NoInput, $"The lake {Path.GetFullPath(lake)} has no transformed/ tables yet: " + (UnfinishedTransform.Landings(lake) is { Count: > 0 } landings
                ? UnfinishedTransform.LandingWarning(lake, landings)
                : HoldsApiResponses(lake)
                    ? $"run 'spotify-etl transform --lake {ShellWord.Of(lake)}' first."
                    : $"run 'spotify-etl extract', then 'spotify-etl transform --lake {ShellWord.Of(lake)}'" + (importFills
                        ? $", or import your Spotify data export ('spotify-etl import my_spotify_data.zip --lake {ShellWord.Of(lake)}') first."
                        : " first.")));
        }
    }

    /// <summary>What the answers of an opened lake may lack, said on stderr before any is printed.</summary>
    private static void Warn(string lake, LakeDatabase database, bool ofCurrentTables)
    {
        if (Report.TransformedTables.CountQuarantined(lake) is > 0 and var quarantined)
        {
            CliErrors.Warn(Console.Error, $"{quarantined:N0} raw object(s) of this lake are set aside under quarantine/, each with a .reason.txt saying why: " +
                "the answers may leave out what they hold (a playlist with a page set aside, and no whole list landed that day, lists only its other " +
                $"pages' entries). A copy leaves quarantine/ once a 'spotify-etl transform --lake {ShellWord.Of(lake)}' reads its raw object through (mended by hand, or " +
                "read by a version that knows its shape) or finds it removed from raw/.");
        }
        if (PartialPlaylistDays.Warning(lake, database) is { } partial)
        {
            CliErrors.Warn(Console.Error, partial);
        }
        if (UnfinishedImport.Warning(lake) is { } unfinishedImport)
        {
            CliErrors.Warn(Console.Error, unfinishedImport);
        }
        if (UnfinishedTransform.Warning(lake, ofCurrentTables) is { } unfinished)
        {
            // It explains missing current-state tables too, which the run writes last.
            CliErrors.Warn(Console.Error, unfinished);
        }
        else if (ofCurrentTables && database.ComputedCurrent.Count > 0)
        {
            CliErrors.Warn(Console.Error, $"the lake has no {string.Join(", ", database.ComputedCurrent)} (transformed with --no-current-tables, or by an " +
                $"older version): computed from every day's partition instead, which is slower on a long lake. 'spotify-etl current --lake {ShellWord.Of(lake)}' writes them.");
        }
    }

    public static QueryResult Run(LakeDatabase database, NamedQuery query, bool types = false)
    {
        try
        {
            return database.Run(query, types);
        }
        catch (QueryFailedException exception)
        {
            throw new CliException(ExitCodes.Failure, exception.Message);
        }
        catch (LakeException exception)
        {
            throw new CliException(ExitCodes.DataError, exception.Message);
        }
    }

    /// <summary>Whether an import landed files in the lake (its raw copy of the export).</summary>
    private static bool HoldsImportedFiles(string lake)
    {
        var folder = LocalLake.ExportCopies(lake);
        try
        {
            return Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Any();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
