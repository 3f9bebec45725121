using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Spotify;
using SpotifyEtl.Storage;

// usage: SpotifyEtl.LambdaBench --emulator URL --proxy URL --scenario one-playlist|twenty-playlists --mode manifest|per-object [--items N]
// The emulator URL takes the set-up traffic (buckets, landing the run); the proxy URL counts the handler's.
var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: SpotifyEtl.LambdaBench --emulator URL --proxy URL --scenario one-playlist|twenty-playlists --mode manifest|per-object [--items N]\n" +
        "  one-playlist: one playlist of N items (10,000 by default) in pages of 50; twenty-playlists: 20 playlists of N items (500 by default)");
    return 2;
}

const string RunId = "20261120T060000Z";
using var setup = new AmazonS3Client(new BasicAWSCredentials("bench", "bench"), new AmazonS3Config
{
    ServiceURL = options.Emulator,
    ForcePathStyle = true,
    AuthenticationRegion = "us-east-1",
});
var suffix = Guid.NewGuid().ToString("N")[..12];
var rawBucket = $"bench-raw-{suffix}";
var lakeBucket = $"bench-lake-{suffix}";
await setup.PutBucketAsync(rawBucket);
await setup.PutBucketAsync(lakeBucket);

// The run: every page of each playlist and its metadata object, landed under one run id, then its manifest.
var sample = Directory.CreateTempSubdirectory("spotify-etl-lambda-bench-");
try
{
    var samples = options.Scenario == "one-playlist"
        ? new[] { new SampleOptions(Days: 1, Items: options.Items ?? 10_000, Seed: 3) }
        : Enumerable.Range(1, 10).Select(seed => new SampleOptions(Days: 1, Items: options.Items ?? 500, Seed: seed)).ToArray();
    var reports = new List<SourceReport>();
    var keys = new List<string>();
    foreach (var (sampleOptions, index) in samples.Select((s, i) => (s, i)))
    {
        var folder = Path.Combine(sample.FullName, index.ToString(CultureInfo.InvariantCulture));
        await new SampleGenerator(new LocalFolderStore(folder)).WriteAsync(sampleOptions);
        var playlists = Directory.EnumerateFiles(Path.Combine(folder, "raw"), "*.json", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(folder, path).Replace('\\', '/'))
            .Select(key => (Key: key, Parsed: RawObjectKey.Parse(key)))
            .Where(key => key.Parsed.Source is RawSource.Playlist or RawSource.PlaylistItems)
            .GroupBy(key => key.Parsed.Subject)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Take(options.Scenario == "one-playlist" ? 1 : 2);
        foreach (var playlist in playlists)
        {
            var objects = playlist.Select(key => key.Key).Order(StringComparer.Ordinal).ToList();
            foreach (var key in objects)
            {
                await setup.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = rawBucket, Key = key, FilePath = Path.Combine(folder, key), ContentType = "application/json",
                });
            }
            var pages = playlist.Count(key => key.Parsed.Source == RawSource.PlaylistItems);
            var source = ExtractionSource.Playlist(playlist.Key);
            reports.Add(new SourceReport(source.Name, source.Type, source.Subject, SourceStatus.Landed, pages, sampleOptions.Items,
                pages + 1, 0, null, 0, 200, null, objects));
            keys.AddRange(objects);
        }
    }
    var startedAt = new DateTimeOffset(2026, 11, 20, 6, 0, 0, TimeSpan.Zero);
    var manifest = new ExtractionManifest(RunId, startedAt, startedAt.AddMinutes(1), 60_000, ExtractionOutcome.Succeeded, null, false,
        "refresh_token", false, null, reports.Sum(r => r.Requests), 0, reports);
    var manifestKey = ExtractionManifest.KeyFor(RunId);
    await setup.PutObjectAsync(new PutObjectRequest
    {
        BucketName = rawBucket, Key = manifestKey, ContentType = "application/json",
        ContentBody = JsonSerializer.Serialize(manifest, ExtractionJsonContext.Default.ExtractionManifest),
    });

    // The handler as the Lambda runtime builds it, its S3 client pointed at the counting proxy.
    Environment.SetEnvironmentVariable("RAW_BUCKET", rawBucket);
    Environment.SetEnvironmentVariable("TRANSFORMED_BUCKET", lakeBucket);
    Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
    Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "bench");
    Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "bench");
    Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", options.Proxy);
    using var proxy = new HttpClient { BaseAddress = new Uri(options.Proxy) };
    (await proxy.PostAsync(new Uri("/__bench/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();

    var events = options.Mode == "manifest"
        ? new List<string> { manifestKey }
        : keys;
    // The handler logs a line per object to standard output: keep standard output for the result.
    var results = Console.Out;
    Console.SetOut(TextWriter.Null);
    var function = new TransformFunction();
    var clock = Stopwatch.StartNew();
    var failures = 0;
    foreach (var key in events)
    {
        try
        {
            using var output = await function.Handler(Notification(rawBucket, key));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            failures++;
            Console.Error.WriteLine($"invocation for {key} failed: {exception.GetType().Name}: {exception.Message}");
        }
    }
    clock.Stop();

    var counts = await proxy.GetFromJsonAsync<JsonObject>(new Uri("/__bench/counts", UriKind.Relative)) ?? [];
    var lakeObjects = 0;
    var tableObjects = 0;
    var listing = new ListObjectsV2Request { BucketName = lakeBucket };
    ListObjectsV2Response page;
    do
    {
        page = await setup.ListObjectsV2Async(listing);
        lakeObjects += page.S3Objects?.Count ?? 0;
        // The tables' files: a run that set every object aside (a quarantined manifest) writes none.
        tableObjects += page.S3Objects?.Count(o => o.Key.StartsWith(LakeLayout.Transformed, StringComparison.Ordinal)) ?? 0;
        listing.ContinuationToken = page.NextContinuationToken;
    }
    while (page.IsTruncated == true);

    var result = new JsonObject
    {
        ["scenario"] = options.Scenario,
        ["mode"] = options.Mode,
        ["playlists"] = reports.Count,
        ["pages"] = reports.Sum(report => report.Pages),
        ["raw_objects"] = keys.Count,
        ["invocations"] = events.Count,
        ["failed_invocations"] = failures,
        ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
        ["requests"] = counts,
        ["lake_objects"] = lakeObjects,
        ["table_objects"] = tableObjects,
    };
    results.WriteLine(result.ToJsonString());
    return failures == 0 ? 0 : 1;
}
finally
{
    sample.Delete(recursive: true);
}

static MemoryStream Notification(string bucket, string key)
{
    // As S3 sends it: the key form-URL-encoded, one record per object.
    var encoded = string.Join('/', key.Split('/').Select(System.Net.WebUtility.UrlEncode));
    var notification = new JsonObject
    {
        ["Records"] = new JsonArray(new JsonObject
        {
            ["eventVersion"] = "2.1",
            ["eventSource"] = "aws:s3",
            ["awsRegion"] = "us-east-1",
            ["eventTime"] = "2026-11-20T06:01:00.000Z",
            ["eventName"] = "ObjectCreated:Put",
            ["s3"] = new JsonObject
            {
                ["s3SchemaVersion"] = "1.0",
                ["bucket"] = new JsonObject { ["name"] = bucket, ["arn"] = $"arn:aws:s3:::{bucket}" },
                ["object"] = new JsonObject { ["key"] = encoded, ["size"] = 1, ["sequencer"] = "0055AED6DCD90281E5" },
            },
        }),
    };
    return new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(notification));
}

internal sealed record Options(string Emulator, string Proxy, string Scenario, string Mode, int? Items)
{
    public static Options? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }
        if (!values.TryGetValue("--emulator", out var emulator) || !values.TryGetValue("--proxy", out var proxy)
            || !values.TryGetValue("--scenario", out var scenario) || scenario is not ("one-playlist" or "twenty-playlists")
            || !values.TryGetValue("--mode", out var mode) || mode is not ("manifest" or "per-object"))
        {
            return null;
        }
        int? items = null;
        if (values.TryGetValue("--items", out var text))
        {
            if (!int.TryParse(text, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
            {
                return null;
            }
            items = parsed;
        }
        return new Options(emulator, proxy, scenario, mode, items);
    }
}
