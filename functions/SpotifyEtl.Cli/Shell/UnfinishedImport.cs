using System.Globalization;
using System.Text;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Cli.Shell;

/// <summary>
/// An import into a local lake that did not finish (<c>state/unfinished-import.txt</c>, the time it began): written before
/// the import lands a file, taken off only by an import that rebuilds the table, so an import interrupted, killed or stopped
/// by a full disk leaves it behind. <c>listening_history</c> may then lack months of the export, or hold an earlier
/// import's: <c>query</c>, <c>report</c> and <c>current</c> say so and what to run, rather than answer from it as if whole,
/// as they do for an unfinished transform (<see cref="UnfinishedTransform"/>). The next import that rebuilds the table takes
/// it off. One that landed nothing and wrote no table (the wrong folder, a zip cut short) puts it back as it found it: absent
/// on a lake whose imports all finished, with its first time on one whose last did not.
/// </summary>
internal static class UnfinishedImport
{
    private const string FileName = "unfinished-import.txt";

    public static string PathOf(string lake) => Path.Combine(lake, LakeLayout.State, FileName);

    /// <summary>Marks the lake's import as begun, before it lands or writes anything; flushed, as a power cut is one way it ends.</summary>
    public static void Begin(string lake, DateTimeOffset now) =>
        DurableFile.Replace(PathOf(lake), Encoding.UTF8.GetBytes(now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + "\n"));

    /// <summary>The mark as it stands (the time an unfinished import began); null for none.</summary>
    public static string? Read(string lake) => UnfinishedTransform.ReadMark(PathOf(lake));

    /// <summary>
    /// Puts back the mark as <see cref="Read"/> found it before <see cref="Begin"/>: for an import that landed and wrote
    /// nothing, which left the lake as it was, and so its history as whole, or as unfinished, as it was before.
    /// </summary>
    public static void Restore(string lake, string? before)
    {
        if (before is null)
        {
            End(lake);
        }
        else
        {
            DurableFile.Replace(PathOf(lake), Encoding.UTF8.GetBytes(before));
        }
    }

    /// <summary>Takes the mark off: the import ended, its table written.</summary>
    public static void End(string lake) => File.Delete(PathOf(lake));

    /// <summary>The warning for a lake whose last import did not finish; null for one whose every import did.</summary>
    public static string? Warning(string lake) => Pending(lake)?.Warning;

    /// <summary>A lake's unfinished import, from one read of the mark: when it began and its warning; null for none.</summary>
    public static (string Began, string Warning)? Pending(string lake) =>
        Read(lake)?.Trim() is { } began ? (began, WarningSince(lake, began)) : null;

    private static string WarningSince(string lake, string began)
    {
        var when = DateTimeOffset.TryParse(began, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? $" (begun {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC)"
            : "";
        // The copies are named, not offered as the whole export: an import stopped while it landed them kept only some.
        var copies = LocalLake.ExportCopies(lake);
        var kept = Directory.Exists(copies)
            ? $" The copies the lake keeps of it hold only the files that landed before it stopped ('spotify-etl import {ShellWord.Of(copies)} --lake {ShellWord.Of(lake)}' imports those)."
            : "";
        return $"the last import into this lake did not finish{when}: listening_history may lack months of the export, and answers from it " +
               $"leave them out. Import the export again: 'spotify-etl import <the export's zip or folder> --lake {ShellWord.Of(lake)}'.{kept}";
    }
}
