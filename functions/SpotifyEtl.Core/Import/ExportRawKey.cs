using System.Text.RegularExpressions;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;

namespace SpotifyEtl.Import;

/// <summary>
/// Where a streaming-history file of the export lands, unchanged: <c>raw/spotify_export/{kind}/{sha256}.json</c>.
/// The key is derived from the content and the kind its name (or, failing that, its keys) gives it, so importing the
/// same file again from any zip lands nothing new. Renamed so that it is recognised as another kind (an
/// <c>endsong_0.json</c> offered as <c>history.json</c>), it lands a second time; its rows are then exact duplicates
/// of the first's, counted once in the history.
/// </summary>
public sealed partial record ExportRawKey(ExportFileKind Kind, string Hash)
{
    public const string Source = StackContract.RawSources.SpotifyExport;
    public const string Prefix = LakeLayout.Raw + Source + "/";

    public override string ToString() => $"{Prefix}{Kind.ToKeySegment()}/{Hash}.json";

    public static ExportRawKey For(ExportFileKind kind, ReadOnlySpan<byte> content) =>
        new(kind, ContentHash.Sha256(content));

    public static bool TryParse(string key, out ExportRawKey parsed)
    {
        parsed = null!;
        var match = KeyPattern().Match(key);
        if (!match.Success || !ExportFileKinds.TryParseSegment(match.Groups["kind"].Value, out var kind))
        {
            return false;
        }
        parsed = new ExportRawKey(kind, match.Groups["hash"].Value);
        return true;
    }

    [GeneratedRegex(@"^raw/spotify_export/(?<kind>[a-z_]+)/(?<hash>[0-9a-f]{64})\.json$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
