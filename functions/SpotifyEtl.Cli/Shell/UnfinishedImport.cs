using System.Globalization;
using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// An import into a local lake that did not finish (<c>state/unfinished-import.txt</c>, the time it began): written before
/// the import lands a file, taken off only by an import that rebuilds the table, so an import interrupted, killed or stopped
/// by a full disk leaves it behind, and so does one that imported nothing. <c>listening_history</c> may then lack months
/// of the export, or hold an earlier import's: <c>query</c>, <c>report</c> and <c>current</c> say so and what to run,
/// rather than answer from it as if whole, as they do for an unfinished transform (<see cref="UnfinishedTransform"/>). The
/// next import that rebuilds the table takes it off.
/// </summary>
internal static class UnfinishedImport
{
    private const string FileName = "unfinished-import.txt";

    public static string PathOf(string lake) => Path.Combine(lake, LakeLayout.State, FileName);

    /// <summary>Marks the lake's import as begun, before it lands or writes anything; flushed, as a power cut is one way it ends.</summary>
    public static void Begin(string lake, DateTimeOffset now) =>
        DurableFile.Replace(PathOf(lake), Encoding.UTF8.GetBytes(now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + "\n"));

    /// <summary>Takes the mark off: the import ended, its table written.</summary>
    public static void End(string lake) => File.Delete(PathOf(lake));

    /// <summary>The warning for a lake whose last import did not finish; null for one whose every import did.</summary>
    public static string? Warning(string lake)
    {
        string began;
        try
        {
            began = File.ReadAllText(PathOf(lake)).Trim();
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var when = DateTimeOffset.TryParse(began, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? $" (begun {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC)"
            : "";
        return $"the last import into this lake did not finish{when}: listening_history may lack months of the export, and answers from it " +
               $"leave them out. Import the export again, or the copies the lake keeps of it: 'spotify-etl import {Path.Combine(lake, LakeLayout.Raw, StackContract.RawSources.SpotifyExport)} --lake {lake}'.";
    }
}
