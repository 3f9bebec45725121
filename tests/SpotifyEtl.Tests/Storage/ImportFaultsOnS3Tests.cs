using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.S3;
using SpotifyEtl.Functions;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Functions;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// A data export dropped under <c>import/</c> and imported by the transform function through <see cref="S3FaultProxy"/>, which
/// breaks one request the import makes: the read of an uploaded zip or JSON file (its body cut short, stalled, or refused with
/// 503 SlowDown), the write of a landed raw copy or of a table file (refused), or the listing of the landed files (one left
/// out). Each seed uploads its own export, as zips or as loose JSON files, and picks the object it breaks. S3 failing is not
/// the export's fault: the invocation fails within the client's timeout (Lambda retries it), its one <c>transform_failed</c>
/// line names the request, nothing is said to be wrong with the export, the uploads stay, and the retry writes the very
/// table an undisturbed import writes.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class ImportFaultsOnS3Tests(FauxqsServer server)
{
    public enum ImportFault
    {
        UploadCutShort,
        UploadStalled,
        UploadRefused,
        UploadRefusedOnce,
        LandingRefused,
        TableRefused,
        SpanRefused,
        ListingMissesLanded,
    }

    public static TheoryData<ImportFault, int> Cases()
    {
        var cases = new TheoryData<ImportFault, int>();
        foreach (var fault in Enum.GetValues<ImportFault>())
        {
            // An odd seed uploads the export's zips, an even one its JSON files unzipped.
            foreach (var seed in new[] { 1, 2 })
            {
                cases.Add(fault, seed + 10 * (int)fault);
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task S3_failing_an_import_fails_the_invocation_naming_the_request_and_the_retry_writes_the_undisturbed_table(ImportFault fault, int seed)
    {
        await using var proxy = await S3FaultProxy.StartAsync(server.ServiceUrl);
        // The invocation S3 fails has two seconds a request, to make a stalled body fail soon; everything else (the
        // uploads, the undisturbed import, the checks) has more: with two, an upload once timed out on a busy machine.
        using var client = BrokenBodiesOnS3Tests.ThroughProxy(proxy, TimeSpan.FromSeconds(30));
        using var failing = BrokenBodiesOnS3Tests.ThroughProxy(proxy);
        var uploads = Uploads(seed);

        // The same export imported with nothing in the way: what the table must be.
        var (calm, calmLines, table) = await UndisturbedImportAsync(client, uploads);
        var said = FileLines(calmLines);
        var landed = await TransformFunctionTests.ListAsync(new S3ObjectStore(client, calm.RawBucket), ExportRawKey.Prefix);
        Assert.NotEmpty(landed);
        Assert.NotEmpty(table);

        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(client, settings.RawBucket);
        var lake = new S3ObjectStore(client, settings.TransformedBucket);
        await UploadAsync(client, settings.RawBucket, uploads);
        var random = new Random(seed);
        var upload = uploads[random.Next(uploads.Count)].Key;
        var landedKey = landed[random.Next(landed.Count)];
        var tableKey = table.Keys.ElementAt(random.Next(table.Count));
        var refusals = 0;
        string expected;
        switch (fault)
        {
            case ImportFault.UploadCutShort or ImportFault.UploadStalled:
                var body = fault == ImportFault.UploadCutShort ? BodyFault.CutShort : BodyFault.Stall;
                proxy.Choose = path => path == $"/{settings.RawBucket}/{upload}" ? body : BodyFault.None;
                expected = $"GET s3://{settings.RawBucket}/{upload}";
                break;
            case ImportFault.UploadRefused or ImportFault.UploadRefusedOnce:
                // Once is within the client's own retry; for a while is not.
                var times = fault == ImportFault.UploadRefusedOnce ? 1 : int.MaxValue;
                proxy.Unavailable = (method, path) => method == "GET" && path == $"/{settings.RawBucket}/{upload}" && Interlocked.Increment(ref refusals) <= times;
                expected = $"GET s3://{settings.RawBucket}/{upload}";
                break;
            case ImportFault.LandingRefused:
                proxy.Unavailable = (method, path) => method == "PUT" && path == $"/{settings.RawBucket}/{landedKey}";
                expected = $"PUT s3://{settings.RawBucket}/{landedKey}";
                break;
            case ImportFault.TableRefused:
                proxy.Unavailable = (method, path) => method == "PUT" && path == $"/{settings.TransformedBucket}/{tableKey}";
                expected = $"PUT s3://{settings.TransformedBucket}/{tableKey}";
                break;
            case ImportFault.SpanRefused:
                // What a transform needs to rebuild a month alone, staged after the table's files.
                var spanKey = ExportSpan.KeyFor(landedKey);
                proxy.Unavailable = (method, path) => method == "PUT" && path == $"/{settings.TransformedBucket}/{spanKey}";
                expected = $"PUT s3://{settings.TransformedBucket}/{spanKey}";
                break;
            default:
                // A listing of the raw bucket that leaves out one landed file, as a listing S3 gives while it is inconsistent.
                proxy.RewriteListing = xml => Regex.Replace(xml, $"<Contents>(?:(?!</Contents>).)*<Key>{Regex.Escape(landedKey)}</Key>.*?</Contents>", "",
                    RegexOptions.Singleline);
                expected = $"LIST s3://{settings.RawBucket}/{ExportRawKey.Prefix}";
                break;
        }
        var temporary = Directory.CreateTempSubdirectory("spotify-etl-import-faults-");
        TransformFunction Function(TextWriter log) => new(settings, failing, log) { Temporary = TemporaryStorage.Default with { Folder = temporary.FullName } };

        var (failed, lines) = await InvokeAsync(Function, settings.RawBucket, uploads);

        if (fault == ImportFault.UploadRefusedOnce)
        {
            Assert.Null(failed);
            Assert.True(refusals >= 1);
        }
        else
        {
            Assert.NotNull(failed);
            Assert.IsNotType<TimeoutException>(failed);
            var failure = Assert.Single(lines, line => line.GetProperty("event").GetString() == "transform_failed");
            Assert.Equal(expected, failure.TryGetProperty("request", out var request) ? request.GetString() : null);
            Assert.DoesNotContain(lines, line => line.GetProperty("event").GetString() == ImportLog.CompletedEvent);
            if (fault is ImportFault.UploadCutShort or ImportFault.UploadStalled)
            {
                Assert.NotEmpty(proxy.Broken);
            }
        }
        // A zip's temporary copy goes with the invocation that made it: retries in one container do not fill its storage.
        Assert.Empty(temporary.EnumerateFileSystemInfos());
        // A table file written before the failure is the undisturbed import's: never one built without some landed file.
        foreach (var (key, bytes) in await FilesAsync(lake, HistoryPublisher.TablePrefix))
        {
            Assert.True(table.TryGetValue(key, out var calmBytes) && bytes.AsSpan().SequenceEqual(calmBytes), $"{key} was written unlike the undisturbed import's");
        }
        // Nothing said against the export's files but what an undisturbed import says: S3 failing is not a bad file.
        Assert.Equal(failed is null ? said : [], FileLines(lines));

        // Lambda's retry, once S3 is well again: a new invocation, on connections of its own (none the fault left half
        // answered) and with more than the two seconds a request of the failing one had, which are there to make a stalled
        // body fail soon: with them the retry once failed on a request timeout of its own during a whole make test.
        proxy.Choose = _ => BodyFault.None;
        proxy.Unavailable = (_, _) => false;
        proxy.RewriteListing = null;
        using var retryClient = BrokenBodiesOnS3Tests.ThroughProxy(proxy, TimeSpan.FromSeconds(30));
        var (retryFailure, retried) = await InvokeAsync(
            log => new TransformFunction(settings, retryClient, log) { Temporary = TemporaryStorage.Default with { Folder = temporary.FullName } },
            settings.RawBucket, uploads);

        Assert.Null(retryFailure);
        Assert.Equal(said, FileLines(retried));
        foreach (var (key, _, _) in uploads)
        {
            Assert.True(await raw.ExistsAsync(key), $"{key}: an uploaded export is never deleted");
        }
        Assert.Equal(landed, await TransformFunctionTests.ListAsync(raw, ExportRawKey.Prefix));
        var written = await FilesAsync(lake, HistoryPublisher.TablePrefix);
        Assert.Equal(table.Keys, written.Keys);
        foreach (var (key, bytes) in table)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(written[key]), $"{key} differs from the undisturbed import's");
        }
        Assert.Empty(await TransformFunctionTests.ListAsync(raw, LakeLayout.Quarantine));
        Assert.Empty(temporary.EnumerateFileSystemInfos());
        temporary.Delete();
    }

    [Theory]
    [InlineData(71)]
    [InlineData(72)]
    public async Task An_import_event_delivered_twice_at_once_writes_the_undisturbed_table_from_both_deliveries(int seed)
    {
        await using var proxy = await S3FaultProxy.StartAsync(server.ServiceUrl);
        // Nothing stalls here: a request has as long as a busy machine needs.
        using var client = BrokenBodiesOnS3Tests.ThroughProxy(proxy, TimeSpan.FromSeconds(30));
        var uploads = Uploads(seed);
        var (_, calmLines, table) = await UndisturbedImportAsync(client, uploads);
        var settings = await server.CreateTransformBucketsAsync();
        await UploadAsync(client, settings.RawBucket, uploads);

        // Lambda delivers an event at least once: two containers may run the same one side by side.
        var deliveries = await Task.WhenAll(Enumerable.Range(0, 2)
            .Select(_ => InvokeAsync(log => new TransformFunction(settings, client, log), settings.RawBucket, uploads)));

        Assert.All(deliveries, delivery => Assert.Null(delivery.Failed));
        var rows = calmLines.Single(line => line.GetProperty("event").GetString() == ImportLog.CompletedEvent).GetProperty("history_rows").GetInt32();
        Assert.All(deliveries, delivery => Assert.Equal(rows,
            delivery.Lines.Single(line => line.GetProperty("event").GetString() == ImportLog.CompletedEvent).GetProperty("history_rows").GetInt32()));
        var written = await FilesAsync(new S3ObjectStore(client, settings.TransformedBucket), HistoryPublisher.TablePrefix);
        Assert.Equal(table.Keys, written.Keys);
        foreach (var (key, bytes) in table)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(written[key]), $"{key} differs from the undisturbed import's");
        }
    }

    /// <summary>The uploads imported into buckets of their own with nothing in the way: the buckets, what the import logged, and its table's files.</summary>
    private async Task<(TransformSettings Buckets, List<JsonElement> Lines, SortedDictionary<string, byte[]> Table)> UndisturbedImportAsync(
        AmazonS3Client client, List<(string Key, byte[] Bytes, string Type)> uploads)
    {
        var calm = await server.CreateTransformBucketsAsync();
        await UploadAsync(client, calm.RawBucket, uploads);
        var (failed, lines) = await InvokeAsync(log => new TransformFunction(calm, client, log), calm.RawBucket, uploads);
        Assert.Null(failed);
        return (calm, lines, await FilesAsync(new S3ObjectStore(client, calm.TransformedBucket), HistoryPublisher.TablePrefix));
    }

    /// <summary>A seed's export as a listener uploads it: its zips, or (an even seed) every JSON file in them, unzipped.</summary>
    private static List<(string Key, byte[] Bytes, string Type)> Uploads(int seed)
    {
        var export = SampleExport.Write(new SampleExportOptions(150, seed));
        var folder = $"{LakeLayout.Import}seed {seed}/";
        if (seed % 2 == 1)
        {
            return export.Zips.Select(zip => (folder + zip.Name, zip.Zip, "application/zip")).ToList();
        }
        var files = new List<(string, byte[], string)>();
        foreach (var (zip, index) in export.Zips.Select((z, i) => (z.Zip, i)))
        {
            using var archive = new ZipArchive(new MemoryStream(zip));
            foreach (var entry in archive.Entries.Where(e => e.FullName.EndsWith(".json", StringComparison.Ordinal)))
            {
                using var content = new MemoryStream();
                using (var stream = entry.Open())
                {
                    stream.CopyTo(content);
                }
                files.Add(($"{folder}{index}/{entry.FullName}", content.ToArray(), "application/json"));
            }
        }
        return files;
    }

    private static async Task UploadAsync(AmazonS3Client client, string bucket, List<(string Key, byte[] Bytes, string Type)> uploads)
    {
        var raw = new S3ObjectStore(client, bucket);
        foreach (var (key, bytes, type) in uploads)
        {
            await raw.PutBytesAsync(key, bytes, type);
        }
    }

    /// <summary>One invocation for every upload's event: what it threw, and its log lines.</summary>
    private static async Task<(Exception? Failed, List<JsonElement> Lines)> InvokeAsync(Func<TextWriter, TransformFunction> function, string bucket,
        List<(string Key, byte[] Bytes, string Type)> uploads)
    {
        using var log = new StringWriter();
        var logged = function(log);
        var evt = TransformFunctionTests.S3Event(uploads.Select(u => (bucket, TransformFunctionTests.Encode(u.Key))));
        // A stall that held the import for good would hang here: the wait turns that into this test's failure.
        var failed = await Record.ExceptionAsync(() => Task.Run(() => logged.RunHandler(TransformFunctionTests.ToStream(evt)).Dispose())
            .WaitAsync(TimeSpan.FromSeconds(90)));
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return (failed, lines);
    }

    /// <summary>What the import's <c>import_file</c> lines say of each file: its level and reason, by input.</summary>
    private static List<string> FileLines(List<JsonElement> lines) => lines
        .Where(line => line.GetProperty("event").GetString() == ImportLog.FileEvent)
        .Select(line => $"{line.GetProperty("input").GetString()} {line.GetProperty("level").GetString()}: {line.GetProperty("reason").GetString()}")
        .Order(StringComparer.Ordinal).ToList();

    private static async Task<SortedDictionary<string, byte[]>> FilesAsync(IObjectStore store, string prefix)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in await TransformFunctionTests.ListAsync(store, prefix))
        {
            files[key] = await store.ReadAllBytesAsync(key);
        }
        return files;
    }
}
