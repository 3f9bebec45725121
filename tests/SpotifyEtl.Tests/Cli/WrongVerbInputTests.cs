using System.IO.Compression;
using System.Text.RegularExpressions;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// The other verb's input: a data export given to <c>transform --input</c>, or the API's raw responses given to
/// <c>import</c>. Each is refused (exit 65) with the command of the verb that reads it, and that command, run as it is
/// printed, reads it: not advice to make a sample, or to request an export from Spotify.
/// </summary>
public sealed class WrongVerbInputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string History(Random random, int rows) => "[\n" + string.Join(",\n", Enumerable.Range(0, rows).Select(i =>
        $$"""{"ts": "2024-0{{1 + random.Next(9)}}-1{{random.Next(10)}}T10:{{i % 60:D2}}:00Z", "ms_played": {{1000 + random.Next(200_000)}}, "master_metadata_track_name": "Song {{i}}", "master_metadata_album_artist_name": "Artist {{random.Next(5)}}"}""")) + "\n]";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_data_export_given_to_transform_names_the_import_and_that_import_reads_it(int seed)
    {
        var random = new Random(seed);
        var export = _folder[$"Spotify Extended Streaming History {seed}"];
        Directory.CreateDirectory(export);
        var files = Enumerable.Range(0, random.Next(1, 4)).Select(i => Path.Combine(export, $"Streaming_History_Audio_202{i}_{i}.json")).ToList();
        files.ForEach(file => File.WriteAllText(file, History(random, random.Next(1, 40))));
        var zip = _folder[$"my_spotify_data {seed}.zip"];
        ZipFile.CreateFromDirectory(export, zip, CompressionLevel.Fastest, includeBaseDirectory: true);
        // The export as it came (its zip), unzipped, one of its files, or a folder of downloads its zip is in: each seed one of them.
        var downloads = _folder["Downloads"];
        Directory.CreateDirectory(downloads);
        File.WriteAllText(Path.Combine(downloads, "notes.json"), "{}");
        ZipFile.CreateFromDirectory(export, Path.Combine(downloads, "my_spotify_data.zip"));
        var input = seed == 4 ? downloads : (seed % 3) switch { 0 => zip, 1 => export, _ => files[random.Next(files.Count)] };
        var lake = _folder["lake"];

        var refused = DemoCommandTests.RunCli("transform", "--input", input, "--lake", lake);

        Assert.Equal(lake, AssertTheImportToldReadsIt(refused));
    }

    /// <summary>
    /// A transform refused (exit 65) with the import that reads its input, and no advice to make a sample: that import, run as
    /// it is printed, builds the listening history. The lake it names.
    /// </summary>
    private static string AssertTheImportToldReadsIt((int ExitCode, string Output, string Errors) refused)
    {
        Assert.True(refused.ExitCode == 65, $"exit {refused.ExitCode}: {refused.Errors}");
        Assert.DoesNotContain("spotify-etl sample", refused.Errors, StringComparison.Ordinal);
        var told = Regex.Match(refused.Errors, "spotify-etl (import .*)$", RegexOptions.Multiline);
        Assert.True(told.Success, refused.Errors);
        var words = Words(told.Groups[1].Value);
        var imported = DemoCommandTests.RunCli(words);
        Assert.True(imported.ExitCode == 0, $"{told.Value}: exit {imported.ExitCode}: {imported.Errors}");
        var lake = words[Array.IndexOf(words, "--lake") + 1];
        Assert.True(Directory.Exists(Path.Combine(lake, "transformed", "listening_history")), imported.Output);
        return lake;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_folder_holding_a_data_export_given_to_transform_as_its_lake_names_the_import_and_that_import_reads_it(int seed)
    {
        var random = new Random(seed);
        var export = _folder[$"Spotify Extended Streaming History {seed}"];
        Directory.CreateDirectory(export);
        var files = Enumerable.Range(0, random.Next(1, 4))
            .Select(i => Path.Combine(export, random.Next(2) == 0 ? $"Streaming_History_Audio_202{i}_{i}.json" : $"endsong_{i}.json")).ToList();
        files.ForEach(file => File.WriteAllText(file, History(random, random.Next(1, 40))));
        // The folder a user takes for a lake: one of downloads holding the export's zip, the unzipped export itself, or one
        // holding the unzipped export; with other files beside it or not.
        var folder = _folder[$"Downloads {seed}"];
        Directory.CreateDirectory(folder);
        switch (seed % 3)
        {
            case 0:
                ZipFile.CreateFromDirectory(export, Path.Combine(folder, "my_spotify_data.zip"), CompressionLevel.Fastest, includeBaseDirectory: true);
                break;
            case 1:
                folder = export;
                break;
            default:
                Directory.Move(export, Path.Combine(folder, Path.GetFileName(export)));
                break;
        }
        if (random.Next(2) == 0)
        {
            File.WriteAllText(Path.Combine(folder, "notes.json"), "{}");
        }

        var refused = DemoCommandTests.RunCli("transform", "--lake", folder);

        Assert.False(Directory.Exists(Path.Combine(folder, "raw")) || Directory.Exists(Path.Combine(folder, ".tmp")), "the refused transform wrote into the folder");
        Assert.StartsWith(folder, AssertTheImportToldReadsIt(refused), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_apis_raw_responses_given_to_import_name_the_transform_and_that_transform_lands_them(int seed)
    {
        var random = new Random(seed);
        var sample = _folder[$"my sample {seed}"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", sample, "--days", $"{random.Next(1, 4)}", "--items", "5", "--seed", $"{seed}").ExitCode);
        var sources = Directory.GetDirectories(Path.Combine(sample, "raw")).Where(d => Path.GetFileName(d) != "spotify_export").Order(StringComparer.Ordinal).ToList();
        // The raw zone, one source's folder, one of its responses, or the folder sample wrote (with its record beside raw/):
        // each seed one of them.
        var input = seed == 4 ? sample : (seed % 3) switch
        {
            0 => Path.Combine(sample, "raw"),
            1 => sources[random.Next(sources.Count)],
            _ => Directory.GetFiles(sources[random.Next(sources.Count)], "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First(),
        };
        var lake = _folder["lake"];

        var refused = DemoCommandTests.RunCli("import", input, "--lake", lake);

        Assert.True(refused.ExitCode == 65, $"exit {refused.ExitCode}: {refused.Errors}");
        Assert.Contains("the Spotify API's raw responses", refused.Errors, StringComparison.Ordinal);
        // The error alone: no table of every response ignored standing before it.
        Assert.True(refused.Output.Length == 0, refused.Output);
        var told = Regex.Match(refused.Errors, @"spotify-etl (transform --input .*? --lake \S+)\.", RegexOptions.Multiline);
        Assert.True(told.Success, refused.Errors);
        var transformed = DemoCommandTests.RunCli(Words(told.Groups[1].Value));
        Assert.True(transformed.ExitCode == 0, $"{told.Value}: exit {transformed.ExitCode}: {transformed.Errors}");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(lake, "raw"), "*.json", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void A_zip_of_raw_responses_given_to_either_verb_names_the_unzip_and_transform_and_those_land_it(int seed)
    {
        var random = new Random(seed);
        var sample = _folder[$"my sample {seed}"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", sample, "--days", $"{random.Next(1, 4)}", "--items", "5", "--seed", $"{seed}").ExitCode);
        var raw = Path.Combine(sample, "raw");
        // The raw zone zipped with its raw/ folder, or one source's folder zipped (no raw/ in the zip): each seed one of them.
        var zipped = seed % 2 == 0 ? raw : Directory.GetDirectories(raw).Where(d => Path.GetFileName(d) != "spotify_export").Order(StringComparer.Ordinal).ToList()[random.Next(2)];
        var zip = _folder[$"responses {seed}.zip"];
        ZipFile.CreateFromDirectory(zipped, zip, CompressionLevel.Fastest, includeBaseDirectory: true);
        var responses = Directory.GetFiles(zipped, "*.json", SearchOption.AllDirectories).Count(f => !f.Contains("spotify_export", StringComparison.Ordinal));
        var lake = _folder["lake"];

        // Each verb, so that neither names the other in a loop: seeds 1 and 2 the import, 3 and 4 the transform, 5 and 6 the
        // transform of a folder the zip is in (the walk reads no zip).
        var downloads = _folder["Downloads"];
        Directory.CreateDirectory(downloads);
        File.Copy(zip, Path.Combine(downloads, Path.GetFileName(zip)));
        var refused = seed switch
        {
            <= 2 => DemoCommandTests.RunCli("import", zip, "--lake", lake),
            <= 4 => DemoCommandTests.RunCli("transform", "--input", zip, "--lake", lake),
            _ => DemoCommandTests.RunCli("transform", "--input", downloads, "--lake", lake),
        };
        zip = seed <= 4 ? zip : Path.Combine(downloads, Path.GetFileName(zip));

        Assert.True(refused.ExitCode == 65, $"exit {refused.ExitCode}: {refused.Errors}");
        var told = Regex.Match(refused.Errors, @"(unzip -q .*?) && spotify-etl (transform --input .*? --lake \S+?)(?:\. |$)", RegexOptions.Multiline);
        Assert.True(told.Success, refused.Errors);
        var unzip = Words(told.Groups[1].Value);
        Assert.Equal(["unzip", "-q", zip, "-d"], unzip[..4]);
        ZipFile.ExtractToDirectory(zip, unzip[4]);
        var transformed = DemoCommandTests.RunCli(Words(told.Groups[2].Value));
        Assert.True(transformed.ExitCode == 0, $"{told.Value}: exit {transformed.ExitCode}: {transformed.Errors}");
        Assert.Equal(responses, Directory.GetFiles(Path.Combine(lake, "raw"), "*.json", SearchOption.AllDirectories).Count(f => !f.Contains("spotify_export", StringComparison.Ordinal)));
    }

    /// <summary>The words bash makes of a command line.</summary>
    internal static string[] Words(string line)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"printf '%s\\0' {line}");
        using var bash = System.Diagnostics.Process.Start(start)!;
        var words = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        return words.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }
}
