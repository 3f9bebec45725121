using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpotifyEtl.Tests.Cli;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Queries;

/// <summary>
/// What a table keeps, a query can read back, in either format: a text longer than any Spotify value
/// (<see cref="AthenaValues.LongestText"/>) sets its raw page aside, or makes an export's stream unreadable, with
/// the reason; a CSV lake written from texts just under the bound, every character a quote, is read whole by
/// <c>query</c> and <c>current</c>, whose reader refuses a line longer than any row the transform writes.
/// </summary>
public sealed class LongTextTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_raw_page_holding_a_text_longer_than_a_table_keeps_is_set_aside_and_the_lake_answers_without_it(int seed)
    {
        var random = new Random(seed);
        var sample = Sample(seed);
        var raw = Path.Combine(sample, "raw");
        var changed = new List<string>();
        foreach (var file in Files(raw).Where(f => f.Contains("playlist", StringComparison.Ordinal)).OrderBy(_ => random.Next()).Take(3))
        {
            // One text a table keeps, in a page of playlists or their items, made longer than the bound.
            if (Rewrite(file, key => key is "name" or "description" && random.Next(4) == 0,
                    () => Text(random, AthenaValues.LongestText + 1 + random.Next(random.Next(2) == 0 ? 64 : 3_000_000))) > 0)
            {
                changed.Add(Path.GetRelativePath(sample, file));
            }
        }
        Assert.NotEmpty(changed);

        var lake = _folder["lake"];
        var transform = DemoCommandTests.RunCli("transform", "--input", raw, "--lake", lake, "--format", "csv", "--json");

        Assert.True(transform.ExitCode == 3, transform.Errors);
        using var report = JsonDocument.Parse(transform.Output);
        var setAside = report.RootElement.GetProperty("quarantined_objects").EnumerateArray()
            .ToDictionary(o => o.GetProperty("raw_key").GetString()!, o => o.GetProperty("reason").GetString()!);
        Assert.NotEmpty(setAside);
        Assert.All(setAside, aside =>
        {
            Assert.Contains(aside.Key, changed);
            Assert.Matches($@"(: |\.)(name|description) is a text of [0-9,]+ characters, longer than the {AthenaValues.LongestText:N0} a table keeps", aside.Value);
        });

        // The lake answers, and as a lake of the other pages alone would: nothing of the set-aside pages, nothing else lost.
        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        Assert.True(query.ExitCode == 0, query.Errors);
        Assert.True(DemoCommandTests.RunCli("current", "--lake", lake).ExitCode == 0);
        foreach (var key in setAside.Keys)
        {
            File.Delete(Path.Combine(sample, key));
        }
        var without = DemoCommandTests.RunCli("transform", "--input", raw, "--lake", _folder["without"], "--format", "csv");
        Assert.True(without.ExitCode == 0, without.Errors);
        Assert.Equal(DemoCommandTests.RunCli("query", "--lake", _folder["without"], "--json").Output, query.Output);
    }

    [Fact]
    public void Texts_just_under_the_bound_all_quotes_are_written_and_read_back_whole_from_a_csv_lake()
    {
        var random = new Random(7);
        var sample = Sample(7);
        var raw = Path.Combine(sample, "raw");
        var longest = new string('"', AthenaValues.LongestText);
        var changed = Files(raw).Sum(file => Rewrite(file, key => key is "name" or "description",
            () => random.Next(3) == 0 ? longest : Text(random, AthenaValues.LongestText)));
        Assert.True(changed > 100, $"{changed} texts");

        var lake = _folder["lake"];
        var transform = DemoCommandTests.RunCli("transform", "--input", raw, "--lake", lake, "--format", "csv");
        Assert.True(transform.ExitCode == 0, transform.Errors);

        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "top_tracks", "--json");
        Assert.True(query.ExitCode == 0, query.Errors);
        using var answer = JsonDocument.Parse(query.Output);
        var names = answer.RootElement[0].GetProperty("rows").EnumerateArray().Select(row => row[2].GetString()!).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Equal(AthenaValues.LongestText, name.Length));
        Assert.Contains(longest, names);
        var current = DemoCommandTests.RunCli("current", "--lake", lake);
        Assert.True(current.ExitCode == 0, current.Errors);
    }

    [Fact]
    public void An_exported_stream_holding_a_text_longer_than_a_table_keeps_is_unreadable_with_the_reason_and_the_rest_is_read_back()
    {
        var random = new Random(11);
        string[] texts = ["platform", "conn_country", "master_metadata_track_name", "master_metadata_album_artist_name",
            "master_metadata_album_album_name", "spotify_track_uri", "episode_name", "episode_show_name", "spotify_episode_uri",
            "audiobook_title", "audiobook_uri", "audiobook_chapter_uri", "audiobook_chapter_title", "reason_start", "reason_end"];
        var streams = new JsonArray();
        for (var i = 0; i < 40; i++)
        {
            var stream = new JsonObject
            {
                ["ts"] = new DateTime(2024, 3, 1, 8, 0, 0, DateTimeKind.Utc).AddMinutes(7 * i).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                ["ms_played"] = 180_000,
                ["shuffle"] = false,
                ["skipped"] = false,
            };
            foreach (var key in texts)
            {
                // Every text just under the bound, a third of them all quotes: the widest row a history table holds.
                stream[key] = random.Next(3) == 0 ? new string('"', AthenaValues.LongestText) : Text(random, AthenaValues.LongestText);
            }
            streams.Add(stream);
        }
        var longKeys = new HashSet<string>();
        foreach (var i in Enumerable.Range(0, 40).Where(i => i % 8 == 3))
        {
            var key = texts[random.Next(texts.Length)];
            streams[i]![key] = Text(random, AthenaValues.LongestText + 1 + random.Next(2_000_000));
            longKeys.Add(key);
        }
        var file = _folder["export/Streaming_History_Audio_2024_0.json"];
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, streams.ToJsonString());

        var lake = _folder["lake"];
        var import = DemoCommandTests.RunCli("import", file, "--lake", lake, "--format", "csv", "--json");

        Assert.True(import.ExitCode == 3, import.Errors);
        using var report = JsonDocument.Parse(import.Output);
        var imported = report.RootElement.GetProperty("files")[0];
        Assert.Equal(35, imported.GetProperty("rows_kept").GetInt32());
        Assert.Equal(5, imported.GetProperty("unreadable").GetInt32());
        Assert.All(imported.GetProperty("reasons").EnumerateArray(), reason =>
            Assert.Matches($"^[0-9]+ rows?: \"({string.Join('|', longKeys)})\" holds a text longer than the {AthenaValues.LongestText:N0} characters a table keeps", reason.GetString()!));
        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "history_hours_per_year", "--json");
        Assert.True(query.ExitCode == 0, query.Errors);
    }

    private string Sample(int seed)
    {
        var sample = _folder[$"sample-{seed}"];
        var run = DemoCommandTests.RunCli("sample", "--out", sample, "--days", "2", "--items", "30", "--seed", $"{seed}");
        Assert.True(run.ExitCode == 0, run.Errors);
        return sample;
    }

    private static List<string> Files(string raw) =>
        Directory.EnumerateFiles(raw, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    /// <summary>Replaces each string value whose key <paramref name="pick"/> chooses with a new text; the number replaced.</summary>
    private static int Rewrite(string file, Func<string, bool> pick, Func<string> text) =>
        RawValues.Replace(file, (key, value) => value.TryGetValue<string>(out _) && pick(key) ? (true, text()) : (false, null));

    /// <summary>A text of <paramref name="length"/> characters of the kinds CSV and UTF-8 make longest: quotes, commas, CJK.</summary>
    private static string Text(Random random, int length)
    {
        const string alphabet = "\"\",夜é a";
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(alphabet[random.Next(alphabet.Length)]);
        }
        return text.ToString();
    }
}
