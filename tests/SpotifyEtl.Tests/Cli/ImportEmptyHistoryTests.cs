using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// Streaming-history files read whole that hold no stream (an account with no streams in its export's year, or the wrong
/// files given) end the import 0 with a table of no rows: stderr says so, where the first the user heard of it was a
/// query refusing a history with no stream in it. An import holding a stream anywhere says nothing of it.
/// </summary>
public sealed class ImportEmptyHistoryTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly string[] Names =
        ["Streaming_History_Audio_2019_0.json", "Streaming_History_Video_2020.json", "StreamingHistory_music_0.json", "StreamingHistory_podcast_0.json", "endsong_0.json"];

    private static readonly string[] Empties = ["[]", "[ ]", "[\n]\n", "\uFEFF[]", "[\r\n  ]"];

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void Files_holding_no_stream_are_said_on_stderr_and_the_import_ends_0(int seed, bool oneHasAStream)
    {
        var random = new Random(seed);
        var export = _folder["export"];
        Directory.CreateDirectory(export);
        var names = Names.OrderBy(_ => random.Next()).Take(random.Next(1, Names.Length + 1)).ToList();
        foreach (var name in names)
        {
            File.WriteAllText(Path.Combine(export, name), Empties[random.Next(Empties.Length)]);
        }
        if (oneHasAStream)
        {
            File.WriteAllText(Path.Combine(export, "Streaming_History_Audio_2021_1.json"),
                """[{"ts": "2021-03-04T05:06:07Z", "ms_played": 1000, "master_metadata_track_name": "Song", "spotify_track_uri": "spotify:track:t"}]""");
        }

        var run = DemoCommandTests.RunCli("import", export, "--lake", _folder["lake"], "--json");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Errors}");
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        Assert.Equal(oneHasAStream ? 1 : 0, json.RootElement.GetProperty("history_rows").GetInt32());
        if (oneHasAStream)
        {
            Assert.DoesNotContain("holding no stream", run.Errors, StringComparison.Ordinal);
            // Imported again: its files are already landed, and still hold their stream.
            var again = DemoCommandTests.RunCli("import", export, "--lake", _folder["lake"], "--json");
            Assert.True(again.ExitCode == 0, $"exit {again.ExitCode}: {again.Errors}");
            Assert.DoesNotContain("holding no stream", again.Errors, StringComparison.Ordinal);
            return;
        }
        var files = names.Count == 1 ? "1 streaming-history file read" : $"{names.Count} streaming-history files read";
        Assert.Contains($"{files}, holding no stream: listening_history has no rows.", run.Errors, StringComparison.Ordinal);
    }
}
