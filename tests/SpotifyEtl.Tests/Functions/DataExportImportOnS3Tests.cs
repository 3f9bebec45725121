using System.Net;
using System.Text.Json;
using SpotifyEtl.Functions;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// A data export dropped under the raw bucket's <c>import/</c> on an S3-protocol server: the transform function imports
/// it as <c>spotify-etl import</c> does on a laptop, byte for byte, keeps the dropped object, and sets bad files aside
/// with a reason in its log while the invocation succeeds.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class DataExportImportOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();
    /// <summary>What the test itself writes and reads, around the function: as the user or the extract function would, not as the transform.</summary>
    private readonly Amazon.S3.AmazonS3Client _admin = server.CreateClient();
    private readonly string _local = Path.Combine(Path.GetTempPath(), "spotify-etl-import-s3-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_dropped_export_zip_is_imported_as_on_a_laptop_and_an_event_delivered_twice_changes_nothing()
    {
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var lake = new S3ObjectStore(_admin, settings.TransformedBucket);
        var export = SampleExport.Write(new SampleExportOptions(300, 11));
        var keys = new List<string>();
        foreach (var (name, zip) in export.Zips)
        {
            keys.Add($"{LakeLayout.Import}exports 2026/{name}");
            await raw.PutBytesAsync(keys[^1], zip, "application/zip");
        }
        keys.Add($"{LakeLayout.Import}notes.txt");
        await raw.PutTextAsync(keys[^1], "not an export", "text/plain");

        using var log = new StringWriter();
        var notification = TransformFunctionTests.S3Event(keys.Select(k => (settings.RawBucket, TransformFunctionTests.Encode(k))));
        for (var delivery = 0; delivery < 2; delivery++)
        {
            using var output = new TransformFunction(settings, _client, log).RunHandler(TransformFunctionTests.ToStream(notification));
            Assert.Equal(0, JsonDocument.Parse(output).RootElement.GetProperty("ignored").GetInt32());
        }
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var completed = lines.Where(l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent).ToList();
        Assert.Equal(2, completed.Count);
        // Each names the uploads its event named (the export's zips and the note beside them), and every history file landed.
        Assert.All(completed, line => Assert.Equal(keys, line.GetProperty("inputs").EnumerateArray().Select(k => k.GetString())));
        Assert.All(completed, line => Assert.True(line.GetProperty("landed_whole").GetBoolean()));
        Assert.True(completed[0].GetProperty("landed_files").GetInt32() > 10);
        Assert.Equal(0, completed[1].GetProperty("landed_files").GetInt32());
        Assert.Equal(completed[0].GetProperty("history_rows").GetInt32(), completed[1].GetProperty("history_rows").GetInt32());
        Assert.Contains(lines, l => l.GetProperty("event").GetString() == ImportLog.FileEvent
            && l.GetProperty("input").GetString() == $"{LakeLayout.Import}notes.txt" && l.GetProperty("reason").GetString()!.Contains("not a .json file", StringComparison.Ordinal)
            && l.GetProperty("level").GetString() == "info");
        foreach (var key in keys)
        {
            Assert.True(await raw.ExistsAsync(key), $"{key}: a dropped object is never deleted");
        }

        // The same export on a local lake, through spotify-etl's importer: the same raw keys and the same table files.
        var local = new LocalFolderStore(_local);
        var candidates = export.Zips.SelectMany(z => ExportArchive.Entries($"{LakeLayout.Import}exports 2026/{z.Name}", new MemoryStream(z.Zip), ImportLimits.Default)).ToList();
        await new ExportImporter(local, local).ImportAsync(candidates);
        Assert.Equal(await TransformFunctionTests.ListAsync(local, ExportRawKey.Prefix), await TransformFunctionTests.ListAsync(raw, ExportRawKey.Prefix));
        var tables = await TransformFunctionTests.ListAsync(local, HistoryPublisher.TablePrefix);
        Assert.NotEmpty(tables);
        Assert.Equal(tables, await TransformFunctionTests.ListAsync(lake, HistoryPublisher.TablePrefix));
        foreach (var key in tables)
        {
            var onLaptop = await local.ReadAllBytesAsync(key);
            var onS3 = await lake.ReadAllBytesAsync(key);
            Assert.True(onLaptop.AsSpan().SequenceEqual(onS3), $"{key} differs between the laptop and S3");
        }
        Assert.Empty(await TransformFunctionTests.ListAsync(raw, LakeLayout.Quarantine));
        Assert.Equal(TableFormat.Parquet.Extension(), Path.GetExtension(tables[0]));
    }

    [Fact]
    public async Task An_export_removed_before_its_event_is_handled_is_logged_as_skipped_and_the_invocation_succeeds()
    {
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var export = SampleExport.Write(new SampleExportOptions(50, 12));
        var kept = $"{LakeLayout.Import}kept/{export.Zips[0].Name}";
        var removed = $"{LakeLayout.Import}removed/my_spotify_data.zip";
        await raw.PutBytesAsync(kept, export.Zips[0].Zip, "application/zip");
        await raw.PutBytesAsync(removed, export.Zips[0].Zip, "application/zip");
        await raw.DeleteAsync(removed);

        using var log = new StringWriter();
        var notification = TransformFunctionTests.S3Event(new[] { kept, removed }.Select(k => (settings.RawBucket, TransformFunctionTests.Encode(k))));
        using var output = new TransformFunction(settings, _client, log).RunHandler(TransformFunctionTests.ToStream(notification));

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Contains(lines, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("input").GetString() == removed
            && l.GetProperty("level").GetString() == "warn" && l.GetProperty("reason").GetString()!.Contains("removed from the bucket", StringComparison.Ordinal));
        var completed = Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent);
        Assert.True(completed.GetProperty("history_rows").GetInt32() > 0);
    }

    /// <summary>
    /// An export uploaded into an archive storage class (403 InvalidObjectState to every GET until restored) or encrypted with
    /// the uploader's own key (SSE-C: 400 to a HEAD, without a body, and to a GET): named in the log with what makes it
    /// readable, counted as not imported, and the invocation succeeds, where it failed into Lambda's retries and the
    /// dead-letter queue with no word of the upload.
    /// </summary>
    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "InvalidObjectState", "The operation is not valid for the object's storage class", false, "aws s3api restore-object")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidRequest",
        "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.", true, "upload it again without one")]
    public async Task An_upload_S3_will_not_serve_is_logged_as_not_imported_with_its_remedy_and_the_invocation_succeeds(
        HttpStatusCode status, string code, string message, bool headRefused, string remedy)
    {
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var export = SampleExport.Write(new SampleExportOptions(50, 17));
        var kept = $"{LakeLayout.Import}kept/{export.Zips[0].Name}";
        var cold = $"{LakeLayout.Import}cold/{export.Zips[0].Name}";
        await raw.PutBytesAsync(kept, export.Zips[0].Zip, "application/zip");
        await raw.PutBytesAsync(cold, export.Zips[0].Zip, "application/zip");
        var refusedPath = $"/{settings.RawBucket}/{cold}";
        var gets = 0;
        HttpResponseMessage? Refuse(HttpRequestMessage request)
        {
            if (Uri.UnescapeDataString(request.RequestUri!.AbsolutePath) != refusedPath)
            {
                return null;
            }
            if (request.Method == HttpMethod.Get)
            {
                Interlocked.Increment(ref gets);
                return InterceptingHttp.S3Error(request, status, code, message);
            }
            return request.Method == HttpMethod.Head && headRefused ? new HttpResponseMessage(status) { RequestMessage = request } : null;
        }
        using var refusing = new InterceptingHttp(Refuse);
        using var client = server.CreateClient(refusing);

        using var log = new StringWriter();
        // The event names the upload's version, as a versioned bucket's does: the function first asks whether the key still
        // holds an upload (a HEAD), which is what S3 refuses first for an SSE-C object.
        var notification = System.Text.Json.Nodes.JsonNode.Parse(TransformFunctionTests.S3Event(new[] { kept, cold }.Select(k => (settings.RawBucket, TransformFunctionTests.Encode(k)))))!;
        notification["Records"]![1]!["s3"]!["object"]!["versionId"] = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY";
        using var output = new TransformFunction(settings, client, log).RunHandler(TransformFunctionTests.ToStream(notification.ToJsonString()));

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var named = Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("input").GetString() == cold);
        Assert.Equal("warn", named.GetProperty("level").GetString());
        Assert.Contains("S3 does not serve it", named.GetProperty("reason").GetString()!, StringComparison.Ordinal);
        Assert.Contains(remedy, named.GetProperty("reason").GetString()!, StringComparison.Ordinal);
        var completed = Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent);
        Assert.True(completed.GetProperty("history_rows").GetInt32() > 0, "the export S3 serves is imported");
        Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("import_incomplete_files").GetInt32());
        Assert.True(gets <= 1, $"asked {gets} times: the object's state is no passing failure");
        Assert.True(await raw.ExistsAsync(cold), "the object stays where it was uploaded");
    }

    [Fact]
    public async Task A_web_page_uploaded_under_a_zip_name_is_logged_as_skipped_for_what_it_is_and_the_real_export_is_imported()
    {
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var export = SampleExport.Write(new SampleExportOptions(50, 13));
        var kept = $"{LakeLayout.Import}kept/{export.Zips[0].Name}";
        var page = $"{LakeLayout.Import}saved-page/my_spotify_data.zip";
        await raw.PutBytesAsync(kept, export.Zips[0].Zip, "application/zip");
        await raw.PutBytesAsync(page, "<!DOCTYPE html><html><body>Download your data</body></html>"u8.ToArray(), "application/zip");

        using var log = new StringWriter();
        var notification = TransformFunctionTests.S3Event(new[] { kept, page }.Select(k => (settings.RawBucket, TransformFunctionTests.Encode(k))));
        using var output = new TransformFunction(settings, _client, log).RunHandler(TransformFunctionTests.ToStream(notification));

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Contains(lines, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("input").GetString() == page
            && l.GetProperty("reason").GetString()!.Contains("begins like a web page", StringComparison.Ordinal));
        Assert.True(Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent).GetProperty("history_rows").GetInt32() > 0);
        Assert.True(await raw.ExistsAsync(page), "the object stays where it was uploaded");
    }

    /// <summary>
    /// The export repacked into another kind of archive (a .tar.gz, a 7z, a gzipped history file) and uploaded beside the zip
    /// Spotify sent: each such upload is logged as a warning naming the archive it is and what to do, counted as a file not
    /// imported, left where it was uploaded; the zip is imported. Generated: kinds and names per seed.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_repacked_export_uploaded_is_logged_as_the_archive_it_is_and_the_zip_beside_it_imported(int seed)
    {
        var random = new Random(seed);
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var export = SampleExport.Write(new SampleExportOptions(40, seed));
        var kept = $"{LakeLayout.Import}kept/{export.Zips[0].Name}";
        await raw.PutBytesAsync(kept, export.Zips[0].Zip, "application/zip");
        string[] kinds = ["gzip", "7z", "RAR", "xz", "bzip2", "zstd"];
        var archives = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kind in kinds.OrderBy(_ => random.Next()).Take(3))
        {
            var (name, bytes) = Cli.RepackedExportTests.Archive(kind, Cli.RepackedExportTests.History(4), random);
            var key = $"{LakeLayout.Import}{kind}-{random.Next(1000)}/{name}";
            await raw.PutBytesAsync(key, bytes, "application/octet-stream");
            archives[key] = kind;
        }

        using var log = new StringWriter();
        var notification = TransformFunctionTests.S3Event(archives.Keys.Prepend(kept).Select(k => (settings.RawBucket, TransformFunctionTests.Encode(k))));
        using var output = new TransformFunction(settings, _client, log).RunHandler(TransformFunctionTests.ToStream(notification));

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        foreach (var (key, kind) in archives)
        {
            var line = Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("input").GetString() == key);
            Assert.Equal("warn", line.GetProperty("level").GetString());
            Assert.Contains($"it is a {kind}", line.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Contains("unpack it and import what it unpacks to", line.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.True(await raw.ExistsAsync(key), "the object stays where it was uploaded");
        }
        Assert.True(Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent).GetProperty("history_rows").GetInt32() > 0);
        Assert.Equal(archives.Count, JsonDocument.Parse(output).RootElement.GetProperty("import_incomplete_files").GetInt32());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_large_json_beside_the_export_that_names_no_history_file_is_passed_over_unread_as_on_a_laptop(int seed)
    {
        // The unzipped export copied up whole (aws s3 cp --recursive), a technical log among its files: larger than any file an
        // export holds, and named as none of its history files. Its event gives its size, so it is passed over by it, unread,
        // and the import needs no attention. Limits scaled down.
        var random = new Random(seed);
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var lake = new S3ObjectStore(_admin, settings.TransformedBucket);
        var limits = ImportLimits.Default with { MaxFileBytes = 4096 };
        var history = $"{LakeLayout.Import}my_spotify_data/Streaming_History_Audio_2024_{seed}.json";
        await raw.PutTextAsync(history, """
            [{"ts":"2024-03-01T10:00:00Z","ms_played":200000,"master_metadata_track_name":"Song","master_metadata_album_artist_name":"Artist","spotify_track_uri":"spotify:track:a1"}]
            """, "application/json");
        var log = $"{LakeLayout.Import}my_spotify_data/{new[] { "technical_log", "Userdata", "Search_Queries" }[seed - 1]}_{random.Next(100)}.json";
        var large = new string('x', 4096 + random.Next(1, 100_000));
        await raw.PutTextAsync(log, $"[\"{large}\"]", "application/json");
        var dropped = new List<DroppedObject>();
        foreach (var key in new[] { history, log })
        {
            var head = await _admin.GetObjectMetadataAsync(settings.RawBucket, key);
            dropped.Add(new DroppedObject(key, head.VersionId, head.ContentLength));
        }

        var report = await new DataExportImport(raw, lake, TableFormat.Parquet, limits, 2, TemporaryStorage.Default).ImportAsync(dropped, CancellationToken.None);

        var passed = Assert.Single(report.Files, f => f.Input == log);
        Assert.True(passed.Ignored, passed.Skipped);
        Assert.Contains("not named as one of its streaming-history files", passed.Skipped, StringComparison.Ordinal);
        Assert.Contains("passed over unread", passed.Skipped, StringComparison.Ordinal);
        Assert.False(report.NeedsAttention, string.Join("; ", report.Files.Select(f => $"{f.Input}: {f.Skipped}")));
        Assert.Equal(1, report.HistoryRows);
    }

    public enum PageDamage
    {
        CutShort,
        Emptied,
        NotJson,
        AnotherShape,
    }

    /// <summary>
    /// A recently-played page in the raw bucket that cannot be read (a body cut short and landed as sent, a shape Spotify
    /// changed), met by an import under the transform's own role: the import sets it aside in quarantine with its reason and
    /// names it once, as on a laptop, and the invocation succeeds; the next import counts it without naming it again. Every
    /// request it makes is one the role allows: a refused one would fail the import, and every later transform with it.
    /// </summary>
    [Theory]
    [InlineData(PageDamage.CutShort, 21)]
    [InlineData(PageDamage.Emptied, 22)]
    [InlineData(PageDamage.NotJson, 23)]
    [InlineData(PageDamage.AnotherShape, 24)]
    public async Task An_import_under_the_function_role_sets_an_unreadable_recently_played_page_aside_and_succeeds(PageDamage damage, int seed)
    {
        var random = new Random(seed);
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        await new SampleGenerator(raw).WriteAsync(new SampleOptions(Days: random.Next(2, 5), Items: 5, Seed: seed));
        var pages = await TransformFunctionTests.ListAsync(raw, ApiPlayReader.Prefix);
        var page = pages[random.Next(pages.Count)];
        var bytes = await raw.ReadAllBytesAsync(page);
        byte[] spoiled = damage switch
        {
            PageDamage.CutShort => bytes[..random.Next(1, bytes.Length - 1)],
            PageDamage.Emptied => [],
            PageDamage.NotJson => [.. Enumerable.Range(0, random.Next(1, 400)).Select(_ => (byte)random.Next(0x80, 0x100))],
            _ => "{\"error\": {\"status\": 502, \"message\": \"Bad gateway\"}}"u8.ToArray(),
        };
        await raw.PutBytesAsync(page, spoiled, "application/json");
        var export = SampleExport.Write(new SampleExportOptions(40, seed));
        var dropped = $"{LakeLayout.Import}{export.Zips[0].Name}";
        await raw.PutBytesAsync(dropped, export.Zips[0].Zip, "application/zip");

        var notification = TransformFunctionTests.S3Event([(settings.RawBucket, TransformFunctionTests.Encode(dropped))]);
        List<JsonElement> Invoke()
        {
            using var log = new StringWriter();
            using var output = new TransformFunction(settings, _client, log).RunHandler(TransformFunctionTests.ToStream(notification));
            return [.. log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
        }
        bool NamesPage(JsonElement line) => line.GetProperty("event").GetString() == ImportLog.FileEvent && line.GetProperty("input").GetString() == page;

        int Quarantined(List<JsonElement> lines) =>
            Assert.Single(lines, l => l.GetProperty("event").GetString() == TransformEvents.Completed).GetProperty("quarantined").GetInt32();

        var first = Invoke();
        Assert.Equal(1, Quarantined(first)); // counted for the alarm on objects set aside, as a transform's
        var warned = Assert.Single(first, NamesPage);
        Assert.Equal("warn", warned.GetProperty("level").GetString());
        Assert.Contains("Its plays are not in listening_history", warned.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(Assert.Single(first, l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent).GetProperty("history_rows").GetInt32() > 0);
        var quarantine = LakeLayout.QuarantineKey(page);
        Assert.Equal(spoiled, await raw.ReadAllBytesAsync(quarantine));
        Assert.False(string.IsNullOrWhiteSpace(await raw.ReadAllTextAsync(quarantine + LakeLayout.ReasonSuffix)));
        Assert.Equal(spoiled, await raw.ReadAllBytesAsync(page));

        var second = Invoke();
        Assert.Equal(0, Quarantined(second));
        Assert.DoesNotContain(second, NamesPage);
        Assert.Single(second, l => l.GetProperty("event").GetString() == ImportLog.CompletedEvent);
    }

    public void Dispose()
    {
        _client.Dispose();
        _admin.Dispose();
        if (Directory.Exists(_local))
        {
            Directory.Delete(_local, recursive: true);
        }
    }
}
