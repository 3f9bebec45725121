using System.Globalization;
using SpotifyEtl.Cli.Commands;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>The rough edges a new user meets first, run as that user runs the tool: each message names what they typed.</summary>
public sealed class NewUserProbeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static (int ExitCode, string Output, string Errors) Run(params string[] arguments) => DemoCommandTests.RunCli(arguments);

    [Theory]
    [InlineData("nosuch")]
    [InlineData("transfrom")]
    [InlineData("--lake")]
    public void An_unknown_command_is_the_first_and_only_error_named(string word)
    {
        var run = Run(word);

        Assert.Equal(64, run.ExitCode);
        Assert.DoesNotContain("Required command was not provided", run.Errors, StringComparison.Ordinal);
        Assert.StartsWith("spotify-etl: ", run.Errors, StringComparison.Ordinal);
        // The first error names the word typed; a mistyped verb is the only one (an option before any verb is also told the
        // verbs it needs). The line after them says where the help is.
        var errors = run.Errors.TrimEnd().Split('\n').Where(line => !line.StartsWith("Run 'spotify-etl", StringComparison.Ordinal)).ToList();
        Assert.True(errors[0].Contains($"'{word}'", StringComparison.Ordinal), run.Errors);
        Assert.True(word.StartsWith('-') || errors.Count == 1, run.Errors);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("99999")]
    public void A_usage_error_of_a_nested_command_suggests_its_whole_name(string port)
    {
        var run = Run("auth", "login", "--port", port);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("'spotify-etl auth login --help'", run.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("100000")]
    public void Extract_names_the_option_typed_not_an_environment_variable(string limit)
    {
        var run = Run("extract", "--lake", _folder["lake"], "--recently-played", "--top-items-limit", limit);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains($"--top-items-limit must be a whole number from 1 to", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("SPOTIFY_", run.Errors, StringComparison.Ordinal);
    }

    public static TheoryData<string> NotMarkets() =>
        ["se", "Se", "SWE", "S", "", " SE", "SE ", "S1", "from-token", "FROM_TOKEN", "ÖS", "Sweden"];

    [Theory]
    [MemberData(nameof(NotMarkets))]
    public void Extract_refuses_a_market_that_is_no_market_before_asking_Spotify(string market)
    {
        var run = Run("extract", "--lake", _folder["lake"], "--recently-played", "--market", market);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains($"--market {market}: not a market", run.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder["lake"], "raw")), "nothing was extracted");
    }

    [Theory]
    [InlineData("SE")]
    [InlineData("US")]
    [InlineData("from_token")]
    public void Extract_takes_a_market_code_or_from_token(string market)
    {
        Assert.True(ExtractCommand.IsMarket(market));
        // Parsed only: run, it would reach whatever Spotify credentials this machine's environment holds.
        var parsed = ExtractCommand.Create().Parse(["--lake", _folder["lake"], "--recently-played", "--market", market]);

        Assert.Empty(parsed.Errors);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Sample_says_its_size_in_a_readable_unit_and_counts_in_words_that_agree(int days)
    {
        var run = Run("sample", "--out", _folder[$"s{days}"], "--days", $"{days}", "--items", "10");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(days == 1 ? @"over 1 day," : $@"over {days} days,", run.Output);
        Assert.Matches(@"\(\d+(\.\d)? (KiB|MiB)\)", run.Output);
        Assert.DoesNotContain("1 days", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_into_a_file_names_out_as_the_option_to_change()
    {
        File.WriteAllText(_folder["file"], "x");

        var run = Run("sample", "--out", _folder["file"]);

        Assert.Equal(74, run.ExitCode);
        Assert.Contains("--out", run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("--lake", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Transform_of_a_mistyped_lake_exits_66_and_creates_nothing()
    {
        var run = Run("transform", "--lake", _folder["no-such-lake"]);

        Assert.Equal(66, run.ExitCode);
        Assert.Contains("does not exist", run.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder["no-such-lake"]));
    }

    [Theory]
    [InlineData("csv", "parquet")]
    [InlineData("parquet", "csv")]
    public void Transform_in_another_format_than_the_lake_holds_is_refused_and_writes_no_second_format(string first, string second)
    {
        var lake = TransformedSample(first);

        var run = Run("transform", "--lake", lake, "--format", second);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains($"--format {first}", run.Errors, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(lake, "transformed"), "*." + second, SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("transform")]
    [InlineData("current")]
    [InlineData("query")]
    [InlineData("report")]
    [InlineData("import")]
    [InlineData("sample")]
    public void A_lake_that_is_a_file_is_named_as_a_file_with_exit_74_and_left_as_it_was(string verb)
    {
        var file = _folder["lake.txt"];
        File.WriteAllText(file, "not a lake");
        string[] arguments = verb switch
        {
            "import" => ["import", file, "--lake", file],
            "sample" => ["sample", "--out", file],
            _ => [verb, "--lake", file],
        };

        var run = Run(arguments);

        Assert.True(run.ExitCode == 74, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{file} is a file, not a folder", run.Errors, StringComparison.Ordinal);
        Assert.Equal("not a lake", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("transform", 1)]
    [InlineData("current", 2)]
    [InlineData("query", 3)]
    [InlineData("report", 1)]
    [InlineData("import", 2)]
    [InlineData("sample", 3)]
    [InlineData("demo", 1)]
    public void A_lake_under_a_file_names_that_file_with_exit_74_and_leaves_it_as_it_was(string verb, int depth)
    {
        var file = _folder["lake.txt"];
        File.WriteAllText(file, "not a lake");
        var lake = Path.Combine([file, .. Enumerable.Range(0, depth).Select(level => $"sub{level}")]);
        string[] arguments = verb switch
        {
            "import" => ["import", file, "--lake", lake],
            "sample" => ["sample", "--out", lake],
            _ => [verb, "--lake", lake],
        };

        var run = Run(arguments);

        Assert.True(run.ExitCode == 74, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains($"{file} is a file, not a folder, so {lake} cannot be a folder under it", run.Errors, StringComparison.Ordinal);
        Assert.Equal("not a lake", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("transform", "dangling")]
    [InlineData("current", "chain")]
    [InlineData("query", "loop")]
    [InlineData("report", "dangling")]
    [InlineData("import", "chain")]
    [InlineData("sample", "loop")]
    [InlineData("query", "chain")]
    [InlineData("transform", "loop")]
    public void A_lake_that_is_a_link_to_nothing_is_named_as_such_with_exit_66_and_left_as_it_was(string verb, string kind)
    {
        // A link to a missing folder, a link to such a link, or two links to each other.
        var link = _folder["lake"];
        var missing = _folder["gone/lake"];
        var target = kind == "loop" ? _folder["other"] : missing;
        if (kind == "chain")
        {
            File.CreateSymbolicLink(_folder["middle"], target);
            target = _folder["middle"];
        }
        File.CreateSymbolicLink(link, target);
        if (kind == "loop")
        {
            File.CreateSymbolicLink(target, link);
        }
        File.WriteAllText(_folder["export.json"], "[]");
        string[] arguments = verb switch
        {
            "import" => ["import", _folder["export.json"], "--lake", link],
            "sample" => ["sample", "--out", link],
            _ => [verb, "--lake", link],
        };

        var run = Run(arguments);

        Assert.True(run.ExitCode == 66, $"exit {run.ExitCode}: {run.Errors}");
        Assert.Contains(kind == "loop" ? $"{link} is a symbolic link that cannot be followed (a loop of links)" : $"{link} is a dangling symbolic link (it leads to {missing}, which does not exist)",
            run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("is a file", run.Errors, StringComparison.Ordinal);
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.False(Directory.Exists(_folder["gone"]), "nothing was made where the link points");
    }

    [Theory]
    [InlineData("transform")]
    [InlineData("current")]
    [InlineData("query")]
    public void A_bucket_given_to_a_verb_of_the_local_lake_is_a_usage_error_that_names_what_reads_S3(string verb)
    {
        // import's own advice (upload under the raw bucket's import/ prefix) is ImportCommandTests'.
        string[] arguments = [verb, "--lake", "s3://my-bucket/team"];

        var run = Run(arguments);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("--lake s3://my-bucket/team: this verb works on a local folder", run.Errors, StringComparison.Ordinal);
        Assert.Contains("spotify-etl report --lake s3://my-bucket/team", run.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists("s3:"), "no folder named s3: was made");
    }

    [Theory]
    [InlineData("s3://my-bucket")]
    [InlineData("s3://my-bucket/team/")]
    [InlineData("S3://MY-BUCKET")]
    public void A_bucket_given_as_sample_out_is_a_usage_error_not_a_folder_named_s3(string bucket)
    {
        var run = Run(["sample", "--out", bucket, "--days", "1", "--items", "1"]);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains($"--out {bucket}: sample writes a local folder", run.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists("s3:") || Directory.Exists("S3:"), "no folder named s3: was made");
    }

    /// <summary>A bucket where a verb takes a local path (the page, the export, the raw files to land), in either case and with or without a key.</summary>
    [Theory]
    [InlineData("report --lake lake --out", "s3://my-bucket/report.html", "--out {0}: report writes the page on this machine", "aws s3 cp report.html {0}")]
    [InlineData("report --lake lake --out", "S3://MY-BUCKET/", "--out {0}: report writes the page on this machine", "aws s3 cp report.html {0}")]
    [InlineData("import --lake lake", "s3://my-bucket/import/my_spotify_data.zip", "{0}: import reads an export on this machine", "aws s3 cp {0} .")]
    [InlineData("transform --lake lake --input", "s3://my-raw/raw", "--input {0}: transform lands raw files from this machine", "aws s3 sync {0} FOLDER/raw")]
    [InlineData("transform --lake lake --input", "S3://my-raw", "--input {0}: transform lands raw files from this machine", "Replay and backfill")]
    public void A_bucket_given_for_a_local_path_is_a_usage_error_saying_how_to_copy_it_not_a_folder_named_s3(string verb, string bucket, string said, string advice)
    {
        var run = Run([.. verb.Split(' '), bucket]);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, said, bucket), run.Errors, StringComparison.Ordinal);
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, advice, bucket), run.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists("s3:") || Directory.Exists("S3:"), "no folder named s3: was made");
    }

    [Theory]
    [InlineData("sample", "-5")]
    [InlineData("sample", "-1")]
    [InlineData("sample", "-2147483648")]
    [InlineData("demo", "-42")]
    public void A_negative_seed_is_refused_since_it_would_give_the_sample_of_its_positive(string verb, string seed)
    {
        var folder = _folder["lake"];

        var run = Run(verb, verb == "demo" ? "--lake" : "--out", folder, "--days", "2", "--items", "10", "--seed", seed);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains($"--seed must be a whole number from 0 to 2147483647, not '{seed}'.", run.Errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder), "nothing was written");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_samples_damaged_record_is_named_as_damaged_in_one_line_and_not_echoed(int seed)
    {
        var random = new Random(seed);
        var lake = _folder["lake"];
        Assert.Equal(0, Run("sample", "--out", lake, "--days", "1", "--items", "3", "--seed", "5").ExitCode);
        // Emptied, edited, or written over (a page, a binary): control characters, lines, and sizes to 100 KB.
        var damaged = (seed % 4) switch
        {
            0 => [],
            1 => System.Text.Encoding.UTF8.GetBytes("days=1 items=3 seed=5\n\u001b[31mred\nmore"),
            2 => Enumerable.Range(0, 100_000).Select(_ => (byte)random.Next(256)).ToArray(),
            _ => System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<html>\r\n", 1 + random.Next(5_000)))),
        };
        File.WriteAllBytes(Path.Combine(lake, ".spotify-etl-sample"), damaged);

        var run = Run("sample", "--out", lake, "--days", "1", "--items", "3", "--seed", "5");

        Assert.Equal(64, run.ExitCode);
        Assert.Contains("its record .spotify-etl-sample is damaged", run.Errors, StringComparison.Ordinal);
        Assert.Single(run.Errors.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain(run.Errors, c => char.IsControl(c) && c != '\n');
    }

    [Fact]
    public void A_sample_is_not_written_over_other_raw_objects_and_the_same_sample_again_changes_nothing()
    {
        var lake = _folder["lake"];
        Assert.Equal(0, Run("sample", "--out", lake, "--days", "2", "--items", "10", "--seed", "5").ExitCode);
        var first = _folder.Files("lake/raw");

        Assert.Equal(0, Run("sample", "--out", lake, "--days", "2", "--items", "10", "--seed", "5").ExitCode);
        Assert.Equal(first.Keys, _folder.Files("lake/raw").Keys);
        Assert.All(first, file => Assert.Equal(file.Value, File.ReadAllBytes(_folder[file.Key])));

        foreach (var (days, items, seed) in new[] { ("2", "10", "7"), ("3", "10", "5"), ("2", "11", "5") })
        {
            var run = Run("sample", "--out", lake, "--days", days, "--items", items, "--seed", seed);

            Assert.Equal(64, run.ExitCode);
            Assert.Contains("already holds another sample's raw objects (days=2 items=10 seed=5)", run.Errors, StringComparison.Ordinal);
            // An extraction or an import may have landed there since, whose data may not come back: no advice to delete raw/.
            Assert.DoesNotContain("delete", run.Errors, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(first.Keys, _folder.Files("lake/raw").Keys);
            Assert.All(first, file => Assert.Equal(file.Value, File.ReadAllBytes(_folder[file.Key])));
        }

        // Raw objects an extraction landed carry no sample's stamp: never written over.
        var extracted = _folder["extracted/raw/saved_tracks/snapshot_date=2026-11-20/me/20261120T060000Z-p0000.json"];
        Directory.CreateDirectory(Path.GetDirectoryName(extracted)!);
        File.WriteAllText(extracted, "{\"items\": []}");
        var over = Run("sample", "--out", _folder["extracted"], "--days", "1", "--items", "10");
        Assert.Equal(64, over.ExitCode);
        Assert.Contains("raw objects that 'spotify-etl sample' did not write", over.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("delete", over.Errors, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("{\"items\": []}", File.ReadAllText(extracted));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void The_same_sample_again_refuses_to_replace_a_raw_object_changed_since_it_wrote_it_and_the_lake_keeps_its_bytes(int seed)
    {
        // A raw object mended by hand (a quarantined page, as the runbook asks) in a sample's lake: the sample written again
        // would have put its own bytes back, and the mend was lost.
        var random = new Random(seed);
        var lake = _folder[$"lake-{seed}"];
        string[] sample = ["sample", "--out", lake, "--days", "2", "--items", "10", "--seed", $"{seed}"];
        Assert.Equal(0, Run(sample).ExitCode);
        var files = _folder.Files($"lake-{seed}/raw").Keys.Order(StringComparer.Ordinal).ToList();
        var changed = _folder[files[random.Next(files.Count)]];
        var bytes = File.ReadAllBytes(changed);
        var mended = random.Next(3) switch
        {
            0 => [.. bytes, (byte)'\n'],
            1 => bytes[..^1],
            _ => bytes.Select((b, i) => i != bytes.Length / 2 ? b : b == (byte)' ' ? (byte)'x' : (byte)' ').ToArray(),
        };
        Assert.NotEqual(bytes, mended);
        File.WriteAllBytes(changed, mended);
        var before = _folder.Files($"lake-{seed}/raw");

        var run = Run(sample);

        Assert.Equal(64, run.ExitCode);
        Assert.Contains($"{changed} changed since this sample wrote it", run.Errors, StringComparison.Ordinal);
        Assert.Equal(mended, File.ReadAllBytes(changed));
        Assert.Equal(before.Keys, _folder.Files($"lake-{seed}/raw").Keys);
        Assert.All(before, file => Assert.Equal(file.Value, File.ReadAllBytes(_folder[file.Key])));
    }

    [Theory]
    [InlineData("sample --out {0} --seed 99999999999", "--seed must be a whole number from 0 to 2147483647, not '99999999999'.")]
    [InlineData("sample --out {0} --seed 1.5", "--seed must be a whole number from 0 to 2147483647, not '1.5'.")]
    [InlineData("sample --out {0} --days many", "--days must be a whole number")]
    public void A_value_of_the_wrong_kind_is_named_in_words_not_in_dotnet_types(string command, string expected)
    {
        var run = Run(string.Format(System.Globalization.CultureInfo.InvariantCulture, command, _folder["lake"]).Split(' '));

        Assert.Equal(64, run.ExitCode);
        Assert.Contains(expected, run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_writes_the_formats_as_the_guide_does()
    {
        // The guide's verb table writes "--format parquet\|csv" (a pipe escaped in Markdown); help, the same formats in order.
        var guide = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "cli.md"));
        var formats = System.Text.RegularExpressions.Regex.Match(guide, @"`transform [^`]*\[--format ([a-z\\|]+)\]").Groups[1].Value.Replace("\\|", "|", StringComparison.Ordinal);
        Assert.Equal("parquet|csv", formats);

        var run = Run("transform", "--help");

        Assert.Contains($"--format <{formats}>", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("csv", "parquet")]
    [InlineData("parquet", "csv")]
    public void Without_format_a_lake_is_written_in_its_own_format(string held, string other)
    {
        var lake = TransformedSample(held);

        Assert.Equal(0, Run("transform", "--lake", lake).ExitCode);
        Assert.Equal(0, Run("current", "--lake", lake).ExitCode);

        Assert.NotEmpty(Directory.EnumerateFiles(_folder["lake/transformed"], "*." + held, SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(_folder["lake/transformed"], "*." + other, SearchOption.AllDirectories));
    }

    /// <summary>A small sample lake, transformed once in <paramref name="format"/>.</summary>
    private string TransformedSample(string format)
    {
        var lake = _folder["lake"];
        Assert.Equal(0, Run("sample", "--out", lake, "--days", "1", "--items", "10").ExitCode);
        Assert.Equal(0, Run("transform", "--lake", lake, "--format", format).ExitCode);
        return lake;
    }
}
