using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// A damaged table file whose day the lake keeps no raw object of: its tables copied without raw/, or that day's raw
/// objects gone. A transform would leave the file as it is, so query does not advise one (each would name the other in a
/// loop): it says the lake cannot rebuild that day, and that the file is to be copied back or moved out; moved out, the
/// questions are answered.
/// </summary>
public sealed class DamagedFileWithoutRawTests : IDisposable
{
    private static readonly string[] Daily = ["songs", "albums", "artists", "song_artists", "playlists", "playlist_entries", "plays"];
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Query_says_the_lake_keeps_no_raw_object_of_the_files_day_and_not_to_transform(int seed)
    {
        var random = new Random(seed);
        var made = _folder["made"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", made, "--days", "3", "--items", "20", "--seed", $"{seed}").ExitCode);
        var transformed = DemoCommandTests.RunCli("transform", "--lake", made);
        Assert.True(transformed.ExitCode == 0, transformed.Errors);
        var lake = made;
        if (seed % 2 == 1)
        {
            // Only the tables copied (synced from the transformed bucket, say): no raw/ at all.
            lake = _folder["tables only"];
            CopyFolder(Path.Combine(made, "transformed"), Path.Combine(lake, "transformed"));
        }
        var table = Daily[random.Next(Daily.Length)];
        var files = Directory.GetFiles(Path.Combine(lake, "transformed", table), "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var file = files[random.Next(files.Count)];
        var day = Path.GetFileName(Path.GetDirectoryName(file))!["snapshot_date=".Length..];
        if (seed % 2 == 0)
        {
            // That day's raw objects gone from the lake (moved elsewhere by hand): the other days' stay.
            foreach (var dayFolder in Directory.GetDirectories(Path.Combine(lake, "raw"), $"snapshot_date={day}", SearchOption.AllDirectories))
            {
                Directory.Move(dayFolder, _folder[$"elsewhere {Guid.NewGuid():N}"]);
            }
        }
        DamagedTableFileTests.Damage(file, random);

        var refused = DemoCommandTests.RunCli("query", "--lake", lake);

        Assert.True(refused.ExitCode == 65, $"exit {refused.ExitCode}: {refused.Errors}");
        Assert.Contains($"the lake keeps no raw object of {day} to rebuild it from", refused.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("spotify-etl transform", refused.Errors, StringComparison.Ordinal);
        File.Move(file, _folder[$"moved out {seed}.parquet"]);
        var answered = DemoCommandTests.RunCli("query", "--lake", lake);
        Assert.True(answered.ExitCode == 0, $"moved out: exit {answered.ExitCode}: {answered.Errors}");
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
