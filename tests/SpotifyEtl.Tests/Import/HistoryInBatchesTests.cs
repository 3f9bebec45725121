using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Import;

/// <summary>
/// The history rebuilt some months at a time, when the landed files' rows do not all fit the memory allowed, is the table
/// one merge of everything writes, byte for byte, with the same counts for every file and for the API's plays; and no
/// merge takes more rows than allowed. The lakes are generated: six days of API plays and an export holding many of them,
/// around a month's end where the extended history stops and the account data takes over.
/// </summary>
public sealed class HistoryInBatchesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static List<ExportCandidate> Entries(string name, byte[] zip) => [.. ExportArchive.Entries(name, new MemoryStream(zip), ImportLimits.Default)];

    /// <summary>A lake with six days of the API's plays; and the zips of an export holding them, older export first.</summary>
    private async Task<(LocalFolderStore Store, List<List<ExportCandidate>> Zips)> LakeAsync(string name, int seed, int streams)
    {
        var store = new LocalFolderStore(_folder[name]);
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(store, seed, streams);
        return (store, sample.Zips.Select(z => Entries(z.Name, z.Zip)).ToList());
    }

    /// <summary>The table's files, by their path inside the table.</summary>
    private SortedDictionary<string, byte[]> Table(string lake)
    {
        var under = $"{lake}/transformed/listening_history/";
        return new(_folder.Files(under).ToDictionary(f => f.Key[under.Length..], f => f.Value), StringComparer.Ordinal);
    }

    private static Task<HistoryBuild> RebuildAsync(IObjectStore store, int rowsInMemory) =>
        new HistoryBuilder(store, store, TableFormat.Parquet, 2, null, rowsInMemory).RebuildAsync(new Dictionary<string, ExportFileContent>(), default);

    private static void SameCounts(HistoryBuild expected, HistoryBuild actual)
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Partitions, actual.Partitions);
        Assert.Equal(expected.ApiPlays, actual.ApiPlays);
        Assert.Equal(expected.Files.Keys, actual.Files.Keys);
        foreach (var (key, file) in expected.Files)
        {
            var other = actual.Files[key].Counts;
            Assert.Equal((file.Counts.Kept, file.Counts.Duplicates, file.Counts.Covered), (other.Kept, other.Duplicates, other.Covered));
            Assert.Equal(file.Content.RowsRead, actual.Files[key].Content.RowsRead);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 25)]
    [InlineData(3, 60)]
    [InlineData(4, 600)]
    [InlineData(5, 900)]
    public async Task A_history_built_some_months_at_a_time_is_the_table_and_the_counts_of_one_merge(int seed, int rowsInMemory)
    {
        var (store, zips) = await LakeAsync("lake", seed, streams: 1500);
        await new ExportImporter(store, store).ImportAsync([.. zips.SelectMany(z => z)]);
        // A landed file cut short since: left out of both alike.
        var landed = Directory.EnumerateFiles(_folder["lake/raw/spotify_export"], "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var cut = landed[seed % landed.Count];
        File.WriteAllBytes(cut, File.ReadAllBytes(cut)[..^40]);
        var whole = await RebuildAsync(store, int.MaxValue);
        Assert.Single(whole.Damaged);
        var table = Table("lake");
        Assert.Equal(1, whole.Merges.Merges);
        Assert.True(whole.ApiPlays.Covered > 0 && whole.ApiPlays.RowsKept > 0, "some API plays are the export's streams, some are not");
        Assert.Contains(whole.Files.Values, f => f.Counts.Duplicates > 0);
        Assert.Contains(whole.Files.Values, f => f.Counts.Covered > 0);
        // A month the history does not have, and one of its months in the other format, from before: both are obsolete.
        var stale = _folder["lake/transformed/listening_history/ended_month=2009-01/listening_history.parquet"];
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllBytes(stale, [1, 2, 3]);
        var month = table.Keys.First().Split('/')[0];
        File.WriteAllText(_folder[$"lake/transformed/listening_history/{month}/listening_history.csv"], "ended_at\n");

        var batched = await RebuildAsync(store, rowsInMemory);

        SameCounts(whole, batched);
        Assert.Equal(whole.Damaged, batched.Damaged);
        Assert.Equal(table.Keys, Table("lake").Keys);
        Assert.All(table, file => Assert.Equal(file.Value, Table("lake")[file.Key]));
        Assert.True(batched.Merges.Merges > 1, $"{batched.Merges.Merges} merge(s) of {whole.Merges.LargestMerge} rows in all");
        if (rowsInMemory >= 600)
        {
            // No month of this history holds so many rows with its neighbours that it needs a merge of its own beyond the bound.
            Assert.InRange(batched.Merges.LargestMerge, 1, rowsInMemory);
        }
    }

    [Theory]
    [InlineData(6, 40)]
    [InlineData(7, 300)]
    public async Task An_import_beside_exports_landed_before_is_reported_and_written_alike_whatever_the_memory_allowed(int seed, int rowsInMemory)
    {
        var reports = new List<ImportReport>();
        var merges = new List<int>();
        foreach (var (lake, limits) in new[] { ("whole", ImportLimits.Default), ("batched", ImportLimits.Default with { HistoryRowsInMemory = rowsInMemory }) })
        {
            var (store, zips) = await LakeAsync(lake, seed, streams: 800);
            await new ExportImporter(store, store, new ImportOptions { Limits = limits }).ImportAsync(zips[0]);
            var progress = new Stages();
            reports.Add(await new ExportImporter(store, store, new ImportOptions { Limits = limits, Progress = progress }).ImportAsync(zips[1]));
            merges.Add(progress.Seen.Count(p => p.Stage == "Merging the history"));
        }
        var (whole, batched) = (reports[0], reports[1]);
        Assert.Equal(1, merges[0]);
        Assert.True(merges[1] > 1, $"the second import merged in {merges[1]} batch(es)");
        Assert.Equal(whole.HistoryRows, batched.HistoryRows);
        Assert.Equal(whole.ApiPlays, batched.ApiPlays);
        Assert.Equal(whole.Partitions, batched.Partitions);
        Assert.Equal(whole.Files, batched.Files, (a, b) => a.Input == b.Input && a.RawKey == b.RawKey && a.RowsRead == b.RowsRead
            && a.RowsKept == b.RowsKept && a.Duplicates == b.Duplicates && a.Covered == b.Covered && a.Skipped == b.Skipped);
        var table = Table("whole");
        Assert.Equal(table.Keys, Table("batched").Keys);
        Assert.All(table, file => Assert.Equal(file.Value, Table("batched")[file.Key]));
    }

    /// <summary>Every progress report, as it is made.</summary>
    private sealed class Stages : IProgress<ImportProgress>
    {
        public List<ImportProgress> Seen { get; } = [];

        public void Report(ImportProgress value)
        {
            lock (Seen)
            {
                Seen.Add(value);
            }
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void Batches_are_consecutive_months_each_within_the_bound_with_its_neighbours_unless_one_month_alone_is_over_it(int seed)
    {
        var random = new Random(seed);
        var rowsByMonth = new SortedDictionary<long, int>();
        var month = new DateTimeOffset(2012, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 150; i++, month = month.AddMonths(1 + (random.Next(6) == 0 ? random.Next(1, 14) : 0)))
        {
            rowsByMonth[month.ToUnixTimeSeconds()] = random.Next(4) == 0 ? random.Next(1, 3000) : random.Next(1, 200);
        }
        var bound = random.Next(150, 2500);
        long Rows(long m) => rowsByMonth.GetValueOrDefault(m);
        long Load(List<long> months) => months.Sum(Rows) + Rows(HistoryMonths.Start(months[0] - 1)) + Rows(HistoryMonths.Next(months[^1]));

        var batches = HistoryBatches.Plan(rowsByMonth, bound);

        Assert.Equal(rowsByMonth.Keys, batches.SelectMany(b => b));
        foreach (var batch in batches.Where(b => b.Count > 1))
        {
            Assert.InRange(Load(batch), 0, bound);
        }
        // Each batch takes as many months as fit: the next month would not have.
        for (var i = 0; i + 1 < batches.Count; i++)
        {
            Assert.True(Load([.. batches[i], batches[i + 1][0]]) > bound, $"batch {i} could have taken the next month");
        }
        Assert.Contains(batches, b => b.Count > 1);
    }
}

/// <summary>
/// Batches whose edges fall where the API's plays pair with the export's streams across midnight at a month's end, and
/// with streams they were stamped at the start of: a batch must read its neighbours' edge days to settle its own months.
/// </summary>
public sealed class HistoryBatchEdgeTests : IDisposable
{
    private static readonly long[] Edges =
    [
        new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
        new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
        new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
    ];

    private static readonly long AccountEdge = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Id(char kind, int i) => $"{kind}{i:D21}";

    private static string Time(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Extended-history files of streams near the month edges, and recently-played pages holding plays of many of them.</summary>
    private static (List<ExportCandidate> Files, Dictionary<string, byte[]> Pages) Generate(int seed)
    {
        var random = new Random(seed);
        var files = Enumerable.Range(0, 3).Select(_ => new List<string>()).ToArray();
        var plays = new List<(long At, int Track)>();
        for (var i = 0; i < 400; i++)
        {
            var ms = random.Next(3) == 0 ? random.Next(1_000, 20_000) : random.Next(100_000, 300_000);
            var at = Edges[random.Next(Edges.Length)] + (random.Next(3) == 0 ? random.Next(-2 * 86_400, 2 * 86_400) : random.Next(-400, 400));
            var track = random.Next(6);
            var stream = $$"""{"ts":"{{Time(at)}}","platform":"ios","ms_played":{{ms}},"conn_country":"SE","master_metadata_track_name":"Song {{track}}","master_metadata_album_artist_name":"Artist","master_metadata_album_album_name":"Album","spotify_track_uri":"spotify:track:{{Id('t', track)}}","reason_start":"clickrow","reason_end":"trackdone","shuffle":false,"skipped":false,"offline":false,"incognito_mode":false}""";
            files[random.Next(files.Length)].Add(stream);
            if (random.Next(10) == 0)
            {
                files[random.Next(files.Length)].Add(stream); // an exact duplicate, in the same file or another
            }
            switch (random.Next(4))
            {
                case 0: plays.Add((at + random.Next(-20, 21), track)); break; // stamped with its end, a few seconds off
                case 1: plays.Add((at - ms / 1000 + random.Next(-20, 21), track)); break; // stamped with its start
                case 2 when random.Next(3) == 0: plays.Add((at + random.Next(-3_000, 3_000), track)); break; // a play the export lacks
            }
        }
        // After the extended history ends, the account data's rows (to the minute) around the next month's end, and API plays
        // of many of them, which pair by track and artist names within the minute, or by the start the minute and the time
        // played give, on either side of midnight.
        var account = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            var at = AccountEdge + random.Next(-3_000, 3_000);
            var track = random.Next(6);
            var ms = random.Next(1_000, 300_000);
            account.Add($$"""{"endTime":"{{DateTimeOffset.FromUnixTimeSeconds(at).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)}}","artistName":"Artist","trackName":"Song {{track}}","msPlayed":{{ms}}}""");
            switch (random.Next(4))
            {
                case 0 or 1: plays.Add((at + random.Next(-20, 21), track)); break; // stamped with its end
                case 2: plays.Add((at - ms / 1000 + random.Next(-20, 21), track)); break; // stamped with its start
            }
        }
        static ExportCandidate Candidate(string name, List<string> rows)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes("[" + string.Join(",", rows) + "]");
            return new ExportCandidate(name, _ => Task.FromResult<Stream>(new MemoryStream(bytes)), bytes.Length);
        }
        var candidates = files.Select((rows, n) => Candidate($"Streaming_History_Audio_2024_{n}.json", rows)).Append(Candidate("StreamingHistory_music_0.json", account)).ToList();
        var pages = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var day in plays.GroupBy(p => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(p.At).UtcDateTime)))
        {
            var items = day.OrderByDescending(p => p.At).Select(p =>
                $$$"""{"track":{"id":"{{{Id('t', p.Track)}}}","uri":"spotify:track:{{{Id('t', p.Track)}}}","name":"Song {{{p.Track}}}","type":"track","duration_ms":200000,"artists":[{"id":"{{{Id('a', 0)}}}","name":"Artist","type":"artist"}],"album":{"id":"{{{Id('b', 0)}}}","name":"Album","type":"album","release_date":"2020-01-01","release_date_precision":"day","artists":[{"id":"{{{Id('a', 0)}}}","name":"Artist","type":"artist"}]}},"played_at":"{{{DateTimeOffset.FromUnixTimeSeconds(p.At).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)}}}"}""");
            var key = new RawObjectKey(RawSource.RecentlyPlayed, day.Key, "me", day.Key.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + "T235900Z", 1).ToString();
            pages[key] = System.Text.Encoding.UTF8.GetBytes($$"""{"items":[{{string.Join(",", items)}}],"limit":50}""");
        }
        return (candidates, pages);
    }

    [Theory]
    [InlineData(21, 1)]
    [InlineData(22, 1)]
    [InlineData(23, 150)]
    [InlineData(24, 1)]
    public async Task Months_built_apart_pair_the_plays_across_their_edges_as_one_merge_does(int seed, int rowsInMemory)
    {
        var (files, pages) = Generate(seed);
        var store = new LocalFolderStore(_folder["lake"]);
        foreach (var (key, page) in pages)
        {
            await store.PutBytesAsync(key, page, "application/json");
        }
        var imported = await new ExportImporter(store, store).ImportAsync(files);
        Assert.True(imported.ApiPlays!.Covered > 50, $"{imported.ApiPlays.Covered} of {imported.ApiPlays.RowsRead} plays are the export's streams");
        Assert.True(imported.Files.Single(f => f.Input == "StreamingHistory_music_0.json").Covered > 10, "API plays cover account rows");
        Assert.Contains(imported.Files, f => f.Duplicates > 0);
        var whole = await new HistoryBuilder(store, store, TableFormat.Parquet, 2, null, int.MaxValue).RebuildAsync(new Dictionary<string, ExportFileContent>(), default);
        var table = _folder.Files("lake/transformed/listening_history");

        var batched = await new HistoryBuilder(store, store, TableFormat.Parquet, 2, null, rowsInMemory).RebuildAsync(new Dictionary<string, ExportFileContent>(), default);

        Assert.True(batched.Merges.Merges >= 3, $"{batched.Merges.Merges} merges");
        Assert.Equal((whole.ApiPlays, whole.Rows), (batched.ApiPlays, batched.Rows));
        Assert.Equal(whole.Files.Values.Select(f => (f.Counts.Kept, f.Counts.Duplicates, f.Counts.Covered)),
            batched.Files.Values.Select(f => (f.Counts.Kept, f.Counts.Duplicates, f.Counts.Covered)));
        FileTreeAssert.Same(table, _folder.Files("lake/transformed/listening_history"), "listening_history built in batches");
    }
}
