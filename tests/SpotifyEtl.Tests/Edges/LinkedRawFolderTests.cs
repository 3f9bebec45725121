using System.Text.Json;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Edges;

/// <summary>
/// A folder of raw/ (a source's, a day's, a subject's) moved elsewhere and linked back: `transform` names the link, which
/// the lake does not follow, and reads nothing behind it on any day, so the tables are those of the lake without that
/// folder. The walk of the lake passed the link over while each day's listing went through it, so the days other sources
/// also had took its objects and the others did not.
/// </summary>
public sealed class LinkedRawFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task A_linked_folder_of_raw_is_named_and_nothing_behind_it_reaches_a_table(int seed)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // symbolic links to folders need a privilege there
        }
        var random = new Random(seed);
        var linked = _folder["linked"];
        await new SampleGenerator(new LocalFolderStore(linked)).WriteAsync(new SampleOptions(Days: 3, Items: 5, Seed: seed));
        var without = _folder["without"];
        TempFolder.CopyTree(linked, without);
        // A source's folder, a day's or a subject's: depth 1, 2 or 3 below raw/.
        var raw = Path.Combine(linked, "raw");
        var depth = 1 + (seed % 3);
        var folders = Directory.GetDirectories(raw, "*", SearchOption.AllDirectories)
            .Where(folder => Path.GetRelativePath(raw, folder).Split(Path.DirectorySeparatorChar).Length == depth)
            .Order(StringComparer.Ordinal).ToList();
        var chosen = folders[random.Next(folders.Count)];
        var key = Path.GetRelativePath(linked, chosen).Replace(Path.DirectorySeparatorChar, '/');
        var elsewhere = _folder["elsewhere"];
        Directory.Move(chosen, elsewhere);
        Directory.CreateSymbolicLink(chosen, elsewhere);
        Directory.Delete(Path.Combine(without, Path.GetRelativePath(linked, chosen)), recursive: true);

        var run = DemoCommandTests.RunCli("transform", "--lake", linked, "--json");
        var alone = DemoCommandTests.RunCli("transform", "--lake", without);

        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Errors}");
        var unread = JsonDocument.Parse(run.Output).RootElement.GetProperty("unreadable_objects").EnumerateArray()
            .Select(entry => entry.GetProperty("raw_key").GetString()).ToList();
        Assert.Equal([key], unread);
        Assert.True(alone.ExitCode is 0 or 3, $"exit {alone.ExitCode}: {alone.Errors}");
        Assert.Equal(InputMistakeTests.TableFiles(without), InputMistakeTests.TableFiles(linked));
        Assert.True(Directory.EnumerateFiles(elsewhere, "*.json", SearchOption.AllDirectories).Any(), "nothing behind the link was removed");
    }
}
