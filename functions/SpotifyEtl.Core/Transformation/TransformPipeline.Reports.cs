using System.Text.Json;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Transformation;

/// <summary>The run reports a day's transformation saves: one per run, listing every object of the run.</summary>
public sealed partial class TransformPipeline
{
    /// <summary>One report per run of the day: where it is saved and its JSON.</summary>
    private static List<(string Key, byte[] Json)> SerializeReports(DateOnly date, IReadOnlyList<TransformReport> objects) =>
        objects.GroupBy(o => RunOf(o.RawKey)).Where(g => g.Key is not null)
            .Select(run => (LakeLayout.ReportKey(date, run.Key!), JsonSerializer.SerializeToUtf8Bytes(
                new RunReport(run.Key!, $"{date:yyyy-MM-dd}", run.OrderBy(o => o.RawKey, StringComparer.Ordinal).ToList()),
                TransformReportContext.Default.RunReport)))
            .ToList();

    private async Task SaveReportsAsync(List<(string Key, byte[] Json)> reports, CancellationToken cancellationToken)
    {
        foreach (var (key, json) in reports)
        {
            await lake.PutBytesAsync(key, json, "application/json", cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? RunOf(string rawKey) => RawObjectKey.TryParse(rawKey, out var parsed, out _) ? parsed.RunId : null;
}
