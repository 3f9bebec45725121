using SpotifyEtl.Lake;
using Xunit;

namespace SpotifyEtl.Tests.Cli;

/// <summary>
/// A transform that stops partway (a file where a partition's folder belongs here; Ctrl-C, a kill or a full disk alike)
/// leaves some days' tables written, one part-written, the rest not: query, report and current say the last transform did
/// not finish and what to run, and once it is run the lake answers as if it had never stopped.
/// </summary>
public sealed class UnfinishedTransformTests
{
    private static readonly string[] Tables = ["songs", "albums", "artists", "song_artists", "playlists", "playlist_entries", "plays"];

    public static TheoryData<int> Seeds() => [1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_transform_that_stopped_partway_is_named_by_query_report_and_current_until_a_transform_finishes_it(int seed)
    {
        var random = new Random(seed);
        using var folder = new Support.TempFolder();
        var days = random.Next(2, 7);
        var lake = folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{days}", "--items", "40", "--seed", $"{seed}").ExitCode);
        var whole = folder["whole"];
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--input", Path.Combine(lake, "raw"), "--lake", whole).ExitCode);
        var dates = Directory.GetDirectories(Path.Combine(lake, "raw", "playlist_items")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var blocked = Path.Combine(lake, "transformed", Tables[random.Next(Tables.Length)], dates[random.Next(dates.Count)]!);
        Directory.CreateDirectory(Path.GetDirectoryName(blocked)!);
        File.WriteAllText(blocked, "in the way");

        var stopped = DemoCommandTests.RunCli("transform", "--lake", lake);

        Assert.Equal(74, stopped.ExitCode);
        var unfinished = $"a transform of this lake did not finish (it was to write {dates.Count} days, {dates[0]![^10..]} to {dates[^1]![^10..]})";
        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", folder["report.html"]);
        var current = DemoCommandTests.RunCli("current", "--lake", lake);
        Assert.All(new[] { query, report, current }, run =>
        {
            Assert.True(run.ExitCode == 0, run.Errors);
            Assert.Contains(unfinished, run.Errors, StringComparison.Ordinal);
            Assert.Contains($"Run 'spotify-etl transform --lake {lake}' to finish it.", run.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("--no-current-tables", run.Errors, StringComparison.Ordinal);
        });

        File.Delete(blocked);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);

        AssertAnswersAsACleanRun(lake, whole);
    }

    /// <summary>
    /// A rebuild of the current-state tables that stops after some of them are written (a file where the last one's folder
    /// belongs; Ctrl-C or a kill alike) is named by query and report, after a transform too, until a rebuild finishes, where the lake
    /// answered from tables of two states without a word.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_rebuild_of_the_current_state_tables_that_stopped_partway_is_named_until_one_finishes(int seed)
    {
        var random = new Random(seed);
        using var folder = new Support.TempFolder();
        var lake = folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", lake, "--days", $"{random.Next(2, 6)}", "--items", "40", "--seed", $"{seed}").ExitCode);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        var whole = folder["whole"];
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--input", Path.Combine(lake, "raw"), "--lake", whole).ExitCode);
        // The last table a rebuild writes: the others are rewritten before it stops.
        var blocked = Path.Combine(lake, "transformed", "playlists_current");
        Directory.Delete(blocked, recursive: true);
        File.WriteAllText(blocked, "in the way");

        var stopped = DemoCommandTests.RunCli("current", "--lake", lake);

        Assert.True(stopped.ExitCode == 74, stopped.Errors);
        var unfinished = "the last 'spotify-etl current' of this lake did not finish: its current-state tables";
        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", folder["report.html"]);
        Assert.All(new[] { query, report }, run =>
        {
            Assert.True(run.ExitCode == 0, run.Errors);
            Assert.Contains(unfinished, run.Errors, StringComparison.Ordinal);
            Assert.Contains($"Run 'spotify-etl current --lake {lake}' to finish it.", run.Errors, StringComparison.Ordinal);
        });
        File.Delete(blocked);
        // A transform rewrites only its days' months: the mark stays until a rebuild.
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        Assert.Contains(unfinished, DemoCommandTests.RunCli("query", "--lake", lake, "--json").Errors, StringComparison.Ordinal);
        Assert.Equal(0, DemoCommandTests.RunCli("current", "--lake", lake).ExitCode);

        AssertAnswersAsACleanRun(lake, whole);
    }

    /// <summary>The lake answers every question as a clean run's lake does, with nothing on stderr, and names no unfinished transform.</summary>
    private static void AssertAnswersAsACleanRun(string lake, string whole)
    {
        var answers = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        Assert.True(answers.ExitCode == 0 && answers.Errors.Length == 0, answers.Errors);
        Assert.Equal(DemoCommandTests.RunCli("query", "--lake", whole, "--json").Output, answers.Output);
        Assert.False(File.Exists(Path.Combine(lake, LakeLayout.State, "unfinished-transform.txt")));
        Assert.False(File.Exists(Path.Combine(lake, LakeLayout.State, "unfinished-current.txt")));
    }

    [Fact]
    public void A_transform_of_other_days_leaves_the_unfinished_days_named_and_one_of_the_whole_lake_takes_them_off()
    {
        using var folder = new Support.TempFolder();
        var sample = folder["sample"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", sample, "--days", "3", "--items", "30").ExitCode);
        var dates = Directory.GetDirectories(Path.Combine(sample, "raw", "playlist_items")).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList();
        var lake = folder["lake"];
        // The first two days land and stop on a file in the way; the third is landed and transformed alone after.
        var firstDays = folder["first"];
        foreach (var file in Directory.EnumerateFiles(Path.Combine(sample, "raw"), "*", SearchOption.AllDirectories).Where(f => !f.Contains(dates[2], StringComparison.Ordinal)))
        {
            var to = Path.Combine(firstDays, Path.GetRelativePath(sample, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        var blocked = Path.Combine(lake, "transformed", "plays", dates[1]);
        Directory.CreateDirectory(Path.GetDirectoryName(blocked)!);
        File.WriteAllText(blocked, "in the way");
        Assert.Equal(74, DemoCommandTests.RunCli("transform", "--input", Path.Combine(firstDays, "raw"), "--lake", lake).ExitCode);
        File.Delete(blocked);
        var lastDay = Path.Combine(sample, "raw");
        var onlyLast = Directory.EnumerateFiles(lastDay, "*", SearchOption.AllDirectories).First(f => f.Contains(dates[2], StringComparison.Ordinal));

        // The day's own transform says what an earlier one left (on stderr, in --json), and exits 3: a scheduled daily
        // 'transform --input' would otherwise never show it.
        var later = DemoCommandTests.RunCli("transform", "--input", onlyLast, "--lake", lake, "--json");
        Assert.True(later.ExitCode == 3, later.Errors);
        Assert.Contains($"(it was to write 2 days, {dates[0][^10..]} to {dates[1][^10..]})", later.Errors, StringComparison.Ordinal);
        using (var summary = System.Text.Json.JsonDocument.Parse(later.Output))
        {
            Assert.Equal([dates[0][^10..], dates[1][^10..]], summary.RootElement.GetProperty("unfinished_days").EnumerateArray().Select(d => d.GetString()!));
            Assert.Equal(3, summary.RootElement.GetProperty("exit_code").GetInt32());
        }

        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--query", "listening_per_week");
        Assert.Contains($"(it was to write 2 days, {dates[0][^10..]} to {dates[1][^10..]})", query.Errors, StringComparison.Ordinal);
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--lake", lake).ExitCode);
        Assert.Empty(DemoCommandTests.RunCli("query", "--lake", lake, "--query", "listening_per_week").Errors);
    }

    /// <summary>
    /// A transform with <c>--no-current-tables</c> of days after the lake's current-state tables were written leaves those
    /// tables an earlier state's, and no later transform adds its days: query and report answered from them without a word
    /// (fewer songs on a playlist than its days' tables hold). They say so and what to run until a <c>current</c> does.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Days_transformed_without_the_current_state_tables_are_named_by_query_and_report_until_current_brings_them_in(int seed)
    {
        var random = new Random(seed);
        using var folder = new Support.TempFolder();
        var sample = folder["sample"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", sample, "--days", $"{random.Next(3, 7)}", "--items", "40", "--seed", $"{seed}").ExitCode);
        var dates = Directory.GetDirectories(Path.Combine(sample, "raw", "playlist_items")).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList();
        var split = random.Next(1, dates.Count);
        string Part(string name, IEnumerable<string> days)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(sample, "raw"), "*", SearchOption.AllDirectories).Where(f => days.Any(d => f.Contains(d, StringComparison.Ordinal))))
            {
                var to = Path.Combine(folder[name], Path.GetRelativePath(sample, file));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(file, to);
            }
            return Path.Combine(folder[name], "raw");
        }
        var lake = folder["lake"];
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--input", Part("earlier", dates.Take(split)), "--lake", lake).ExitCode);
        var whole = folder["whole"];
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--input", Path.Combine(sample, "raw"), "--lake", whole).ExitCode);

        var without = DemoCommandTests.RunCli("transform", "--input", Part("later", dates.Skip(split)), "--lake", lake, "--no-current-tables", "--json");

        Assert.True(without.ExitCode == 0, without.Errors);
        var behind = "a transform with --no-current-tables wrote days that this lake's current-state tables";
        Assert.Contains(behind, without.Errors, StringComparison.Ordinal);
        using (var summary = System.Text.Json.JsonDocument.Parse(without.Output))
        {
            Assert.True(summary.RootElement.GetProperty("current_tables_behind").GetBoolean());
        }
        // A transform with the tables after it does not bring the skipped days in: the warning stays until 'current'.
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--input", Part("again", dates.Skip(split).TakeLast(1)), "--lake", lake).ExitCode);
        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", folder["report.html"]);
        Assert.All(new[] { query, report }, run =>
        {
            Assert.True(run.ExitCode == 0, run.Errors);
            Assert.Contains(behind, run.Errors, StringComparison.Ordinal);
            Assert.Contains($"Run 'spotify-etl current --lake {lake}' to bring them up to date.", run.Errors, StringComparison.Ordinal);
        });
        // The rebuild says nothing of the state it mends: it told its own user to run it.
        var current = DemoCommandTests.RunCli("current", "--lake", lake);
        Assert.True(current.ExitCode == 0, current.Errors);
        Assert.DoesNotContain("spotify-etl current", current.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(behind, DemoCommandTests.RunCli("query", "--lake", lake, "--json").Errors, StringComparison.Ordinal);

        AssertAnswersAsACleanRun(lake, whole);
    }

    [Fact]
    public void The_unfinished_days_reach_the_disk_before_their_file_is_named_each_time_it_is_written()
    {
        using var folder = new Support.TempFolder();
        var lake = folder["lake"];
        var path = SpotifyEtl.Cli.Shell.UnfinishedTransform.PathOf(lake);
        var flushed = new System.Collections.Concurrent.ConcurrentBag<string>();
        void Seen(string destination)
        {
            if (destination == path)
            {
                flushed.Add(destination);
            }
        }
        var days = Enumerable.Range(0, 5).Select(i => new DateOnly(2026, 11, 16).AddDays(i)).ToList();
        SpotifyEtl.Storage.DurableFile.Flushed += Seen;
        try
        {
            SpotifyEtl.Cli.Shell.UnfinishedTransform.Begin(lake, days);
            Assert.Single(flushed);
            SpotifyEtl.Cli.Shell.UnfinishedTransform.End(lake, days.Take(2));
            Assert.Equal(2, flushed.Count);
            Assert.Equal(days.Skip(2).Select(day => day.ToString("yyyy-MM-dd")), File.ReadAllLines(path));
            SpotifyEtl.Cli.Shell.UnfinishedTransform.End(lake, days);
        }
        finally
        {
            SpotifyEtl.Storage.DurableFile.Flushed -= Seen;
        }

        Assert.Equal(2, flushed.Count);
        Assert.False(File.Exists(path));
        Assert.Null(SpotifyEtl.Cli.Shell.UnfinishedTransform.Warning(lake));
    }

    /// <summary>
    /// A <c>transform --input</c> stopped while it copies the input's raw files into the lake (here by a file in the way of one
    /// source's day folder; a kill or Ctrl-C alike) leaves some of them in the lake and not others, which no transform of the
    /// lake alone can mend: until the same input lands whole, query, report and current name the run to finish it, and a
    /// transform in place says its days may lack pages and exits 3; then the lake answers as a clean run's.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_transform_input_stopped_while_landing_is_named_until_the_same_input_lands_whole(int seed)
    {
        var random = new Random(seed);
        using var folder = new Support.TempFolder();
        var sample = folder["sample"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", sample, "--days", $"{random.Next(2, 6)}", "--items", "40", "--seed", $"{seed}").ExitCode);
        var input = Path.Combine(sample, "raw");
        var whole = folder["whole"];
        Assert.Equal(0, DemoCommandTests.RunCli("transform", "--input", input, "--lake", whole).ExitCode);
        var dayFolders = Directory.GetDirectories(input, "snapshot_date=*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var lake = folder["lake"];
        var blocked = Path.Combine(lake, Path.GetRelativePath(sample, dayFolders[random.Next(dayFolders.Count)]));
        Directory.CreateDirectory(Path.GetDirectoryName(blocked)!);
        File.WriteAllText(blocked, "in the way");

        // Begun as a shell's completion writes the folder, finished as a person types it: the same input.
        var stopped = DemoCommandTests.RunCli("transform", "--input", input + Path.DirectorySeparatorChar, "--lake", lake);

        Assert.NotEqual(0, stopped.ExitCode);
        Assert.DoesNotContain("   at ", stopped.Errors, StringComparison.Ordinal);
        var landing = $"a 'transform --input' stopped while copying the raw files of {input} into this lake";
        var finish = $"Run 'spotify-etl transform --input {input} --lake {lake}' to finish it";
        var query = DemoCommandTests.RunCli("query", "--lake", lake, "--json");
        var report = DemoCommandTests.RunCli("report", "--lake", lake, "--out", folder["report.html"]);
        var current = DemoCommandTests.RunCli("current", "--lake", lake);
        Assert.All(new[] { query, report, current }, run =>
        {
            Assert.Contains(landing, run.Errors, StringComparison.Ordinal);
            Assert.Contains(finish, run.Errors, StringComparison.Ordinal);
        });

        // The lake alone transformed: what it holds is written, and the run says the rest is missing.
        File.Delete(blocked);
        var inPlace = DemoCommandTests.RunCli("transform", "--lake", lake, "--json");
        Assert.True(inPlace.ExitCode == 3, $"exit {inPlace.ExitCode}: {inPlace.Errors}");
        Assert.Contains(landing, inPlace.Errors, StringComparison.Ordinal);
        using (var json = System.Text.Json.JsonDocument.Parse(inPlace.Output))
        {
            Assert.Equal(input, Assert.Single(json.RootElement.GetProperty("unfinished_landings").EnumerateArray()).GetString());
        }
        Assert.Contains(landing, DemoCommandTests.RunCli("query", "--lake", lake, "--json").Errors, StringComparison.Ordinal);

        var finished = DemoCommandTests.RunCli("transform", "--input", input, "--lake", lake);
        Assert.True(finished.ExitCode == 0, finished.Errors);
        AssertAnswersAsACleanRun(lake, whole);
    }

    /// <summary>
    /// Stopped before its first file landed (killed right after it named the landing), a <c>transform --input</c> leaves a
    /// lake holding nothing but that name: a transform of the lake names the input to land, not a sample to make.
    /// </summary>
    [Fact]
    public void A_transform_input_stopped_before_its_first_file_is_named_by_a_transform_of_the_lake()
    {
        using var folder = new Support.TempFolder();
        var sample = folder["sample"];
        Assert.Equal(0, DemoCommandTests.RunCli("sample", "--out", sample, "--days", "2", "--items", "40", "--seed", "5").ExitCode);
        var input = Path.Combine(sample, "raw");
        var lake = folder["lake"];
        SpotifyEtl.Cli.Shell.UnfinishedTransform.BeginLanding(lake, input);

        var inPlace = DemoCommandTests.RunCli("transform", "--lake", lake);

        Assert.True(inPlace.ExitCode == 65, $"exit {inPlace.ExitCode}: {inPlace.Errors}");
        Assert.Contains($"a 'transform --input' stopped while copying the raw files of {input} into this lake", inPlace.Errors, StringComparison.Ordinal);
        Assert.Contains($"Run 'spotify-etl transform --input {input} --lake {lake}' to finish it", inPlace.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("spotify-etl sample", inPlace.Errors, StringComparison.Ordinal);
        var finished = DemoCommandTests.RunCli("transform", "--input", input, "--lake", lake);
        Assert.True(finished.ExitCode == 0, finished.Errors);
        Assert.Empty(SpotifyEtl.Cli.Shell.UnfinishedTransform.Landings(lake));
    }

    [Fact]
    public void A_landing_named_with_a_path_of_any_characters_reads_back_as_that_path_and_goes_once_ended()
    {
        using var folder = new Support.TempFolder();
        var lake = Directory.CreateDirectory(folder["lake"]).FullName;
        string[] inputs = ["/data/my exports/raw", "/data/line\nbreak/raw", "/data/100%/raw", "/data/landing /raw", "C:\\Users\\me\\raw"];
        Assert.Equal([false, true, true, true, true], inputs.Select(input => SpotifyEtl.Cli.Shell.UnfinishedTransform.BeginLanding(lake, input)));

        Assert.Equal(inputs.Order(StringComparer.Ordinal), SpotifyEtl.Cli.Shell.UnfinishedTransform.Landings(lake));
        SpotifyEtl.Cli.Shell.UnfinishedTransform.Begin(lake, [new DateOnly(2026, 11, 20)], landed: inputs[0]);
        foreach (var input in inputs.Skip(1))
        {
            SpotifyEtl.Cli.Shell.UnfinishedTransform.EndLanding(lake, input, wasThere: true);
        }
        Assert.Empty(SpotifyEtl.Cli.Shell.UnfinishedTransform.Landings(lake));
        Assert.Contains("it was to write 2026-11-20", SpotifyEtl.Cli.Shell.UnfinishedTransform.Warning(lake), StringComparison.Ordinal);
        SpotifyEtl.Cli.Shell.UnfinishedTransform.End(lake, [new DateOnly(2026, 11, 20)]);
        Assert.False(File.Exists(SpotifyEtl.Cli.Shell.UnfinishedTransform.PathOf(lake)));
    }

    [Fact]
    public void A_landing_that_lands_nothing_leaves_the_mark_as_it_found_it()
    {
        using var folder = new Support.TempFolder();
        var lake = Directory.CreateDirectory(folder["lake"]).FullName;
        var path = SpotifyEtl.Cli.Shell.UnfinishedTransform.PathOf(lake);

        // No mark before: none after.
        var wasThere = SpotifyEtl.Cli.Shell.UnfinishedTransform.BeginLanding(lake, "/data/raw");
        SpotifyEtl.Cli.Shell.UnfinishedTransform.EndLanding(lake, "/data/raw", wasThere);
        Assert.False(File.Exists(path));

        // A mark of a transform of days unknown, stopped: still there, still saying so.
        SpotifyEtl.Cli.Shell.UnfinishedTransform.Begin(lake, []);
        wasThere = SpotifyEtl.Cli.Shell.UnfinishedTransform.BeginLanding(lake, "/data/raw");
        SpotifyEtl.Cli.Shell.UnfinishedTransform.EndLanding(lake, "/data/raw", wasThere);
        Assert.True(File.Exists(path));
        Assert.StartsWith("a transform of this lake did not finish:", SpotifyEtl.Cli.Shell.UnfinishedTransform.Warning(lake), StringComparison.Ordinal);
    }
}
