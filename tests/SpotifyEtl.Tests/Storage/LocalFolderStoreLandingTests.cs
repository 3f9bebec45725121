using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// Landing a file into the raw zone gives the lake its own read-only copy, never a second name for the input,
/// whole or not at all: on Linux as an unnamed file named once written, and the portable way (a temporary file
/// moved into place) where that is not available. Every test runs both ways.
/// </summary>
[Collection(UnnamedFileLandingSwitch.Name)]
public sealed class LocalFolderStoreLandingTests : IDisposable
{
    private const string Key = "raw/playlist/snapshot_date=2026-11-20/p1/20261120T060000Z-p0000.json";
    private readonly TempFolder _folder = new();

    public void Dispose()
    {
        UnnamedFileLanding.Enabled = true;
        _folder.Dispose();
    }

    public static TheoryData<bool, int> Lengths()
    {
        var random = new Random(26);
        var data = new TheoryData<bool, int>();
        foreach (var unnamed in new[] { true, false })
        {
            // The edges of a page and of the copy's chunks, and sizes in between drawn at random.
            foreach (var length in new[] { 0, 1, 4_095, 4_096, 4_097, 1 << 20 }.Concat(Enumerable.Range(0, 4).Select(_ => random.Next(2, 3_000_000))))
            {
                data.Add(unnamed, length);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public async Task A_landed_file_holds_the_input_bytes_under_its_key_read_only_and_nothing_else_is_left(bool unnamed, int length)
    {
        UnnamedFileLanding.Enabled = unnamed;
        var input = WriteInput(length, seed: length);
        var lake = new LocalFolderStore(_folder["lake"]);

        lake.Land(Key, input);

        using var landed = await lake.ReadPooledAsync(Key);
        Assert.Equal(File.ReadAllBytes(input), landed.Span.ToArray());
        Assert.Equal([_folder["lake/" + Key]], FilesIn(_folder["lake"]));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(_folder["lake/" + Key]));
        }
    }

    /// <summary>
    /// A listener's export names IP addresses, a user name and devices: its landed files, their quarantined copies and its
    /// zips are the owner's alone, landed or written, whatever the umask; every other file keeps the umask's reading.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Files_of_a_listeners_export_are_the_owners_alone_and_other_files_are_not(bool unnamed)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        UnnamedFileLanding.Enabled = unnamed;
        var lake = new LocalFolderStore(_folder["lake"]);
        var export = "raw/spotify_export/extended_audio/" + new string('a', 64) + ".json";
        string[] personal = [export, "quarantine/spotify_export/account_music/" + new string('b', 64) + ".json", "import/my_spotify_data.zip"];
        string[] shared = [Key, "transformed/songs/snapshot_date=2026-11-20/part-0.parquet", "staging/listening_history/api_plays/ended_month=2026-11/snapshot_date=2026-11-20.json"];
        var random = new Random(unnamed ? 1 : 2);
        lake.Land(export, WriteInput(random.Next(1, 100_000), seed: 1));
        lake.Land(Key, WriteInput(random.Next(1, 100_000), seed: 2));
        foreach (var key in personal.Skip(1).Concat(shared.Skip(1)))
        {
            await lake.PutBytesAsync(key, new byte[random.Next(1, 100_000)], "application/octet-stream");
        }

        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        foreach (var key in personal)
        {
            var mode = File.GetUnixFileMode(_folder["lake/" + key]);
            Assert.True((mode & others) == 0, $"{key}: {mode}");
        }
        foreach (var key in shared)
        {
            var mode = File.GetUnixFileMode(_folder["lake/" + key]);
            Assert.True(mode.HasFlag(UnixFileMode.OtherRead), $"{key}: {mode}");
        }
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(_folder["lake/" + export]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder["lake/" + personal[2]]));
    }

    [Fact]
    public void Many_files_landed_at_once_into_folders_not_yet_made_each_hold_their_own_bytes()
    {
        var inputs = Enumerable.Range(0, 64).Select(i => (Key: $"raw/playlist_items/snapshot_date=2026-11-{20 + i % 3}/p{i % 5}/20261120T060000Z-p{i:D4}.json",
            File: WriteInput(1_000 + i * 997, seed: 100 + i))).ToList();
        var lake = new LocalFolderStore(_folder["lake"]);

        Parallel.ForEach(inputs, input => lake.Land(input.Key, input.File));

        Assert.All(inputs, input => Assert.Equal(File.ReadAllBytes(input.File), File.ReadAllBytes(_folder["lake/" + input.Key])));
        Assert.Equal(inputs.Select(i => _folder["lake/" + i.Key]).Order(StringComparer.Ordinal), FilesIn(_folder["lake"]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Writing_to_the_input_in_place_after_landing_leaves_the_lake_copy_unchanged(bool unnamed)
    {
        UnnamedFileLanding.Enabled = unnamed;
        var input = WriteInput(4_096, seed: 7);
        var original = File.ReadAllBytes(input);
        var lake = new LocalFolderStore(_folder["lake"]);
        lake.Land(Key, input);

        // In place, as an editor that keeps hard links writes, or as root, whom no permission stops.
        using (var stream = new FileStream(input, FileMode.Open, FileAccess.Write))
        {
            stream.Write("CHANGED"u8);
        }
        File.AppendAllText(input, "more");

        Assert.Equal(original, File.ReadAllBytes(_folder["lake/" + Key]));
        Assert.NotEqual(original, File.ReadAllBytes(input));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_second_landing_replaces_the_first_and_stays_read_only(bool unnamed)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permissions only
        }
        UnnamedFileLanding.Enabled = unnamed;
        var lake = new LocalFolderStore(_folder["lake"]);
        lake.Land(Key, WriteInput(100, seed: 1));
        var replacement = WriteInput(200, seed: 2);

        lake.Land(Key, replacement);

        var landed = _folder["lake/" + Key];
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(landed));
        Assert.Equal(File.ReadAllBytes(replacement), File.ReadAllBytes(landed));
        Assert.Equal([landed], FilesIn(_folder["lake"]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Landing_a_missing_file_fails_and_leaves_neither_the_key_nor_a_temporary_file(bool unnamed)
    {
        UnnamedFileLanding.Enabled = unnamed;
        var lake = new LocalFolderStore(_folder["lake"]);

        Assert.Throws<FileNotFoundException>(() => lake.Land(Key, _folder["nothere.json"]));

        Assert.False(File.Exists(_folder["lake/" + Key]));
        Assert.Empty(FilesIn(_folder["lake"]));
    }

    [Fact]
    public void A_folder_where_the_key_would_land_fails_the_landing_and_keeps_the_folder()
    {
        var lake = new LocalFolderStore(_folder["lake"]);
        Directory.CreateDirectory(_folder["lake/" + Key]);

        Assert.ThrowsAny<IOException>(() => lake.Land(Key, WriteInput(10, seed: 3)));

        Assert.True(Directory.Exists(_folder["lake/" + Key]));
        Assert.Empty(FilesIn(_folder["lake"]));
    }

    [Fact]
    public void On_linux_a_new_key_lands_as_an_unnamed_file_and_an_existing_one_is_left_to_the_portable_way()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var first = WriteInput(5_000, seed: 11);
        var second = WriteInput(6_000, seed: 12);
        var target = _folder["lake/raw/a/b.json"];

        Assert.True(UnnamedFileLanding.TryLand(first, target, UnixFileMode.UserRead));
        Assert.False(UnnamedFileLanding.TryLand(second, target, UnixFileMode.UserRead));

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(target));
        Assert.Equal([target], FilesIn(_folder["lake"]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3_000_001)]
    public void On_linux_landing_the_same_bytes_again_leaves_the_landed_file_untouched_and_other_bytes_of_the_same_length_replace_it(int length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var input = WriteInput(length, seed: 21);
        var lake = new LocalFolderStore(_folder["lake"]);
        var landed = _folder["lake/" + Key];
        lake.Land(Key, input);
        var marked = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(landed, marked);

        lake.Land(Key, input);

        Assert.Equal(marked, File.GetLastWriteTimeUtc(landed));
        if (length == 0)
        {
            return;
        }
        // The same length, one byte different: a comparison of lengths alone would keep the old copy.
        var changed = File.ReadAllBytes(input);
        changed[new Random(length).Next(length)] ^= 0x20;
        File.WriteAllBytes(input, changed);

        lake.Land(Key, input);

        Assert.Equal(changed, File.ReadAllBytes(landed));
        Assert.NotEqual(marked, File.GetLastWriteTimeUtc(landed));
        Assert.Equal([landed], FilesIn(_folder["lake"]));
    }

    /// <summary>Every file under the folder, temporary ones included, in ordinal order; none where it does not exist.</summary>
    private static List<string> FilesIn(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList() : [];

    private string WriteInput(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        var path = _folder[$"in/{seed}-{length}.json"];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}

/// <summary>The tests that turn unnamed files off run alone, so that no other test lands meanwhile without them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UnnamedFileLandingSwitch
{
    public const string Name = "unnamed file landing switch";
}
