using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>Landing a file into the raw zone gives the lake its own read-only copy, never a second name for the input.</summary>
public sealed class LocalFolderStoreLandingTests : IDisposable
{
    private const string Key = "raw/playlist/snapshot_date=2026-11-20/p1/20261120T060000Z-p0000.json";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(70_000)]
    [InlineData(1_000_000)]
    public async Task A_landed_file_holds_the_input_bytes_under_its_key(int length)
    {
        var input = WriteInput(length, seed: length);
        var lake = new LocalFolderStore(_folder["lake"]);

        lake.Land(Key, input);

        using var landed = await lake.ReadPooledAsync(Key);
        Assert.Equal(File.ReadAllBytes(input), landed.Span.ToArray());
        Assert.Empty(Directory.EnumerateFiles(_folder["lake/.tmp"]));
    }

    [Fact]
    public void Writing_to_the_input_in_place_after_landing_leaves_the_lake_copy_unchanged()
    {
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

    [Fact]
    public void A_landed_file_is_read_only_and_a_second_landing_replaces_it()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix permissions only
        }
        var lake = new LocalFolderStore(_folder["lake"]);
        lake.Land(Key, WriteInput(100, seed: 1));
        var replacement = WriteInput(200, seed: 2);

        lake.Land(Key, replacement);

        var landed = _folder["lake/" + Key];
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(landed));
        Assert.Equal(File.ReadAllBytes(replacement), File.ReadAllBytes(landed));
    }

    [Fact]
    public void Landing_a_missing_file_fails_and_leaves_neither_the_key_nor_a_temporary_file()
    {
        var lake = new LocalFolderStore(_folder["lake"]);

        Assert.Throws<FileNotFoundException>(() => lake.Land(Key, _folder["nothere.json"]));

        Assert.False(File.Exists(_folder["lake/" + Key]));
        Assert.Empty(Directory.EnumerateFiles(_folder["lake/.tmp"]));
    }

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
