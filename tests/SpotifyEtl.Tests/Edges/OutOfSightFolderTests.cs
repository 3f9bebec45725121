using System.Text.Json;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Edges;

/// <summary>
/// A folder of raw/ that this user may not list or search, met where the run lists a day or the recently-played pages
/// (a source's folder, a day of it, a playlist's folder of a day; no permission, read alone, search alone, write alone):
/// the run names it (exit 3) and holds every row of the rest, so no transform publishes a day without its playlists'
/// entries and no import a table without the API's plays, in silence.
/// </summary>
public sealed class OutOfSightFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<string> _locked = [];

    private static readonly UnixFileMode[] Modes =
    [
        UnixFileMode.None,
        UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute,
        UnixFileMode.UserWrite,
    ];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 6)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_folder_out_of_sight_when_a_day_is_listed_is_named_and_the_day_holds_every_row_of_the_rest(int seed)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permissions only
        }
        PermissionBoundProcess.AssertAFolderCanBeDenied();
        var random = new Random(seed);
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 3, Items: 20, Seed: seed));
        // The recently-played pages come in by --input: the run's keys are theirs alone, so the folder is met where each day is listed.
        var input = _folder["input"];
        Directory.CreateDirectory(Path.Combine(input, "raw"));
        Directory.Move(Path.Combine(lake, "raw", "recently_played"), Path.Combine(input, "raw", "recently_played"));
        var folders = Directory.GetDirectories(Path.Combine(lake, "raw"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var hidden = folders[random.Next(folders.Count)];
        var hiddenKey = Path.GetRelativePath(lake, hidden).Replace(Path.DirectorySeparatorChar, '/');
        var mode = Modes[random.Next(Modes.Length)];
        // A source's folder that may be searched, not listed, hides nothing from the listing of a day below it.
        var hidesNothing = mode == Modes[2] && hiddenKey.Count(c => c == '/') == 1;
        // What the run should write: the lake without that folder.
        var reference = _folder["reference"];
        TempFolder.CopyTree(lake, reference);
        if (!hidesNothing)
        {
            Directory.Delete(Path.Combine(reference, hiddenKey), recursive: true);
        }
        Assert.Equal(0, SpotifyEtlProcess.RunIn(_folder.Path, "transform", "--input", Path.Combine(input, "raw"), "--lake", reference).ExitCode);
        File.SetUnixFileMode(hidden, mode);
        _locked.Add(hidden);

        var (exitCode, output, errors) = PermissionBoundProcess.Run("transform", "--input", Path.Combine(input, "raw"), "--lake", lake, "--json");

        Assert.True(exitCode == (hidesNothing ? 0 : 3), $"{hiddenKey} ({mode}): exit {exitCode}: {errors}");
        if (hidesNothing)
        {
            FileTreeAssert.Same(FileTreeAssert.FilesUnder(reference, "transformed"), FileTreeAssert.FilesUnder(lake, "transformed"), "the tables, against the lake's own");
            return;
        }
        var unreadable = JsonDocument.Parse(output).RootElement.GetProperty("unreadable_objects").EnumerateArray()
            .Select(entry => (Key: entry.GetProperty("raw_key").GetString()!, Reason: entry.GetProperty("reason").GetString()!)).ToList();
        Assert.NotEmpty(unreadable);
        Assert.All(unreadable, entry => Assert.True(entry.Key == hiddenKey || entry.Key.StartsWith(hiddenKey + "/", StringComparison.Ordinal),
            $"{entry.Key} reported, {hiddenKey} hidden"));
        if (unreadable.Any(entry => entry.Key == hiddenKey))
        {
            Assert.Equal(UnlistableFolderException.Reason, unreadable.Single().Reason);
        }
        File.SetUnixFileMode(hidden, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        FileTreeAssert.Same(FileTreeAssert.FilesUnder(reference, "transformed"), FileTreeAssert.FilesUnder(lake, "transformed"), "the tables, against the lake without that folder's");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Recently_played_pages_out_of_sight_are_named_and_the_import_holds_the_plays_of_the_rest(int seed)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permissions only
        }
        PermissionBoundProcess.AssertAFolderCanBeDenied();
        var random = new Random(seed);
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 4, Items: 10, Seed: seed));
        Assert.Equal(0, SpotifyEtlProcess.RunIn(_folder.Path, "transform", "--lake", lake).ExitCode);
        var export = Path.Combine(_folder.Path, "my_spotify_data.zip");
        File.WriteAllBytes(export, SampleExport.Write(new SampleExportOptions(120, seed)).Zips[0].Zip);
        var pages = Path.Combine(lake, "raw", "recently_played");
        var hidden = random.Next(3) == 0 ? pages : Directory.GetDirectories(pages).Order(StringComparer.Ordinal).ElementAt(random.Next(4));
        var hiddenKey = Path.GetRelativePath(lake, hidden).Replace(Path.DirectorySeparatorChar, '/');
        var reference = _folder["reference"];
        TempFolder.CopyTree(lake, reference);
        Directory.Delete(Path.Combine(reference, hiddenKey), recursive: true);
        var expected = SpotifyEtlProcess.RunIn(_folder.Path, "import", export, "--lake", reference, "--json");
        Assert.True(expected.ExitCode == 0, expected.Errors);
        var mode = Modes[random.Next(Modes.Length)];
        File.SetUnixFileMode(hidden, mode);
        _locked.Add(hidden);

        var (exitCode, output, errors) = PermissionBoundProcess.Run("import", export, "--lake", lake, "--json");

        Assert.True(exitCode == 3, $"{hiddenKey} ({mode}): exit {exitCode}: {errors}");
        Assert.True(errors.Contains($"{hidden}, recently-played pages: {UnlistableFolderException.Reason}. Their plays are not in listening_history: " +
                                    "give this user read and search permission on it", StringComparison.Ordinal), $"{hiddenKey} ({mode}): {errors}");
        var report = JsonDocument.Parse(output).RootElement;
        var plays = report.GetProperty("api_plays");
        var page = Assert.Single(plays.GetProperty("unreadable_pages").EnumerateArray());
        Assert.Equal(hiddenKey, page.GetProperty("raw_key").GetString());
        var want = JsonDocument.Parse(expected.Output).RootElement;
        Assert.Equal(want.GetProperty("api_plays").GetProperty("rows_read").GetInt32(), plays.GetProperty("rows_read").GetInt32());
        Assert.Equal(want.GetProperty("history_rows").GetInt32(), report.GetProperty("history_rows").GetInt32());
    }

    public void Dispose()
    {
        foreach (var locked in _locked)
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        _folder.Dispose();
    }
}
