using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// <c>transform --input</c> names a file that does not end in .json only where raw objects are kept. In an input that holds
/// a <c>raw/</c> (a sample, a lake), that is a folder named <c>raw</c> at or below the input: the folders above it are the
/// user's own, and one of them named <c>raw</c> (<c>~/data/raw/spotify</c>, a common layout) made every such file of the
/// input a mistake (the sample's own marker, a README, a <c>.DS_Store</c>), each warned of, the run ending with exit 3. An
/// input that is a <c>raw/</c>, or lies below one (<c>~/backup/raw/recently_played</c>), lands as part of it: every such
/// file in it is named.
/// </summary>
public sealed class RawInputsAboveTheInputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] OtherFiles = [".spotify-etl-sample", "README.md", ".DS_Store", "notes.txt", "raw"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void A_file_not_ending_in_json_is_named_only_where_landing_takes_its_folder_for_raw_objects(int seed)
    {
        var random = new Random(seed);
        // Folders above the input, one or more of them named raw.
        var above = Enumerable.Range(0, random.Next(1, 4)).Select(i => random.Next(3) == 0 ? $"data{i}" : "raw").Append("raw").OrderBy(_ => random.Next()).ToList();
        // The input: a raw/ itself, a folder holding one (a sample's --out), or a source's folder below a raw/.
        var kind = seed % 3;
        var input = _folder[string.Join('/', above.Append(kind switch { 0 => "raw", 1 => $"spotify{seed}", _ => "recently_played" }))];
        var page = Path.Combine(kind switch { 0 => Path.Combine(input, "recently_played"), 1 => Path.Combine(input, "raw", "recently_played"), _ => input },
            "snapshot_date=2026-03-04", "me", "20260304T060000Z-p0001.json");
        Directory.CreateDirectory(Path.GetDirectoryName(page)!);
        File.WriteAllText(page, "{}");

        var expected = new List<string>();
        foreach (var name in OtherFiles.OrderBy(_ => random.Next()).Take(random.Next(1, OtherFiles.Length + 1)))
        {
            // At the input's top: a mistake but where the input holds a raw/ of its own.
            var top = Path.Combine(input, name);
            if (!Directory.Exists(top))
            {
                File.WriteAllText(top, "x");
                if (kind != 1)
                {
                    expected.Add(top);
                }
            }
            // Among the pages: always a mistake.
            var among = Path.Combine(Path.GetDirectoryName(page)!, name);
            File.WriteAllText(among, "x");
            expected.Add(among);
        }

        var skipped = new List<string>();
        var read = RawInputs.Files(new DirectoryInfo(input), skipped).ToList();

        Assert.Equal([page], read);
        Assert.Equal(expected.Order(StringComparer.Ordinal), skipped.Order(StringComparer.Ordinal));
    }
}
