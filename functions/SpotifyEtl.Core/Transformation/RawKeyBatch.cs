using SpotifyEtl.Lake;

namespace SpotifyEtl.Transformation;

/// <summary>
/// The raw keys of one transform call, sorted by what becomes of them: the runs of each snapshot date to
/// transform, the keys passed over with their reason (outside <c>raw/</c>, the data export's files), and
/// the names under <c>raw/</c> the layout does not know, which are set aside rather than passed over.
/// <see cref="HoldsExportFiles"/>: some keys were landed export files (a lake given whole to <c>transform --input</c>).
/// </summary>
internal sealed record RawKeyBatch(
    SortedDictionary<DateOnly, SortedSet<string>> RunsByDate,
    IReadOnlyList<TransformReport> Ignored,
    IReadOnlyList<(string Key, string Reason)> Misnamed,
    bool HoldsExportFiles)
{
    public static RawKeyBatch Sort(IEnumerable<string> rawKeys)
    {
        var ignored = new List<TransformReport>();
        var runsByDate = new SortedDictionary<DateOnly, SortedSet<string>>();
        var misnamed = new List<(string Key, string Reason)>();
        var exportFiles = false;
        foreach (var key in rawKeys.Distinct(StringComparer.Ordinal))
        {
            if (!key.StartsWith(LakeLayout.Raw, StringComparison.Ordinal))
            {
                ignored.Add(TransformReport.Ignored(key, $"not under {LakeLayout.Raw}"));
            }
            else if (!key.EndsWith(RawObjectKey.Extension, StringComparison.Ordinal))
            {
                // Under raw/, every entry is read or reported: a name the layout does not know is set aside, not passed over.
                misnamed.Add((key, NotJson));
            }
            else if (key.StartsWith(Import.ExportRawKey.Prefix, StringComparison.Ordinal))
            {
                ignored.Add(TransformReport.Ignored(key, "a file of the user's data export: the import turns it into listening_history"));
                exportFiles = true;
            }
            else if (!RawObjectKey.TryParse(key, out var parsed, out var problem))
            {
                misnamed.Add((key, LayoutReason(key, problem)));
            }
            else
            {
                if (!runsByDate.TryGetValue(parsed.SnapshotDate, out var runs))
                {
                    runsByDate[parsed.SnapshotDate] = runs = new SortedSet<string>(StringComparer.Ordinal);
                }
                runs.Add(parsed.RunId);
            }
        }

        return new RawKeyBatch(runsByDate, ignored, misnamed, exportFiles);
    }

    /// <summary>Why an entry under raw/ whose name does not end in .json is set aside.</summary>
    public const string NotJson = $"its name does not end in {RawObjectKey.Extension}, as every raw object's does";

    /// <summary>Why a key under raw/ is set aside for its layout; one under a raw/ inside raw/ says what it most likely is.</summary>
    public static string LayoutReason(string key, string problem) =>
        $"its key does not follow the raw layout: {problem}" + (key.StartsWith(LakeLayout.RawInsideRaw, StringComparison.Ordinal)
            ? "; a raw/ folder inside raw/ looks like a sample or a copy written one level too deep: move what it holds up into raw/"
            : "");
}
