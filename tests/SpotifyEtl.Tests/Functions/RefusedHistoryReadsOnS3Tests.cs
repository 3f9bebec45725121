using System.Collections.Concurrent;
using System.Net;
using Amazon.S3;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Import;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// What the listening history reads beyond the objects an event names, refused by S3 (403 AccessDenied: uploaded again by
/// hand under a KMS key the role may not use): a recently-played page of another run, read when a transform follows the
/// history or an import builds it whole, or a landed export file, read when a transform rebuilds a month. The read is named
/// with S3's refusal and what mends it, the history is written without what it could not read, and nothing fails; once the
/// object is readable, the next transform or import puts it back, and the history is the one a lake without the refusal holds.
/// Before, every transform after an import failed on it, and each retry too.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class RefusedHistoryReadsOnS3Tests : IDisposable
{
    private const string Denied =
        "User: arn:aws:sts::123456789012:assumed-role/transform/fn is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext";

    /// <summary>Each snapshot run folded apart, as the transform function folds them.</summary>
    private static readonly TransformOptions AsTheFunction = new() { StageRuns = true };

    private readonly FauxqsServer _server;
    private readonly AmazonS3Client _admin;
    /// <summary>Keys, as <c>/bucket/key</c>, whose GETs S3 refuses the function's client.</summary>
    private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.Ordinal);
    private readonly InterceptingHttp _refusing;
    private readonly AmazonS3Client _function;
    private readonly string _local = Path.Combine(Path.GetTempPath(), "spotify-etl-refused-history-" + Guid.NewGuid().ToString("N"));

    public RefusedHistoryReadsOnS3Tests(FauxqsServer server)
    {
        _server = server;
        _admin = server.CreateClient();
        _refusing = new InterceptingHttp(request =>
            request.Method == HttpMethod.Get && _refused.ContainsKey(Uri.UnescapeDataString(request.RequestUri!.AbsolutePath))
                ? InterceptingHttp.S3Error(request, HttpStatusCode.Forbidden, "AccessDenied", Denied)
                : null);
        _function = server.CreateClient(_refusing);
    }

    /// <summary>
    /// A recently-played page moved to a run of its own an hour later (a run no event of the test names), on the last day when
    /// a transform follows the history, on a day of the seed's when an import builds it whole.
    /// </summary>
    [Theory]
    [InlineData(3, "follow")]
    [InlineData(8, "follow")]
    [InlineData(4, "import")]
    [InlineData(6, "import")]
    [InlineData(12, "import")]
    [InlineData(15, "import")]
    public async Task A_played_page_S3_refuses_is_named_and_its_plays_join_the_history_once_it_is_readable(int seed, string reader)
    {
        var random = new Random(seed);
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(Path.Combine(_local, "source")), seed);
        var days = sample.Days.Keys.ToList();
        var day = reader == "follow" ? days[^1] : days[random.Next(days.Count)];
        var page = await MoveToARunOfItsOwnAsync(sample, day);

        var without = await ReferenceAsync(sample, "without", days, leftOut: page);
        var with = await ReferenceAsync(sample, "with", days, leftOut: null);
        Assert.NotEqual(await HistoryAsync(without), await HistoryAsync(with));

        var rawBucket = await _server.CreateBucketAsync("raw");
        var admin = (Raw: new S3ObjectStore(_admin, rawBucket), Lake: new S3ObjectStore(_admin, await _server.CreateBucketAsync("transformed")));
        var function = (Raw: new S3ObjectStore(_function, rawBucket), admin.Lake);
        var others = sample.Days[day].Where(k => k != page).ToList();
        if (reader == "follow")
        {
            await new TransformPipeline(admin.Raw, admin.Lake, AsTheFunction).TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, days.SkipLast(1)));
            await new ExportImporter(admin.Raw, admin.Lake).ImportAsync(sample.Export);
            await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, [day]);
        }
        else
        {
            await new TransformPipeline(admin.Raw, admin.Lake, AsTheFunction).TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, days));
        }
        _refused[$"/{rawBucket}/{page}"] = true;

        if (reader == "follow")
        {
            var batch = await new TransformPipeline(function.Raw, function.Lake, AsTheFunction).TransformAsync(others);
            var unread = Assert.Single(batch.UnfoldedRuns);
            Assert.Equal(RawObjectKey.Parse(page).RunId, unread.RunId);
            Assert.Contains("kms:Decrypt", unread.Error, StringComparison.Ordinal);
        }
        else
        {
            var import = await new ExportImporter(function.Raw, function.Lake).ImportAsync(sample.Export);
            var named = Assert.Single(import.ApiPlays!.UnreadablePages);
            Assert.Equal(page, named.RawKey);
            Assert.Contains("403 AccessDenied", named.Reason, StringComparison.Ordinal);
            Assert.Contains("kms:Decrypt", named.Reason, StringComparison.Ordinal);
            Assert.Contains("grant the role the KMS key", named.Reason, StringComparison.Ordinal);
            Assert.True(import.NeedsAttention, "an import that left plays out says so");
        }
        Assert.Equal(await HistoryAsync(without), await HistoryAsync(admin.Lake));

        // Readable again: the next transform of the day, or the next import, reads it.
        _refused.Clear();
        if (reader == "follow")
        {
            await new TransformPipeline(function.Raw, function.Lake, AsTheFunction).TransformAsync(others);
        }
        else
        {
            var again = await new ExportImporter(function.Raw, function.Lake).ImportAsync(sample.Export);
            Assert.Empty(again.ApiPlays!.UnreadablePages);
        }
        Assert.Equal(await HistoryAsync(with), await HistoryAsync(admin.Lake));
    }

    /// <summary>
    /// Every landed export file refused while a transform after the import rebuilds the months its day's plays reach: each file
    /// it reads is named unread with S3's refusal, and the day is published; readable again, the next transform rebuilds the
    /// months as a lake without the refusal holds them.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(9)]
    public async Task A_landed_export_file_S3_refuses_is_named_unread_and_the_day_is_published(int seed)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(Path.Combine(_local, "source")), seed);
        var days = sample.Days.Keys.ToList();
        var reference = await ReferenceAsync(sample, "reference", days, leftOut: null);

        var rawBucket = await _server.CreateBucketAsync("raw");
        var admin = (Raw: new S3ObjectStore(_admin, rawBucket), Lake: new S3ObjectStore(_admin, await _server.CreateBucketAsync("transformed")));
        var function = (Raw: new S3ObjectStore(_function, rawBucket), admin.Lake);
        await new TransformPipeline(admin.Raw, admin.Lake, AsTheFunction).TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, days.SkipLast(1)));
        await new ExportImporter(admin.Raw, admin.Lake).ImportAsync(sample.Export);
        var landed = await TransformFunctionTests.ListAsync(admin.Raw, ExportRawKey.Prefix);
        Assert.NotEmpty(landed);
        foreach (var key in landed)
        {
            _refused[$"/{rawBucket}/{key}"] = true;
        }

        var last = await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, days.TakeLast(1));
        var batch = await new TransformPipeline(function.Raw, function.Lake, AsTheFunction).TransformAsync(last);
        var unread = batch.Objects.Where(o => o.Status == TransformStatus.Unreadable).ToList();
        Assert.NotEmpty(unread);
        Assert.All(unread, report =>
        {
            Assert.Contains(report.RawKey, landed);
            Assert.Contains("403 AccessDenied", report.Reason, StringComparison.Ordinal);
            Assert.Contains("kms:Decrypt", report.Reason, StringComparison.Ordinal);
        });
        Assert.Contains(batch.Partitions.Keys, p => p.StartsWith($"{TableNames.Songs}/", StringComparison.Ordinal));

        _refused.Clear();
        var again = await new TransformPipeline(function.Raw, function.Lake, AsTheFunction).TransformAsync(last);
        Assert.DoesNotContain(again.Objects, o => o.Status == TransformStatus.Unreadable);
        Assert.Equal(await HistoryAsync(reference), await HistoryAsync(admin.Lake));
    }

    /// <summary>Puts the day's recently-played page under a run an hour later than its own, in the sample; returns its new key.</summary>
    private static async Task<string> MoveToARunOfItsOwnAsync(HistoryPlaysFollowerTests.Sample sample, DateOnly day)
    {
        var keys = sample.Days[day];
        var page = Assert.Single(keys, k => k.StartsWith(ApiPlayReader.Prefix, StringComparison.Ordinal));
        var parsed = RawObjectKey.Parse(page);
        var later = RawObjectKey.FormatRunId(RawObjectKey.ParseRunId(parsed.RunId)!.Value.AddHours(1));
        var moved = (parsed with { RunId = later }).ToString();
        await sample.Source.PutBytesAsync(moved, await sample.Source.ReadAllBytesAsync(page), "application/json");
        keys[keys.IndexOf(page)] = moved;
        return moved;
    }

    /// <summary>A laptop's lake of every day, but <paramref name="leftOut"/>, imported once.</summary>
    private async Task<LocalFolderStore> ReferenceAsync(HistoryPlaysFollowerTests.Sample sample, string name, List<DateOnly> days, string? leftOut)
    {
        var lake = new LocalFolderStore(Path.Combine(_local, name));
        foreach (var key in await HistoryPlaysFollowerTests.CopyAsync(sample, lake, days))
        {
            if (key == leftOut)
            {
                await lake.DeleteAsync(key);
            }
        }
        await new ExportImporter(lake, lake).ImportAsync(sample.Export);
        return lake;
    }

    /// <summary>The listening history's files, each as its key and its bytes in hex: equal lists are equal tables.</summary>
    private static async Task<List<string>> HistoryAsync(IObjectStore lake)
    {
        var files = new List<string>();
        foreach (var key in await TransformFunctionTests.ListAsync(lake, HistoryPublisher.TablePrefix))
        {
            files.Add($"{key} {Convert.ToHexString(await lake.ReadAllBytesAsync(key))}");
        }
        return files;
    }

    public void Dispose()
    {
        _function.Dispose();
        _refusing.Dispose();
        _admin.Dispose();
        if (Directory.Exists(_local))
        {
            Directory.Delete(_local, recursive: true);
        }
    }
}
