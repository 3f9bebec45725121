using System.Text;
using SpotifyEtl.Import;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// A staged file of API plays damaged after it was written (cut short or emptied by a crash or a sync tool, changed by
/// hand) is filed again from its day's raw pages by the next transform that reads it: the transform neither fails on it
/// nor reads it as a day without plays, and listening_history comes out as an import of everything writes it. Each
/// earlier day's files get a damage of their own, drawn from the seed.
/// </summary>
public sealed class StagedPlaysDamagedTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Bytes that are no list of whole staged plays, made from the file's own.</summary>
    private static byte[] Damaged(byte[] staged, Random random)
    {
        var text = Encoding.UTF8.GetString(staged);
        var first = System.Text.Json.Nodes.JsonNode.Parse(staged)!.AsArray().FirstOrDefault()?.ToJsonString() ?? """{"ended_at":1,"track_uri":"spotify:track:x"}""";
        string[] damages =
        [
            "",
            "  \n",
            "null",
            "{}",
            "[null]",
            "[{}]",
            "[" + first.Replace("\"track_uri\"", "\"uri\"", StringComparison.Ordinal) + "]",
            "[" + first.Replace("\"ended_at\":", "\"ended_at\":\"x\",\"was\":", StringComparison.Ordinal) + "]",
            "[" + first + "," + first.Replace("spotify:track:", "", StringComparison.Ordinal).Replace("\"track_uri\":\"", "\"track_uri\":null,\"t\":\"", StringComparison.Ordinal) + "]",
            text[..random.Next(1, Math.Max(2, text.Length - 1))],
            text + text,
        ];
        if (random.Next(4) == 0)
        {
            var bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            return bytes;
        }
        return Encoding.UTF8.GetBytes(damages[random.Next(damages.Length)]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(21)]
    public async Task A_damaged_staged_file_is_filed_again_from_its_days_pages_and_the_history_is_the_one_an_import_of_everything_writes(int seed)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(_folder["source"]), seed);
        var days = sample.Days.Keys.ToList();
        var reference = new LocalFolderStore(_folder["reference"]);
        await HistoryPlaysFollowerTests.CopyAsync(sample, reference, days);
        await new ExportImporter(reference, reference).ImportAsync(sample.Export);
        var expected = _folder.Files("reference/transformed/listening_history");
        var stagedExpected = _folder.Files("reference/" + ApiPlayStage.Prefix);

        var lake = new LocalFolderStore(_folder["damaged"]);
        await HistoryPlaysFollowerTests.CopyAsync(sample, lake, days.SkipLast(1));
        await new ExportImporter(lake, lake).ImportAsync(sample.Export);
        var random = new Random(seed);
        var staged = _folder.Files("damaged/" + ApiPlayStage.Prefix);
        Assert.NotEmpty(staged);
        foreach (var (path, bytes) in staged)
        {
            await File.WriteAllBytesAsync(_folder[path], Damaged(bytes, random));
        }
        // A file of another name beside them is no staged file: left alone, and not read.
        var stray = staged.Keys.First()[..(staged.Keys.First().LastIndexOf('/') + 1)] + "notes.txt";
        await File.WriteAllTextAsync(_folder[stray], "kept by hand");

        var keys = await HistoryPlaysFollowerTests.CopyAsync(sample, lake, [days[^1]]);
        var batch = await new TransformPipeline(lake, lake).TransformAsync(keys);

        Assert.Contains(batch.Partitions.Keys, p => p.StartsWith("listening_history/ended_month=", StringComparison.Ordinal));
        FileTreeAssert.Same(
            new SortedDictionary<string, byte[]>(expected.ToDictionary(e => e.Key["reference/".Length..], e => e.Value), StringComparer.Ordinal),
            new SortedDictionary<string, byte[]>(_folder.Files("damaged/transformed/listening_history").ToDictionary(e => e.Key["damaged/".Length..], e => e.Value), StringComparer.Ordinal),
            "listening_history");
        var stagedNow = _folder.Files("damaged/" + ApiPlayStage.Prefix);
        Assert.Equal("kept by hand", Encoding.UTF8.GetString(stagedNow[stray]));
        foreach (var (path, bytes) in stagedExpected)
        {
            Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(stagedNow["damaged/" + path["reference/".Length..]]));
        }
    }
}
