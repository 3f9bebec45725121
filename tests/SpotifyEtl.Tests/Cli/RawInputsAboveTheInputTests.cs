using SpotifyEtl.Cli.Shell;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// <c>transform --input</c> names a file that does not end in .json only where raw objects are kept: in a folder named
/// <c>raw</c> at or below the input (the input may be a lake's <c>raw/</c>). The folders above the input are the user's own,
/// and one of them named <c>raw</c> (<c>~/data/raw/spotify</c>, a common layout) made every such file of the input a
/// mistake: the sample's own marker, a README, a <c>.DS_Store</c>, each warned of, and the run ending with exit 3.
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
    public void Only_files_in_a_raw_folder_at_or_below_the_input_are_named_as_mistakes(int seed)
    {
        var random = new Random(seed);
        // Folders above the input, one or more of them named raw.
        var above = Enumerable.Range(0, random.Next(1, 4)).Select(i => random.Next(3) == 0 ? $"data{i}" : "raw").Append("raw").OrderBy(_ => random.Next()).ToList();
        var inputIsRaw = random.Next(2) == 0;
        var input = _folder[string.Join('/', above.Append(inputIsRaw ? "raw" : $"spotify{seed}"))];
        var pages = inputIsRaw ? input : Path.Combine(input, "raw");
        var page = Path.Combine(pages, "recently_played", "snapshot_date=2026-03-04", "me", "20260304T060000Z-p0001.json");
        Directory.CreateDirectory(Path.GetDirectoryName(page)!);
        File.WriteAllText(page, "{}");

        var expected = new List<string>();
        foreach (var name in OtherFiles.OrderBy(_ => random.Next()).Take(random.Next(1, OtherFiles.Length + 1)))
        {
            // Beside the pages' folder at the input's top: a mistake only where the input is itself a raw/.
            var top = Path.Combine(input, name);
            if (!Directory.Exists(top))
            {
                File.WriteAllText(top, "x");
                if (inputIsRaw)
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
