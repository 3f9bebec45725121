using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// Runs the named queries (queries/*.sql, embedded in this tool; the same files the stack turns into
/// Athena named queries) against a local lake with DuckDB inside this process.
/// </summary>
internal static partial class QueryRunner
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
}
