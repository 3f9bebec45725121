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
        foreach (var source in Enum.GetValues<RawSource>())
        {
            foreach (var day in days)
            {
                var folder = Path.Combine(quarantine, source.ToKeySegment(), LakeLayout.SnapshotSegment(day));
                if (!Directory.Exists(folder))
                {
                    continue;
                }
                try
                {
                    foreach (var copy in LakeFiles.Under(folder).Where(f => f.EndsWith(RawObjectKey.Extension, StringComparison.Ordinal)).ToList())
                    {
                        var key = LakeLayout.Raw + Path.GetRelativePath(quarantine, copy).Replace(Path.DirectorySeparatorChar, '/');
                        if (notThrough.Contains(key))
                        {
                            continue;
                        }
                        // The copy first: a reason left alone is removed at the next start, a copy is never without its reason.
                        File.Delete(copy);
                        File.Delete(copy + LakeLayout.ReasonSuffix);
                        removed++;
                    }
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // A folder of quarantine/ this user may not change: its copies stay, as they would on AWS.
                }
            }
        }
        return removed;
    }
}
