using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Lake;
using SpotifyEtl.Transformation;

namespace SpotifyEtl.Cli.Commands;

internal static partial class TransformCommand
{
    /// <summary>What a transform leaves to look at, on stderr, after its summary: each a line saying what to do.</summary>
    /// <param name="partial">The playlists the lake's latest day holds only part of: an earlier day's can no longer be extracted, and is in --json alone.</param>
    private static void Warn(Run run, string lake, List<PartialPlaylist> partial)
    {
        // The report's tables name each object and its reason; stderr says that there is something to read in them, and what to do.
        var again = $"then run 'spotify-etl transform --lake {ShellWord.Of(lake)}' again";
        if (run.Report.Quarantined is > 0 and var quarantined)
        {
            var (them, stay, leave) = quarantined == 1 ? ("it", "object stays", "its copy leaves") : ("them", "objects stay", "their copies leave");
            CliErrors.Warn(Console.Error, $"{Counted.Of(quarantined, "raw object was", "raw objects were")} set aside under " +
                $"{Path.Combine(lake, LakeLayout.Quarantine.TrimEnd('/'))}, each copy with a .reason.txt beside it saying what was wrong; " +
                $"the raw {stay} under {Path.Combine(lake, LakeLayout.Raw.TrimEnd('/'))}. Fix {them} there or re-extract {them}, {again}: " +
                $"it reads {them} through, and {leave} quarantine/.");
        }
        if (run.Report.Unreadable > 0)
        {
            CliErrors.Warn(Console.Error, $"{Counted.Of(run.Report.Unreadable, "entry", "entries")} " +
                $"could not be read and {(run.Report.Unreadable == 1 ? "was" : "were")} not copied (the report says why): make each a readable file " +
                $"or move it away, {again}.");
        }
        if (run.Report.Objects.Any(o => o.Status == TransformStatus.Quarantined && o.RawKey.StartsWith(LakeLayout.RawInsideRaw, StringComparison.Ordinal)))
        {
            var nested = Path.Combine(lake, LakeLayout.Raw, LakeLayout.Raw.TrimEnd('/'));
            CliErrors.Warn(Console.Error, $"{nested} is a raw/ folder inside raw/, which looks like a sample or a copy written one level too deep: " +
                $"move what it holds up into {Path.Combine(lake, LakeLayout.Raw.TrimEnd('/'))} and remove the copies set aside, then transform again.");
        }
        if (run.UnfinishedLandings.Count > 0)
        {
            CliErrors.Warn(Console.Error, UnfinishedTransform.LandingWarning(lake, run.UnfinishedLandings));
        }
        else if (UnfinishedTransform.Warning(lake) is { } unfinished)
        {
            // An earlier run's days this one did not write, or current-state tables this one (or a 'current' stopped) left behind.
            CliErrors.Warn(Console.Error, unfinished);
        }
        if (run.UnfinishedImport is { Warning: var import })
        {
            // The run brought the API's plays into a history built from the files that import landed, which may not be all.
            CliErrors.Warn(Console.Error, import);
        }
        if (run.Report.UnreadableItems > 0)
        {
            // Items of a shape this version cannot read are skipped, not fatal: the run reports name each page and the reason.
            CliErrors.Warn(Console.Error, $"{run.Report.UnreadableItems} {(run.Report.UnreadableItems == 1 ? "item" : "items")} inside raw pages could not be read and " +
                $"{(run.Report.UnreadableItems == 1 ? "was" : "were")} skipped; the rest of each page was transformed. The run reports under " +
                $"{Path.Combine(lake, LakeLayout.Reports.TrimEnd('/'))} name each page and why (\"unreadable_reasons\"); the raw pages stay as they are.");
        }
        if (partial.Count > 0)
        {
            // The day's entries are a stopped run's part of the list: the playlist looks shorter that day than it was.
            var named = string.Join(", ", partial.Take(3).Select(p => $"{p.PlaylistId} on {p.SnapshotDate:yyyy-MM-dd} ({p.Entries:N0} of {p.Total:N0} items)"));
            CliErrors.Warn(Console.Error, $"{partial.Count} {(partial.Count == 1 ? "playlist's day holds" : "playlists' days hold")} only part of the list: {named}" +
                $"{(partial.Count > 3 ? $", and {partial.Count - 3} more (--json lists them)" : "")}. Every extraction of that day that read it stopped partway (a failure, a rate limit, " +
                "an interruption), so that day's playlist_entries lack the rest. Extract again the same day (UTC), and transform: a run that lands the whole list replaces the part; " +
                "once a later day is extracted, this day keeps its part.");
        }
    }

}
