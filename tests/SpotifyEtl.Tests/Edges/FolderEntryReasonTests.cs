using System.Text.Json;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Edges;

/// <summary>
/// A folder under raw/ that is no object (one this user may not list, a link to a folder), at generated places and
/// with generated names: `spotify-etl transform` reports it with what it is, and with nothing about its name, which no
/// folder's could mend.
/// </summary>
public sealed class FolderEntryReasonTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<string> _locked = [];

    private const string NotListable = "it is a folder this user may not list (permission denied), so the objects in it cannot be read";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task A_folder_that_cannot_be_listed_or_is_linked_is_reported_for_what_it_is_alone(int seed)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permissions only
        }
        PermissionBoundProcess.AssertAFolderCanBeDenied();
        var lake = _folder["lake"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 2, Items: 5, Seed: seed));
        var random = new Random(seed);
        var folders = Directory.GetDirectories(Path.Combine(lake, "raw"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            var locked = Path.Combine(folders[random.Next(folders.Count)], Name(random, i));
            Directory.CreateDirectory(locked);
            File.WriteAllText(Path.Combine(locked, "inside.json"), "{}");
            File.SetUnixFileMode(locked, UnixFileMode.None);
            _locked.Add(locked);
            expected[Key(lake, locked)] = NotListable;

            var link = Path.Combine(folders[random.Next(folders.Count)], Name(random, 3 + i));
            Directory.CreateSymbolicLink(link, folders[random.Next(folders.Count)]);
            expected[Key(lake, link)] = "it is a folder (or a link to one) where an object's file is expected; the lake does not follow links to folders";
        }

        var (exitCode, output, errors) = PermissionBoundProcess.Run("transform", "--lake", lake, "--json");

        Assert.True(exitCode == 3, $"exit {exitCode}: {errors}");
        var reasons = JsonDocument.Parse(output).RootElement.GetProperty("unreadable_objects").EnumerateArray()
            .ToDictionary(entry => entry.GetProperty("raw_key").GetString()!, entry => entry.GetProperty("reason").GetString()!, StringComparer.Ordinal);
        Assert.Equal(expected.OrderBy(pair => pair.Key, StringComparer.Ordinal), reasons.OrderBy(pair => pair.Key, StringComparer.Ordinal));
    }

    /// <summary>
    /// The lake's raw/ folder itself out of this user's sight: the objects may all be there, so the run says it cannot list
    /// them (exit 74, with what to do), not that there are none (exit 65), and writes nothing.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_raw_folder_this_user_may_not_list_is_named_as_such_not_reported_as_holding_no_objects(int seed)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permissions only
        }
        PermissionBoundProcess.AssertAFolderCanBeDenied();
        var lake = _folder[$"lake{seed}"];
        await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 1 + seed, Items: 3, Seed: seed));
        var raw = Path.Combine(lake, "raw");
        // No permission at all, or no read permission: either way the folder cannot be listed. (Read without search lists the
        // names, and each object that cannot be opened is named on its own: the case above.)
        File.SetUnixFileMode(raw, seed % 2 == 0 ? UnixFileMode.None : UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _locked.Add(raw);
        var before = Directory.EnumerateFileSystemEntries(lake).Order(StringComparer.Ordinal).ToList();

        var (exitCode, output, errors) = PermissionBoundProcess.Run("transform", "--lake", lake);

        Assert.True(exitCode == 74, $"exit {exitCode}: {errors}");
        Assert.Contains($"{raw} is a folder this user cannot list (permission denied", errors, StringComparison.Ordinal);
        Assert.Contains("give this one read and search permission on it", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("No raw objects", errors, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(lake).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// A table file this user may not read (a lake shared by another user): the answers that read it say so and who can
    /// mend it, not that the file is damaged and must be written again, which only its owner could do and which mends nothing.
    /// </summary>
    [Theory]
    [InlineData(1, "csv")]
    [InlineData(2, "csv")]
    [InlineData(3, "parquet")]
    [InlineData(4, "parquet")]
    public async Task A_table_file_this_user_may_not_read_is_named_as_such_not_as_damaged(int seed, string format)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permissions only
        }
        PermissionBoundProcess.AssertAFolderCanBeDenied();
        var lake = _folder[$"shared{seed}"];
        if (format == "csv")
        {
            Queries.LakeDatabaseTests.CopyOfFixtureLake(lake);
        }
        else
        {
            await new SampleGenerator(new LocalFolderStore(lake)).WriteAsync(new SampleOptions(Days: 2, Items: 5, Seed: seed));
            Assert.Equal(0, SpotifyEtlProcess.RunIn(_folder.Path, "transform", "--lake", lake).ExitCode);
        }
        var files = Directory.GetFiles(Path.Combine(lake, "transformed"), $"*.{format}", SearchOption.AllDirectories)
            .Where(file => !file.Contains("_current", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var locked = files[new Random(seed).Next(files.Count)];
        File.SetUnixFileMode(locked, UnixFileMode.None);
        _locked.Add(locked);

        var (exitCode, output, errors) = PermissionBoundProcess.Run("query", "--lake", lake, "--json");

        // Whichever opens the file first, DuckDB reading a Parquet table or the tool checking a CSV one, it is named alike,
        // and the questions that do not read its table are answered.
        Assert.True(exitCode == 65, $"exit {exitCode}: {errors}");
        Assert.Contains($"Table '{TableOf(locked)}' cannot be read: this user may not read its file {Key(lake, locked)} (permission denied). " +
                        "Ask the lake's owner for read access", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("is damaged", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("writable", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Access to the path", errors, StringComparison.Ordinal);
        Assert.NotEqual(0, JsonDocument.Parse(output).RootElement.GetArrayLength());
    }

    /// <summary>The table a file of the lake's transformed/ folder belongs to.</summary>
    private static string TableOf(string file)
    {
        var parts = file.Split(Path.DirectorySeparatorChar);
        return parts[Array.LastIndexOf(parts, "transformed") + 1];
    }

    /// <summary>A folder's name that does not end in .json (letters, digits, spaces, dots, other scripts), told apart by <paramref name="index"/>.</summary>
    private static string Name(Random random, int index)
    {
        const string characters = "abcXYZ019 ._-éß漢";
        var name = new string(Enumerable.Range(0, random.Next(1, 12)).Select(_ => characters[random.Next(characters.Length)]).ToArray());
        name = name.Trim().TrimEnd('.') is { Length: > 0 } trimmed && trimmed != ".." ? trimmed : "folder";
        name += index;
        return random.Next(3) switch
        {
            0 => name + ".JSON",
            1 => name + ".txt",
            _ => name,
        };
    }

    private static string Key(string lake, string path) => Path.GetRelativePath(lake, path).Replace(Path.DirectorySeparatorChar, '/');

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
