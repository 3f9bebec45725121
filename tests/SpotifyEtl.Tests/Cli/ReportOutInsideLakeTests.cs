using System.Security.Cryptography;
using SpotifyEtl.Tests.Queries;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// <c>report --out</c> naming a file in one of the lake's folders, or one of them: the page would replace a raw object, an
/// imported export file or a table. It is refused before anything is written, and every file of the lake keeps its bytes.
/// </summary>
public sealed class ReportOutInsideLakeTests : IDisposable
{
    /// <summary>Files a lake keeps, one in each of its folders (and the tool's own), each as --out would name it.</summary>
    private static readonly string[] Kept =
    [
        "raw/top_tracks/snapshot_date=2026-11-14/short_term/20261114T060000Z-p0001.json",
        "raw/spotify_export/extended_audio/361ac2bd.json",
        "quarantine/top_tracks/snapshot_date=2026-11-14/short_term/20261114T060000Z-p0002.json",
        "staging/current/days/2026-11/snapshot_date=2026-11-14.digest",
        "state/cursors.json",
        "manifests/20261114T060000Z.json",
        ".tmp/lake.lock",
    ];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<int, string> Outs()
    {
        var data = new TheoryData<int, string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Kept.Length; i++)
        {
            var file = Kept[i];
            var folder = file[..file.IndexOf('/', StringComparison.Ordinal)];
            // The file itself, its folder (the report would go in as report.html), the folder with a slash, and a new file there.
            foreach (var form in new[] { file, folder, folder + "/", folder + "/new-report.html", Path.GetDirectoryName(file)! + "/", folder.ToUpperInvariant() + "/" }
                .Distinct(StringComparer.Ordinal).Where(form => !seen.Contains(form) && seen.Add(form)))
            {
                data.Add(i, form);
            }
        }
        data.Add(-1, "transformed/songs/snapshot_date=2026-11-20/songs.csv");
        data.Add(-1, ".spotify-etl-sample");
        return data;
    }

    [Theory]
    [MemberData(nameof(Outs))]
    public void An_out_inside_the_lakes_folders_is_refused_and_no_file_of_the_lake_changes(int kept, string output)
    {
        var lake = Lake();
        var before = Digests(lake);

        var (exit, _, errors) = SpotifyEtlProcess.RunIn(_folder.Path, "report", "--lake", lake, "--out", Path.Combine(lake, output));

        Assert.True(exit == 64, $"--out {output}: exit {exit}: {errors}");
        // A folder named alone takes the report inside it, as report.html: that is in the folder too.
        var top = File.Exists(Path.Combine(lake, output)) && !output.Contains('/', StringComparison.Ordinal) ? null : output.Split('/')[0];
        Assert.Contains(top is null ? "a file the tool keeps in the lake" : $"inside the lake's {top}/", errors, StringComparison.Ordinal);
        Assert.Contains($"the report goes to {Path.Combine(lake, "report.html")}", errors, StringComparison.Ordinal);
        Assert.Equal(before, Digests(lake));
        Assert.True(kept < 0 || File.Exists(Path.Combine(lake, Kept[kept])));
    }

    [Theory]
    [InlineData(null, "report.html")]
    [InlineData("report.html", "report.html")]
    [InlineData("listening.html", "listening.html")]
    [InlineData("pages/", "pages/report.html")]
    public void The_lakes_own_folder_and_a_folder_of_the_users_own_in_it_take_the_report(string? output, string written)
    {
        var lake = Lake();
        var before = Digests(lake);

        var (exit, _, errors) = output is null
            ? SpotifyEtlProcess.RunIn(_folder.Path, "report", "--lake", lake)
            : SpotifyEtlProcess.RunIn(_folder.Path, "report", "--lake", lake, "--out", Path.Combine(lake, output));

        Assert.True(exit == 0, errors);
        Assert.EndsWith("</html>", File.ReadAllText(Path.Combine(lake, written)).TrimEnd(), StringComparison.Ordinal);
        var after = Digests(lake);
        Assert.All(before, kept => Assert.Equal(kept.Value, after[kept.Key]));
    }

    /// <summary>The fixture lake, with a file in each folder a lake keeps.</summary>
    private string Lake()
    {
        var lake = LakeDatabaseTests.CopyOfFixtureLake(_folder[$"lake-{Guid.NewGuid():N}"]);
        foreach (var file in Kept)
        {
            var path = Path.Combine(lake, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, $"kept: {file}\n");
        }
        File.WriteAllText(Path.Combine(lake, ".spotify-etl-sample"), "{}\n");
        return lake;
    }

    private static Dictionary<string, string> Digests(string lake) =>
        Directory.EnumerateFiles(lake, "*", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(lake, file), file => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))), StringComparer.Ordinal);
}
