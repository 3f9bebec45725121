using System.Diagnostics;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Edges;

/// <summary>
/// The file system's odd entries in a local lake, several of each kind at generated places: dangling links,
/// link loops, links to folders (a loop through a parent), FIFOs, sparse files over 2 GiB, paths past the
/// system's limit, folders named like objects (empty or not), names that do not end in .json, names that are no UTF-8. Each is reported once with
/// what it is, nothing hangs, the good objects are transformed, and the tool exits 3.
/// </summary>
public sealed class OddEntriesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose()
    {
        // The path past the system's limit is beyond what one call can remove.
        Run("rm", "-rf", _folder.Path);
        _folder.Dispose();
    }

    private static readonly DateOnly Day = HostileInputs.Day;

    /// <summary>Makes the odd entries; returns each one's key and a part of the reason it must be reported with.</summary>
    private static List<(string Key, string Reason)> MakeOddEntries(string lake, int seed)
    {
        var random = new Random(seed);
        var entries = new List<(string Key, string Reason)>();
        string Folder(RawSource source, string subject)
        {
            var key = $"raw/{source.ToKeySegment()}/snapshot_date={Day:yyyy-MM-dd}/{subject}";
            Directory.CreateDirectory(Path.Combine(lake, key));
            return key;
        }
        var sources = new[] { RawSource.RecentlyPlayed, RawSource.TopTracks, RawSource.PlaylistItems };
        for (var i = 0; i < 3; i++)
        {
            var source = sources[random.Next(sources.Length)];
            var folder = Folder(source, source == RawSource.TopTracks ? "short_term" : source == RawSource.PlaylistItems ? $"odd{i}" : "me");
            string Key(int page) => $"{folder}/{HostileInputs.Run}-p{page:0000}.json";
            string PathOf(string key) => Path.Combine(lake, key);

            var dangling = Key(100 + i);
            File.CreateSymbolicLink(PathOf(dangling), $"/nonexistent/{Guid.NewGuid():N}");
            entries.Add((dangling, "dangling symbolic link"));

            var loop = Key(200 + i);
            File.CreateSymbolicLink(PathOf(loop), Path.GetFileName(loop));
            entries.Add((loop, "loop of links"));

            var fifo = Key(300 + i);
            Run("mkfifo", PathOf(fifo));
            entries.Add((fifo, "FIFO"));

            var sparse = Key(400 + i);
            using (var file = File.Create(PathOf(sparse)))
            {
                file.SetLength(LocalEntryLimit + 1 + random.Next(1000));
            }
            entries.Add((sparse, "bytes, more than"));

            var folderNamedLikeAnObject = Key(500 + i);
            Directory.CreateDirectory(PathOf(folderNamedLikeAnObject));
            File.WriteAllText(Path.Combine(PathOf(folderNamedLikeAnObject), "inside.json"), "{}");
            entries.Add((folderNamedLikeAnObject + "/inside.json", "raw layout"));
            var emptyFolderNamedLikeAnObject = Key(550 + i);
            Directory.CreateDirectory(PathOf(emptyFolderNamedLikeAnObject));
            entries.Add((emptyFolderNamedLikeAnObject, "a folder"));

            var upward = $"{folder}/up{i}";
            Directory.CreateSymbolicLink(PathOf(upward), "..");
            entries.Add((upward, "links to folders"));

            foreach (var suffix in new[] { ".JSON", ".json.gz", ".json ", ".jso", "" })
            {
                var misnamed = $"{folder}/{HostileInputs.Run}-p{600 + i:0000}{suffix}";
                File.WriteAllText(PathOf(misnamed), "{}");
                entries.Add((misnamed, "does not end in .json"));
            }
            var newline = $"{folder}/{HostileInputs.Run}-p{700 + i:0000}.json\n";
            File.WriteAllText(PathOf(newline), "{}");
            entries.Add((newline, "does not end in .json"));

            // Names whose bytes are no UTF-8 (a Latin-1 é, a stray byte), which .NET shows with U+FFFD: a page, and a folder of
            // pages, reported once by the name the walk gave, not passed over.
            var (bad, at) = ((char)(0xE9 + random.Next(0x16)), random.Next(1, 6));
            var page = $"{HostileInputs.Run}-p{800 + i:0000}.json";
            Run("bash", "-c", "printf '{}' > \"$0/$1\"", PathOf(folder), page);
            Run("python3", "-c", "import os,sys; d=os.fsencode(sys.argv[1]); n=os.fsencode(sys.argv[2]); a=int(sys.argv[3]); " +
                "os.rename(os.path.join(d,n), os.path.join(d, n[:a] + bytes([int(sys.argv[4])]) + n[a:]))", PathOf(folder), page, $"{at}", $"{(int)bad}");
            entries.Add(($"{folder}/{page[..at]}\uFFFD{page[at..]}", "is not UTF-8"));
            var badFolder = $"{folder}/d{i}";
            Directory.CreateDirectory(PathOf(badFolder));
            File.WriteAllText(Path.Combine(PathOf(badFolder), page), "{}");
            Run("python3", "-c", "import os,sys; d=os.fsencode(sys.argv[1]); os.rename(d, d + b'\\xff')", PathOf(badFolder));
            entries.Add((badFolder + "\uFFFD", "is not UTF-8"));
        }
        // A path longer than the system allows, made one folder at a time (no single call can name it).
        var deep = Folder(RawSource.TopTracks, "deep");
        var segment = new string('d', 200);
        Run("bash", "-c", $"cd '{Path.Combine(lake, deep)}' && for i in $(seq 25); do mkdir {segment} && cd {segment}; done && echo '{{}}' > {HostileInputs.Run}-p0001.json");
        // Reported as the first folder on the way down that cannot be listed: named by its prefix here.
        entries.Add((deep + "/", "longer than the system allows"));
        return entries;
    }

    private static readonly long LocalEntryLimit = Array.MaxLength;

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program}: {errors}");
    }

    private static async Task<List<string>> LandGoodAsync(LocalFolderStore lake)
    {
        var keys = new List<string>();
        foreach (var input in HostileInputs.Good())
        {
            await lake.PutTextAsync(input.Key, input.Json, "application/json");
            keys.Add(input.Key);
        }
        return keys;
    }

    [Fact]
    public async Task Each_odd_entry_under_raw_is_reported_once_with_what_it_is_and_the_good_objects_are_transformed()
    {
        var lake = new LocalFolderStore(_folder.Path);
        var good = await LandGoodAsync(lake);
        var odd = MakeOddEntries(_folder.Path, seed: 12);
        var keys = new List<string>();
        await foreach (var key in lake.ListAsync(LakeLayout.Raw))
        {
            keys.Add(key);
        }

        var report = await new TransformPipeline(lake, lake, new TransformOptions { Format = TableFormat.Csv }).TransformAsync(keys).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(report.Objects.Count, report.Objects.Select(o => o.RawKey).Distinct(StringComparer.Ordinal).Count());
        foreach (var key in good)
        {
            Assert.Equal(TransformStatus.Transformed, report.Objects.Single(o => o.RawKey == key).Status);
        }
        foreach (var (key, reason) in odd)
        {
            var outcome = report.Objects.Where(o => o.RawKey == key || (key.EndsWith('/') && o.RawKey.StartsWith(key, StringComparison.Ordinal))).ToList();
            Assert.True(outcome.Count == 1, $"{key!.ReplaceLineEndings("\\n")} was reported {outcome.Count} times: {string.Join(", ", report.Objects.Select(o => o.RawKey))}");
            Assert.NotEqual(TransformStatus.Transformed, outcome[0].Status);
            Assert.Contains(reason, outcome[0].Reason, StringComparison.Ordinal);
            HostileAssertions.AssertPlainReason(outcome[0].Reason!);
        }
        Assert.Equal(good.Count + odd.Count, report.Objects.Count);
        // Nothing raw was moved, and no link loop multiplied the quarantine.
        var quarantined = new List<string>();
        await foreach (var key in lake.ListAsync(LakeLayout.Quarantine))
        {
            quarantined.Add(key);
        }
        Assert.Equal(report.Quarantined * 2, quarantined.Count);
        Assert.True(await lake.ExistsAsync(TableFormat.Csv.PartitionKey(TableNames.Songs, Day)));
    }

    [Fact]
    public async Task Transform_of_a_lake_with_odd_entries_exits_3_and_names_each_one()
    {
        var lakeFolder = _folder["lake"];
        var lake = new LocalFolderStore(lakeFolder);
        await LandGoodAsync(lake);
        var odd = MakeOddEntries(lakeFolder, seed: 99);

        var run = DemoCommandTests.RunCli("transform", "--lake", lakeFolder, "--format", "csv", "--json");

        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Errors}");
        Assert.DoesNotContain("unexpected error", run.Errors, StringComparison.Ordinal);
        foreach (var (key, _) in odd)
        {
            Assert.Contains(System.Text.Json.JsonEncodedText.Encode(key).ToString(), run.Output, StringComparison.Ordinal);
        }
        // Whoever reads stderr alone (the JSON to a script) learns how many entries were left unread and what to do about them.
        var unreadable = System.Text.Json.JsonDocument.Parse(run.Output).RootElement.GetProperty("unreadable_objects").GetArrayLength();
        Assert.True(unreadable > 0, run.Output);
        Assert.Contains($"warning: {(unreadable == 1 ? "1 entry" : $"{unreadable} entries")} could not be read and", run.Errors, StringComparison.Ordinal);
        Assert.Contains($"then run 'spotify-etl transform --lake {lakeFolder}' again", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Transform_of_an_input_folder_with_odd_entries_skips_each_with_a_warning_and_exits_3()
    {
        var input = _folder["input"];
        var odd = MakeOddEntries(input, seed: 7);
        var good = new RawObjectKey(RawSource.TopTracks, Day, "short_term", HostileInputs.Run, 1).ToString();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(input, good))!);
        File.WriteAllText(Path.Combine(input, good), Page(0, Track("t1", "Song", Album("a1", "A", "2020", "year"), Artist("r1", "R"))));

        var run = DemoCommandTests.RunCli("transform", "--input", input, "--lake", _folder["lake"], "--format", "csv");

        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains("transformed", run.Output, StringComparison.Ordinal);
        foreach (var (key, _) in odd.Where(o => !o.Key.Contains("inside.json", StringComparison.Ordinal) && !o.Key.Contains("/up", StringComparison.Ordinal)
            && !o.Key.Contains("/deep/", StringComparison.Ordinal) && !o.Key.EndsWith('\n')))
        {
            Assert.Contains(Path.Combine(input, key), run.Errors, StringComparison.Ordinal);
        }
        // Each name that is no UTF-8, file or folder, is told as such on its own line.
        foreach (var (key, _) in odd.Where(o => o.Reason == "is not UTF-8"))
        {
            Assert.Contains(run.Errors.Split('\n'), line => line.Contains($"{Path.Combine(input, key)}: its name is not UTF-8", StringComparison.Ordinal));
        }
    }
}
