using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation;

/// <summary>A day's raw objects as its transform reads them, and the entries of its folders that no run reads.</summary>
public sealed partial class TransformPipeline
{
    /// <summary>
    /// Entries the days' listings found that no run of the day reads, each with why it is set aside, reported once the days
    /// stand: no object (a folder this user may not list, a link), a name that does not end in .json, or a key outside the
    /// raw layout (the staged path folds runs, and such a key belongs to none; the local path's fold sets it aside itself).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _outsideTheDay = new(StringComparer.Ordinal);

    /// <summary>Every raw object of one day, from every source, with its version tag.</summary>
    public async Task<List<ObjectVersion>> ListDayAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var day = new List<ObjectVersion>();
        foreach (var source in Enum.GetValues<RawSource>())
        {
            var prefix = $"{LakeLayout.Raw}{source.ToKeySegment()}/{LakeLayout.SnapshotSegment(date)}/";
            try
            {
                await foreach (var version in raw.ListVersionsAsync(prefix, cancellationToken).ConfigureAwait(false))
                {
                    if (version.Key.EndsWith('/'))
                    {
                        // A folder marker (the S3 console's "Create folder", some sync tools): no object, nothing to set aside.
                        continue;
                    }
                    if (!version.Key.EndsWith(RawObjectKey.Extension, StringComparison.Ordinal))
                    {
                        // A stray upload (".JSON", ".json.gz") or an entry that is no object: on S3 the manifest's event names
                        // the day and not the entry, so the day's listing is the one place it is seen.
                        _outsideTheDay.TryAdd(version.Key, RawKeyBatch.NotJson);
                        continue;
                    }
                    if (!RawObjectKey.TryParse(version.Key, out _, out var problem))
                    {
                        _outsideTheDay.TryAdd(version.Key, RawKeyBatch.LayoutReason(version.Key, problem));
                    }
                    day.Add(version);
                }
            }
            catch (UnlistableFolderException blocked)
            {
                // The source's folder of the day, or one above it, out of this user's sight: the day is rebuilt from what can
                // be read, and the folder reported (exit 3 on the command line), not passed over as if it held nothing.
                _outsideTheDay.TryAdd(blocked.Key, RawKeyBatch.NotJson);
            }
        }
        day.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return day;
    }
}
