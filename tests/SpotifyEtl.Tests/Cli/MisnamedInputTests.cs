using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A .json file of an --input whose place under raw/ is no raw object's (notes, a page renamed by hand, a wrong date) is
/// not landed: in the lake's raw/ it would be set aside by this transform and every later one, and only a person could
/// remove it. It is skipped with a warning naming it; the input keeps it and the rest lands.
/// </summary>
public sealed class MisnamedInputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Places under an input's raw/ that follow no layout the transform reads.</summary>
    public static TheoryData<string> Misnamed() =>
    [
        "raw/notes.json",
        "raw/playlist_items/notes.json",
        "raw/playlist_items/snapshot_date=2026-11-20/notes.json",
        "raw/playlist_items/snapshot_date=2026-11-20/FHWnr5sY30lVpbEngK7h07/page-1.json",
        "raw/playlist_items/snapshot_date=2026-02-30/FHWnr5sY30lVpbEngK7h07/20260230T060000Z-p0001.json",
        "raw/playlist_items/snapshot_date=20261120/FHWnr5sY30lVpbEngK7h07/20261120T060000Z-p0001.json",
        "raw/podcasts/snapshot_date=2026-11-20/me/20261120T060000Z-p0001.json",
        "raw/recently_played/snapshot_date=2026-11-20/me/20261120T060000Z-p0001.json.json",
        // A data export's file is landed under the SHA-256 of its bytes: another name, or other bytes, is no file the import landed.
        "raw/spotify_export/notes.json",
        "raw/spotify_export/podcasts/" + new string('0', 64) + ".json",
        "raw/spotify_export/extended_audio/" + new string('0', 64) + ".json",
        "raw/spotify_export/extended_audio/Streaming_History_Audio_2024.json",
    ];

    [Theory]
    [MemberData(nameof(Misnamed))]
    public void A_misnamed_input_file_is_skipped_and_never_lands_in_the_lakes_raw(string place)
    {
        var input = _folder["input"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", input, "--days", "1", "--items", "10").ExitCode);
        var misnamed = Path.Combine(input, place);
        Directory.CreateDirectory(Path.GetDirectoryName(misnamed)!);
        File.WriteAllText(misnamed, """{"items": []}""");
        var lake = _folder["lake"];

        var run = DemoCommandTests.RunCli("transform", "--input", Path.Combine(input, "raw"), "--lake", lake);

        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"skipped {misnamed}: it would land as {place}", run.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(lake, place)), "the misnamed file is not in the lake");
        Assert.True(File.Exists(misnamed), "the input keeps it");
        Assert.False(Directory.Exists(Path.Combine(lake, "quarantine")) && Directory.EnumerateFiles(Path.Combine(lake, "quarantine"), "*", SearchOption.AllDirectories).Any(),
            "nothing of the lake is set aside");

        var again = DemoCommandTests.RunCli("transform", "--lake", lake);
        Assert.True(again.ExitCode == 0, $"a later transform of the lake is clean: exit {again.ExitCode}: {again.Errors}");
    }
}
