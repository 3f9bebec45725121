using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

/// <summary>
/// The local lake's <c>quarantine/</c> holds what is still set aside: once a transform has read a quarantined raw
/// object through (fixed or extracted again, or read by a version that learned its shape), its copy and reason are
/// removed, so that neither the folder nor the report's count speaks of a problem that is gone. A day's transformation
/// reads every raw object of the day, so a copy whose raw object is of a day the run transformed and was neither set
/// aside again nor left unread by the run went through, or is gone from <c>raw/</c> (removed by its owner: no
/// transform would ever read it through, and its copy would be warned of for good). Raw objects are never touched.
/// (The transform function on AWS may not delete under <c>quarantine/</c>: there the copy stays.)
/// </summary>
internal static class QuarantineSweep
{
    /// <summary>Removes the copies (and their reasons) of the raw objects the run read through or found gone; returns how many.</summary>
    public static int RemoveReadThrough(string lake, TransformBatchReport report)
    {
        // The days the run transformed: those whose partitions it wrote. A day whose every landed key was set aside unread
        // (a misnamed file) was not read again, and its older copies say nothing of it.
        var days = report.Partitions.Keys.Select(partition => LakeLayout.SnapshotDateOf("/" + partition)).OfType<DateOnly>().ToHashSet();
        // Every object the run did not fold into its day's tables is listed in its report, whatever ListEveryObject says.
        var notThrough = report.Objects.Where(o => o.Status != TransformStatus.Transformed).Select(o => o.RawKey).ToHashSet(StringComparer.Ordinal);
        var quarantine = Path.Combine(lake, LakeLayout.Quarantine.TrimEnd('/'));
        var removed = 0;
        List<string> copies;
        try
        {
            // Every copy (a file with its reason beside it), whatever its name: a misnamed object's (raw/podcasts/…, …/x.JSON,
            // raw/raw/…) too, which goes once its raw object is gone (renamed as its reason said, or removed), or quarantine/
            // would speak of it for good. Anything else there is no copy of this tool's, and stays.
            copies = Directory.Exists(quarantine)
                ? [.. LakeFiles.QuarantinedCopies(quarantine)]
                : [];
        }
        catch (Exception exception) when (SpotifyEtl.Storage.LocalEntry.IsEntryFailure(exception))
        {
            return 0;
        }
        foreach (var copy in copies)
        {
            var key = LakeLayout.Raw + Path.GetRelativePath(quarantine, copy).Replace(Path.DirectorySeparatorChar, '/');
            // Nothing under its name, not even a link that leads nowhere (which the next transform names unreadable).
            var entry = new FileInfo(Path.Combine(lake, key.Replace('/', Path.DirectorySeparatorChar)));
            var gone = !entry.Exists && entry.LinkTarget is null;
            // A raw object of a day the run read, and not set aside again: read through. A misnamed one is read on no day:
            // its copy goes only once the object is gone.
            var transformed = RawObjectKey.TryParse(key, out var parsed, out _) && days.Contains(parsed.SnapshotDate);
            if (notThrough.Contains(key) || !(gone || transformed))
            {
                continue;
            }
            try
            {
                // The copy first: a reason left alone is removed at the next start, a copy is never without its reason.
                File.Delete(copy);
                File.Delete(copy + LakeLayout.ReasonSuffix);
                removed++;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A folder of quarantine/ this user may not change: its copies stay, as they would on AWS.
            }
        }
        return removed;
    }
}
