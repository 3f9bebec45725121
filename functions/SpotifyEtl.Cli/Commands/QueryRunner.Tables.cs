using SpotifyEtl.Cli.Queries;
using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;

namespace SpotifyEtl.Cli.Commands;

/// <summary>Whether a lake has tables to answer from, and what to do when it has none yet.</summary>
internal static partial class QueryRunner
{
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
        catch (Exception exception) when (SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            return false;
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
        catch (Exception exception) when (SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            return false;
        }
    }
}
