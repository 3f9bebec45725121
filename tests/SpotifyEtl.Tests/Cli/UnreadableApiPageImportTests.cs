using System.Text.Json;
using SpotifyEtl.Import;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// An import rebuilds listening_history from the export and every recently-played page in the lake. A page it cannot read
/// leaves that page's plays out of the table: the import says so (exit 3, the page named on stderr with its reason and in the
/// report), as it says of every file of the export it could not read, instead of a clean exit over a table short of plays;
/// and it sets the page aside in quarantine, as a transform does, so that later imports count it without being partial for good.
/// </summary>
public sealed class UnreadableApiPageImportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public enum Damage
    {
        CutShort,
        Emptied,
        ZeroBytes,
        NotJson,
        AnotherShape,
        Folder,
        DanglingLink,
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 7)];

    /// <summary>A clean export of a few streams, years before the sample's days: an import of it alone needs no attention.</summary>
    private string WriteExport(Random random)
    {
        var folder = Directory.CreateDirectory(_folder["export"]).FullName;
        var rows = Enumerable.Range(0, random.Next(3, 9)).Select(i => new Dictionary<string, object?>
        {
            ["ts"] = new DateTime(2020, 1 + i, 1 + random.Next(28), random.Next(24), 0, 0, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["platform"] = "android",
            ["ms_played"] = random.Next(30_000, 240_000),
            ["conn_country"] = "SE",
            ["master_metadata_track_name"] = $"Song {i}",
            ["master_metadata_album_artist_name"] = "Artist",
            ["master_metadata_album_album_name"] = "Album",
            ["spotify_track_uri"] = $"spotify:track:{i:D22}",
            ["reason_start"] = "trackdone",
            ["reason_end"] = "trackdone",
            ["shuffle"] = false,
            ["skipped"] = false,
            ["offline"] = false,
            ["incognito_mode"] = false,
        });
        File.WriteAllText(Path.Combine(folder, "Streaming_History_Audio_2020.json"), JsonSerializer.Serialize(rows));
        return folder;
    }

    private static void Spoil(string path, Damage damage, Random random)
    {
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        switch (damage)
        {
            case Damage.CutShort:
                File.WriteAllBytes(path, bytes[..random.Next(1, bytes.Length - 1)]);
                break;
            case Damage.Emptied:
                File.WriteAllBytes(path, []);
                break;
            case Damage.ZeroBytes:
                // A copy cut off by a crash keeps its length, the rest never written.
                var from = random.Next(1, bytes.Length - 1);
                Array.Clear(bytes, from, bytes.Length - from);
                File.WriteAllBytes(path, bytes);
                break;
            case Damage.NotJson:
                File.WriteAllBytes(path, [.. Enumerable.Range(0, random.Next(1, 400)).Select(_ => (byte)random.Next(0x80, 0x100))]);
                break;
            case Damage.AnotherShape:
                File.WriteAllText(path, random.Next(2) == 0 ? "[]" : "{\"error\": {\"status\": 502, \"message\": \"Bad gateway\"}}");
                break;
            case Damage.Folder:
                Directory.CreateDirectory(path);
                break;
            case Damage.DanglingLink:
                File.CreateSymbolicLink(path, path + ".gone");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task An_import_that_cannot_read_a_recently_played_page_names_it_and_exits_partial(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: random.Next(2, 6), Items: 5, Seed: seed));
        var export = WriteExport(random);
        var clean = DemoCommandTests.RunCli("import", export, "--lake", lake, "--json");
        Assert.True(clean.ExitCode == 0, clean.Errors);
        using var cleanReport = JsonDocument.Parse(clean.Output);
        var pagesRead = cleanReport.RootElement.GetProperty("api_plays").GetProperty("objects").GetInt32();

        var pages = Directory.GetFiles(Path.Combine(lake, ApiPlayReader.Prefix), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(pages.Count, pagesRead);
        var page = pages[random.Next(pages.Count)];
        var damage = (Damage)(seed % Enum.GetValues<Damage>().Length);
        Spoil(page, damage, random);
        var key = Path.GetRelativePath(lake, page).Replace('\\', '/');

        // The person's view: the page named on stderr with what to do, among the files left out, and counted.
        var shown = DemoCommandTests.RunCli("import", export, "--lake", lake);

        Assert.True(shown.ExitCode == 3, $"{damage}: exit {shown.ExitCode}; {shown.Errors}");
        Assert.Contains($"{page}, a recently-played page: ", shown.Errors, StringComparison.Ordinal);
        Assert.Contains("Its plays are not in listening_history", shown.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", shown.Errors, StringComparison.Ordinal);
        Assert.Contains("Files in the lake left out", shown.Output, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(page), shown.Output, StringComparison.Ordinal);
        Assert.Matches(@"recently-played pages unreadable \(their plays left out\)\s*│\s*1\s", shown.Output);

        // A page that could be read as bytes was set aside with its reason, as a transform sets it aside: the next import
        // counts it and is not partial again over it. One that cannot be copied (a folder, a link to nothing) is named again.
        var again = DemoCommandTests.RunCli("import", export, "--lake", lake, "--json");
        using var report = JsonDocument.Parse(again.Output);
        var api = report.RootElement.GetProperty("api_plays");
        var quarantine = Path.Combine(lake, "quarantine", Path.GetRelativePath(Path.Combine(lake, "raw"), page));
        if (damage is Damage.Folder or Damage.DanglingLink)
        {
            Assert.True(again.ExitCode == 3, $"{damage}: exit {again.ExitCode}; {again.Errors}");
            Assert.Equal(key, Assert.Single(api.GetProperty("unreadable_pages").EnumerateArray()).GetProperty("raw_key").GetString());
            Assert.True(report.RootElement.GetProperty("needs_attention").GetBoolean());
        }
        else
        {
            Assert.True(again.ExitCode == 0, $"{damage}: exit {again.ExitCode}; {again.Errors}");
            Assert.Empty(api.GetProperty("unreadable_pages").EnumerateArray());
            var setAside = Assert.Single(api.GetProperty("set_aside_pages").EnumerateArray());
            Assert.Equal(key, setAside.GetProperty("raw_key").GetString());
            Assert.False(string.IsNullOrWhiteSpace(setAside.GetProperty("reason").GetString()));
            Assert.True(File.Exists(quarantine), quarantine);
            Assert.True(File.Exists(quarantine + ".reason.txt"));
            Assert.Equal(File.ReadAllBytes(page), File.ReadAllBytes(quarantine));
            Assert.DoesNotContain(page, again.Errors, StringComparison.Ordinal);
        }
        Assert.True(File.Exists(page) || Directory.Exists(page) || new FileInfo(page).LinkTarget is not null, "the raw page is never removed");
    }
}
