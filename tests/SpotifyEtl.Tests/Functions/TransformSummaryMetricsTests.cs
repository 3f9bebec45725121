using System.IO.Compression;
using System.Text.Json;
using SpotifyEtl.Functions;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Import;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// Whatever the transform function loses, it counts in the summary it logs as an Embedded Metric Format record, where
/// the stack's alarms look: an object it left unread (a landed export file the history cannot read, a raw object whose
/// quarantine copy cannot be written) and a file of a dropped data export it could not import. And its completed and
/// failed lines name what it was asked to handle: the keys of its records and the days it replays.
/// </summary>
public sealed class TransformSummaryMetricsTests : IDisposable
{
    private const string RawBucket = "spotify-stack-raw";
    private const string Export = LakeLayout.Import + "my_spotify_data.zip";
    private readonly TempFolder _folder = new();
    private readonly StringWriter _log = new();

    public void Dispose()
    {
        _log.Dispose();
        _folder.Dispose();
    }

    public enum ExportFault
    {
        VersionDeleted,
        RemovedBeforeRead,
        LargerThanTemporaryStorage,
    }

    [Theory]
    [InlineData(ExportFault.VersionDeleted)]
    [InlineData(ExportFault.RemovedBeforeRead)]
    [InlineData(ExportFault.LargerThanTemporaryStorage)]
    public async Task An_export_the_import_could_not_read_is_a_skipped_file_in_the_summarys_metrics(ExportFault fault)
    {
        var raw = new VersionedStore();
        if (fault != ExportFault.RemovedBeforeRead)
        {
            await raw.PutBytesAsync(Export, SampleExport.Write(new SampleExportOptions(40, 31)).Zips[0].Zip, "application/zip");
        }
        var notification = fault == ExportFault.VersionDeleted
            ? ExportVersionTests.EventFor(Export, "v-deleted")
            : TransformFunctionTests.S3Event([(RawBucket, TransformFunctionTests.Encode(Export))]);
        var function = new TransformFunction(raw, new VersionedStore(), RawBucket, _log)
        {
            Temporary = new TemporaryStorage(Directory.CreateDirectory(_folder["tmp"]).FullName, _ => fault == ExportFault.LargerThanTemporaryStorage ? 1 : 1L << 40),
        };

        var summary = Invoke(function, notification);

        Assert.Equal(1, Metric(summary, "import_incomplete_files"));
        Assert.Equal(0, Metric(summary, "import_unreadable_rows"));
        Assert.Equal([Export], summary.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(29)]
    public async Task An_export_whose_history_file_breaks_off_is_an_incomplete_file_in_the_summarys_metrics(int seed)
    {
        // A download or an unzip that did not finish: one history file of the zip ends partway, the rows before the break imported.
        var random = new Random(seed);
        var entries = await EntriesOf(SampleExport.Write(new SampleExportOptions(200, seed)).Zips[0].Zip);
        var histories = entries.Select((e, i) => (e, i)).Where(x => x.e.Name.EndsWith(".json", StringComparison.Ordinal) && x.e.Content.Length > 1000
            && (x.e.Name.Contains("Streaming_History", StringComparison.Ordinal) || x.e.Name.Contains("StreamingHistory", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(histories);
        var (cut, index) = histories[random.Next(histories.Count)];
        entries[index] = (cut.Name, cut.Content[..(int)(cut.Content.Length * (0.4 + random.NextDouble() * 0.4))]);
        var raw = new VersionedStore();
        await raw.PutBytesAsync(Export, Zip(entries), "application/zip");
        var function = new TransformFunction(raw, new VersionedStore(), RawBucket, _log)
        {
            Temporary = new TemporaryStorage(Directory.CreateDirectory(_folder["tmp"]).FullName, _ => 1L << 40),
        };

        var summary = Invoke(function, TransformFunctionTests.S3Event([(RawBucket, TransformFunctionTests.Encode(Export))]));

        Assert.True(Metric(summary, "import_incomplete_files") == 1, $"{cut.Name} cut short: {summary}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(13)]
    [InlineData(41)]
    public async Task An_export_with_rows_the_import_cannot_read_counts_them_in_the_summarys_metrics(int seed)
    {
        // Elements of a history file's array that are no stream: values of other JSON kinds, an object with no time.
        string[] kinds = ["42", "\"a sentence\"", "[1, 2]", "null", "true", "{\"ms_played\": 1000}", "{\"master_metadata_track_name\": \"x\"}"];
        var random = new Random(seed);
        var (entries, index) = (new List<(string Name, byte[] Content)>(), -1);
        foreach (var (_, zip) in SampleExport.Write(new SampleExportOptions(120, seed)).Zips)
        {
            entries = await EntriesOf(zip);
            index = entries.FindIndex(e => e.Name.Contains("Streaming_History_Audio", StringComparison.Ordinal) && e.Content.Length > 1000);
            if (index >= 0)
            {
                break;
            }
        }
        Assert.True(index >= 0, "the sample export holds an extended history file");
        var bad = Enumerable.Range(0, 1 + random.Next(9)).Select(_ => kinds[random.Next(kinds.Length)]).ToList();
        var text = System.Text.Encoding.UTF8.GetString(entries[index].Content);
        var open = text.IndexOf('[', StringComparison.Ordinal);
        var spoiled = entries.ToList();
        spoiled[index] = (entries[index].Name, System.Text.Encoding.UTF8.GetBytes(text[..(open + 1)] + string.Join(",", bad) + "," + text[(open + 1)..]));

        // The sample export has rows of its own that cannot be read: the same export as it was is the baseline.
        var (before, after) = (await ImportedAsync(entries, "as-sent"), await ImportedAsync(spoiled, "spoiled"));

        Assert.Equal(Metric(before, "import_unreadable_rows") + bad.Count, Metric(after, "import_unreadable_rows"));
        Assert.Equal(0, Metric(after, "import_incomplete_files"));
    }

    /// <summary>The summary of a transform invocation for the zip of these entries dropped under import/, in a bucket of its own.</summary>
    private async Task<JsonElement> ImportedAsync(List<(string Name, byte[] Content)> entries, string name)
    {
        var raw = new VersionedStore();
        await raw.PutBytesAsync(Export, Zip(entries), "application/zip");
        var function = new TransformFunction(raw, new VersionedStore(), RawBucket, _log)
        {
            Temporary = new TemporaryStorage(Directory.CreateDirectory(_folder[$"tmp-{name}"]).FullName, _ => 1L << 40),
        };
        return Invoke(function, TransformFunctionTests.S3Event([(RawBucket, TransformFunctionTests.Encode(Export))]));
    }

    private static async Task<List<(string Name, byte[] Content)>> EntriesOf(byte[] zip)
    {
        var entries = new List<(string Name, byte[] Content)>();
        using var original = new ZipArchive(new MemoryStream(zip));
        foreach (var entry in original.Entries.Where(e => e.Length > 0))
        {
            using var content = new MemoryStream();
            await using (var stream = entry.Open())
            {
                await stream.CopyToAsync(content);
            }
            entries.Add((entry.FullName, content.ToArray()));
        }
        return entries;
    }

    private static byte[] Zip(List<(string Name, byte[] Content)> entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }

    [Theory]
    [InlineData(5)]
    [InlineData(17)]
    public async Task A_landed_export_file_the_history_cannot_read_is_counted_unread_in_the_summarys_metrics(int seed)
    {
        var raw = new LocalFolderStore(_folder["raw-bucket"]);
        var lake = new LocalFolderStore(_folder["transformed-bucket"]);
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(_folder["source"]), seed);
        var days = sample.Days.Keys.ToList();
        await HistoryPlaysFollowerTests.CopyAsync(sample, raw, days.Take(2));
        var imported = await new ExportImporter(raw, lake).ImportAsync(sample.Export);
        // The landed file that reaches furthest, into the months of the later days' plays, cut short.
        var spans = new List<(string Key, long Last)>();
        foreach (var file in imported.Files.Where(f => f.RawKey is not null))
        {
            spans.Add((file.RawKey!, (await ExportSpan.ReadAsync(raw, lake, file.RawKey!, null, default)).Span.Last ?? 0));
        }
        var victim = spans.MaxBy(s => s.Last).Key;
        var bytes = await raw.ReadAllBytesAsync(victim);
        await raw.PutBytesAsync(victim, bytes[..(bytes.Length / 2)], "application/json");
        var later = await HistoryPlaysFollowerTests.CopyAsync(sample, raw, days.Skip(2));

        var summary = Invoke(new TransformFunction(raw, lake, RawBucket, _log),
            TransformFunctionTests.S3Event(later.Select(k => (RawBucket, TransformFunctionTests.Encode(k)))));

        Assert.Equal(1, Metric(summary, "unread"));
        Assert.Equal(0, Metric(summary, "quarantined"));
        Assert.Single(LogLines(), l => l.GetProperty("event").GetString() == "transform_object" && l.GetProperty("key").GetString() == victim
            && l.GetProperty("status").GetString() == "unreadable");
    }

    [Fact]
    public void The_completed_line_names_the_first_twenty_keys_and_replay_dates_it_handled_and_how_many_there_were()
    {
        var raw = new LocalFolderStore(_folder["raw-bucket"]);
        var manifests = Enumerable.Range(0, 23).Select(i => $"{LakeLayout.Manifests}20261120T06{i:00}00Z.json").ToList();
        var function = new TransformFunction(raw, new LocalFolderStore(_folder["transformed-bucket"]), RawBucket, _log);

        var byEvent = Invoke(function, TransformFunctionTests.S3Event(manifests.Select(k => (RawBucket, TransformFunctionTests.Encode(k)))));
        var dates = Enumerable.Range(0, 31).Select(i => $"{new DateOnly(2026, 10, 1).AddDays(i):yyyy-MM-dd}").ToList();
        var byReplay = Invoke(function, JsonSerializer.Serialize(new Dictionary<string, List<string>> { ["replay_dates"] = dates }));

        Assert.Equal(manifests.Take(20), byEvent.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(23, byEvent.GetProperty("key_count").GetInt32());
        Assert.False(byEvent.TryGetProperty("replay_dates", out _));
        Assert.Equal(dates.Take(20), byReplay.GetProperty("replay_dates").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(31, byReplay.GetProperty("replay_date_count").GetInt32());
        Assert.False(byReplay.TryGetProperty("keys", out _));
        Assert.Equal(2, LogLines().Count(l => l.GetProperty("event").GetString() == "transform_completed" && l.TryGetProperty("_aws", out _)));
    }

    [Fact]
    public async Task The_failed_line_names_the_keys_and_replay_dates_the_invocation_was_handling()
    {
        var raw = new LocalFolderStore(_folder["raw-bucket"]);
        const string Manifest = LakeLayout.Manifests + "20261120T060000Z.json";
        await raw.PutTextAsync(Manifest, TransformFunctionTests.ManifestJson("20261120T060000Z", []), "application/json");
        var broken = new TransformFunction(new FailingReads(raw), new LocalFolderStore(_folder["transformed-bucket"]), RawBucket, _log);
        var replaying = new TransformFunction(raw, new LocalFolderStore(_folder["transformed-bucket"]), RawBucket, _log);

        Assert.Throws<IOException>(() => broken.RunHandler(TransformFunctionTests.ToStream(
            TransformFunctionTests.S3Event([(RawBucket, TransformFunctionTests.Encode(Manifest))]))));
        Assert.Throws<InvalidDataException>(() => replaying.RunHandler(TransformFunctionTests.ToStream("""{"replay_dates": ["2026-11-20", "yesterday"]}""")));

        var failures = LogLines().Where(l => l.GetProperty("event").GetString() == "transform_failed").ToList();
        Assert.Equal(2, failures.Count);
        Assert.Equal([Manifest], failures[0].GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(1, failures[0].GetProperty("key_count").GetInt32());
        Assert.Equal(["2026-11-20", "yesterday"], failures[1].GetProperty("replay_dates").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(2, failures[1].GetProperty("replay_date_count").GetInt32());
    }

    /// <summary>A raw bucket every read of which fails, as a disk or a network that gave out.</summary>
    private sealed class FailingReads(IObjectStore inner) : ForwardingStore(inner)
    {
        public override Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
            throw new IOException($"reading {key} failed: the device gave out");
    }

    /// <summary>
    /// A count of the summary as CloudWatch reads it: a metric the line's EMF directive names (no dimensions), whose value is
    /// the line's member of the same name.
    /// </summary>
    private static int Metric(JsonElement summary, string name)
    {
        var directive = Assert.Single(summary.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.Contains(directive.GetProperty("Metrics").EnumerateArray(), m => m.GetProperty("Name").GetString() == name && m.GetProperty("Unit").GetString() == "Count");
        Assert.Empty(directive.GetProperty("Dimensions")[0].EnumerateArray());
        return summary.GetProperty(name).GetInt32();
    }

    private static JsonElement Invoke(TransformFunction function, string notification)
    {
        using var output = function.RunHandler(TransformFunctionTests.ToStream(notification));
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private List<JsonElement> LogLines() =>
        _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
}
