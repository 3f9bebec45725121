using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
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
/// history or an import builds it whole, or a landed export file, read when a transform rebuilds the history. The read is
/// named with S3's refusal and what mends it, the history is written without what it could not read, and nothing fails; once
/// the object is readable, the next transform or import puts it back, and the history is the one a lake without the refusal
/// holds. Before, every transform after an import failed on it, and each retry too. Every page, or every landed file,
/// denied at once is a policy rather than an object: the read fails, and the history stays as it was.
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
    /// A recently-played page of a run of its own, an hour after the day's run, with plays of its own (a page uploaded again by
    /// hand): on the last day when a transform follows the history, the run not folded yet ("follow") or folded before the
    /// page was denied ("follow, folded", which only the history reads again), or the day's only recently-played page, its
    /// run having landed none ("follow, alone": every page the day's read reads is denied, and a page of another day says no
    /// policy denies them all); on a day of the seed's when an import builds the history whole.
    /// </summary>
    [Theory]
    [InlineData(3, "follow")]
    [InlineData(8, "follow")]
    [InlineData(5, "follow, folded")]
    [InlineData(9, "follow, folded")]
    [InlineData(2, "follow, alone")]
    [InlineData(6, "follow, alone")]
    [InlineData(4, "import")]
    [InlineData(11, "import")]
    [InlineData(12, "import")]
    public async Task A_played_page_S3_refuses_is_named_and_its_plays_join_the_history_once_it_is_readable(int seed, string reader)
    {
        var random = new Random(seed);
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(Path.Combine(_local, "source")), seed);
        var days = sample.Days.Keys.ToList();
        var day = reader.StartsWith("follow", StringComparison.Ordinal) ? days[^1] : days[random.Next(days.Count)];
        var page = await AddAPageOfItsOwnAsync(sample, day);
        if (reader == "follow, alone")
        {
            sample.Days[day].RemoveAll(k => k != page && k.StartsWith(ApiPlayReader.Prefix, StringComparison.Ordinal));
        }

        var without = await ReferenceAsync(sample, "without", days, leftOut: page);
        var with = await ReferenceAsync(sample, "with", days, leftOut: null);
        Assert.NotEqual(await HistoryAsync(without), await HistoryAsync(with));

        var rawBucket = await _server.CreateBucketAsync("raw");
        var admin = (Raw: new S3ObjectStore(_admin, rawBucket), Lake: new S3ObjectStore(_admin, await _server.CreateBucketAsync("transformed")));
        var function = (Raw: new S3ObjectStore(_function, rawBucket), admin.Lake);
        // The day's own run: an event of it, delivered again, folds it and follows the history.
        var others = sample.Days[day].Where(k => k != page).ToList();
        if (reader == "import")
        {
            await new TransformPipeline(admin.Raw, admin.Lake, AsTheFunction).TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, days));
        }
        else
        {
            await new TransformPipeline(admin.Raw, admin.Lake, AsTheFunction).TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, days.SkipLast(1)));
            await new ExportImporter(admin.Raw, admin.Lake).ImportAsync(sample.Export);
            var last = await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, [day]);
            if (reader == "follow, folded")
            {
                await new TransformPipeline(admin.Raw, admin.Lake, AsTheFunction).TransformAsync(last);
                Assert.Equal(await HistoryAsync(with), await HistoryAsync(admin.Lake));
            }
        }
        _refused[$"/{rawBucket}/{page}"] = true;

        if (reader == "import")
        {
            var import = await new ExportImporter(function.Raw, function.Lake).ImportAsync(sample.Export);
            var named = Assert.Single(import.ApiPlays!.UnreadablePages);
            Assert.Equal(page, named.RawKey);
            AssertNamesTheRefusal(named.Reason);
            Assert.True(import.NeedsAttention, "an import that left plays out says so");
        }
        else
        {
            var batch = await new TransformPipeline(function.Raw, function.Lake, AsTheFunction).TransformAsync(others);
            // The history's own report of the page, counted in the invocation's unread (its alarm), whether or not its run was folded.
            var unread = Assert.Single(batch.Objects, o => o.Status == TransformStatus.Unreadable);
            Assert.Equal(page, unread.RawKey);
            AssertNamesTheRefusal(unread.Reason!);
            Assert.Contains("left out of listening_history", unread.Reason, StringComparison.Ordinal);
            if (reader == "follow, folded")
            {
                Assert.Empty(batch.UnfoldedRuns);
            }
            else
            {
                var run = Assert.Single(batch.UnfoldedRuns);
                Assert.Equal(RawObjectKey.Parse(page).RunId, run.RunId);
            }
        }
        Assert.Equal(await HistoryAsync(without), await HistoryAsync(admin.Lake));

        // Readable again: the next transform of the day, or the next import, reads it.
        _refused.Clear();
        if (reader == "import")
        {
            var again = await new ExportImporter(function.Raw, function.Lake).ImportAsync(sample.Export);
            Assert.Empty(again.ApiPlays!.UnreadablePages);
        }
        else
        {
            var again = await new TransformPipeline(function.Raw, function.Lake, AsTheFunction).TransformAsync(others);
            Assert.DoesNotContain(again.Objects, o => o.Status == TransformStatus.Unreadable);
        }
        Assert.Equal(await HistoryAsync(with), await HistoryAsync(admin.Lake));
    }

    /// <summary>
    /// Every recently-played page denied, as a role or key policy that denies the whole prefix would: no page put back by hand,
    /// so the import, or a transform that follows the history with its day's only page, fails, naming the request, and leaves
    /// the history it found, rather than writing one without any play. So does the transform when only the pages of its day
    /// and the day before are denied ("follow, since the day before": a key policy that began to deny them then), though
    /// older pages are allowed: the page of another day it reads is the nearest.
    /// </summary>
    [Theory]
    [InlineData(7, "import")]
    [InlineData(10, "follow")]
    [InlineData(11, "follow, since the day before")]
    public async Task Every_played_page_S3_refuses_fails_the_import_or_transform_and_leaves_the_history_as_it_was(int seed, string reader)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(Path.Combine(_local, "source")), seed);
        var days = sample.Days.Keys.ToList();
        var rawBucket = await _server.CreateBucketAsync("raw");
        var admin = (Raw: new S3ObjectStore(_admin, rawBucket), Lake: new S3ObjectStore(_admin, await _server.CreateBucketAsync("transformed")));
        var follow = reader.StartsWith("follow", StringComparison.Ordinal);
        if (follow)
        {
            // The last day's only page is a later run's (its own run landed none): the transform reads it to follow the history.
            var page = await AddAPageOfItsOwnAsync(sample, days[^1]);
            sample.Days[days[^1]].RemoveAll(k => k != page && k.StartsWith(ApiPlayReader.Prefix, StringComparison.Ordinal));
        }
        await new TransformPipeline(admin.Raw, admin.Lake, AsTheFunction)
            .TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, follow ? days.SkipLast(1) : days));
        await new ExportImporter(admin.Raw, admin.Lake).ImportAsync(sample.Export);
        var last = follow ? await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, days.TakeLast(1)) : [];
        var history = await HistoryAsync(admin.Lake);
        Assert.NotEmpty(history);
        var deniedDays = reader == "follow, since the day before" ? days.TakeLast(2).ToList() : days;
        foreach (var page in deniedDays.SelectMany(d => sample.Days[d]).Where(k => k.StartsWith(ApiPlayReader.Prefix, StringComparison.Ordinal)))
        {
            _refused[$"/{rawBucket}/{page}"] = true;
        }
        Assert.True(deniedDays.Count < days.Count || reader != "follow, since the day before", "older days' pages stay allowed");
        var function = new S3ObjectStore(_function, rawBucket);

        var failed = await Record.ExceptionAsync(() => follow
            ? new TransformPipeline(function, admin.Lake, AsTheFunction).TransformAsync(last.Where(k => !k.StartsWith(ApiPlayReader.Prefix, StringComparison.Ordinal)))
            : new ExportImporter(function, admin.Lake).ImportAsync(sample.Export));

        var denied = Assert.IsType<AmazonS3Exception>(failed);
        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.StartsWith($"GET s3://{rawBucket}/{ApiPlayReader.Prefix}", S3ObjectStore.RequestOf(denied), StringComparison.Ordinal);
        Assert.Equal(history, await HistoryAsync(admin.Lake));
    }

    /// <summary>
    /// Landed export files a transform after the import reads denied: when it rebuilds the months its day's plays reach from
    /// the files' kept spans ("months"), or the history whole because no span is kept ("whole": an import that stopped before
    /// its table). Denied are the extended history's files that reach those months and more of them at random ("some"), or
    /// every file that reaches them ("all it reads": often one file after an import, which alone says nothing of a policy).
    /// Each file denied is named unread with S3's refusal, and the day is published; readable again, the next transform puts
    /// their streams back.
    /// </summary>
    [Theory]
    [InlineData(5, "months", "some")]
    [InlineData(9, "months", "some")]
    [InlineData(3, "months", "all it reads")]
    [InlineData(8, "months", "all it reads")]
    [InlineData(6, "whole", "some")]
    [InlineData(12, "whole", "some")]
    public async Task A_landed_export_file_S3_refuses_is_named_unread_and_the_day_is_published(int seed, string rebuild, string deny)
    {
        var (sample, days, reference, rawBucket, admin, landed) = await ImportedOnS3Async(seed, daysLeft: 1);
        var reaching = await ReachingAsync(admin, landed, days[^1], whole: rebuild == "whole");
        var random = new Random(seed);
        var audio = $"{ExportRawKey.Prefix}{ExportFileKind.ExtendedAudio.ToKeySegment()}/";
        var others = reaching.Where(k => !k.StartsWith(audio, StringComparison.Ordinal)).OrderBy(_ => random.Next()).ToList();
        Assert.True(others.Count > 0 && others.Count < reaching.Count, "the day's months are reached by extended audio files and others");
        Assert.True(reaching.Count < landed.Count, "some landed files reach none of the day's months");
        var denied = (deny == "some" ? reaching.Except(others).Concat(others.Take(random.Next(others.Count))) : reaching).ToHashSet(StringComparer.Ordinal);
        foreach (var key in denied)
        {
            _refused[$"/{rawBucket}/{key}"] = true;
        }
        var function = (Raw: new S3ObjectStore(_function, rawBucket), admin.Lake);

        var last = await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, days.TakeLast(1));
        var batch = await new TransformPipeline(function.Raw, function.Lake, AsTheFunction).TransformAsync(last);
        var unread = batch.Objects.Where(o => o.Status == TransformStatus.Unreadable).ToList();
        Assert.Equal(denied.Order(StringComparer.Ordinal), unread.Select(o => o.RawKey!).Order(StringComparer.Ordinal));
        Assert.All(unread, report =>
        {
            Assert.Contains("403 AccessDenied", report.Reason, StringComparison.Ordinal);
            Assert.Contains("kms:Decrypt", report.Reason, StringComparison.Ordinal);
        });
        Assert.Contains(batch.Partitions.Keys, p => p.StartsWith($"{TableNames.Songs}/", StringComparison.Ordinal));
        Assert.NotEqual(await HistoryAsync(reference), await HistoryAsync(admin.Lake)); // the months rebuilt lack the files' streams

        _refused.Clear();
        var again = await new TransformPipeline(function.Raw, function.Lake, AsTheFunction).TransformAsync(last);
        Assert.DoesNotContain(again.Objects, o => o.Status == TransformStatus.Unreadable);
        Assert.Equal(await HistoryAsync(reference), await HistoryAsync(admin.Lake));
    }

    /// <summary>
    /// Every landed export file denied, as a role or key policy that denies the whole prefix would: no file put back by hand,
    /// so a transform that rebuilds the history, its months or the whole of it, fails with S3's refusal and leaves the history
    /// it found, rather than writing one without any of the exports' streams (and Lambda retries it); allowed again, the next
    /// transform writes the history a lake without the refusal holds.
    /// </summary>
    [Theory]
    [InlineData(7, "months")]
    [InlineData(14, "whole")]
    public async Task Every_landed_export_file_S3_refuses_fails_the_transform_and_leaves_the_history_as_it_was(int seed, string rebuild)
    {
        var (sample, days, reference, rawBucket, admin, landed) = await ImportedOnS3Async(seed, daysLeft: 1);
        Assert.NotEmpty(await ReachingAsync(admin, landed, days[^1], whole: rebuild == "whole"));
        var history = await HistoryAsync(admin.Lake);
        foreach (var key in landed)
        {
            _refused[$"/{rawBucket}/{key}"] = true;
        }
        var function = (Raw: new S3ObjectStore(_function, rawBucket), admin.Lake);

        var last = await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, days.TakeLast(1));
        var failed = await Record.ExceptionAsync(() => new TransformPipeline(function.Raw, function.Lake, AsTheFunction).TransformAsync(last));

        var refusal = Assert.IsType<AmazonS3Exception>(failed);
        Assert.Equal("AccessDenied", refusal.ErrorCode);
        Assert.StartsWith($"GET s3://{rawBucket}/{ExportRawKey.Prefix}", S3ObjectStore.RequestOf(refusal), StringComparison.Ordinal);
        Assert.Equal(history, await HistoryAsync(admin.Lake));

        _refused.Clear();
        await new TransformPipeline(function.Raw, function.Lake, AsTheFunction).TransformAsync(last);
        Assert.Equal(await HistoryAsync(reference), await HistoryAsync(admin.Lake));
    }

    /// <summary>
    /// The landed files whose kept span reaches <paramref name="day"/>'s month or a month beside it: those a transform of a
    /// day whose plays are in that month reads when it rebuilds the months they touch, and their neighbours. With
    /// <paramref name="whole"/>, the kept spans are removed, as an import that stopped before its table leaves them, so that
    /// the transform rebuilds the history whole and reads every file.
    /// </summary>
    private static async Task<List<string>> ReachingAsync((S3ObjectStore Raw, S3ObjectStore Lake) admin, List<string> landed, DateOnly day, bool whole)
    {
        var month = HistoryMonths.Start(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds());
        var windows = new[] { HistoryMonths.Start(month - 1), month, HistoryMonths.Next(month) }.Select(HistoryMonths.Window).ToList();
        var reaching = new List<string>();
        foreach (var key in landed)
        {
            var (span, damage) = await ExportSpan.ReadAsync(admin.Raw, admin.Lake, key, null, default);
            Assert.Null(damage);
            if (windows.Exists(w => span.Reaches(w.From, w.To)))
            {
                reaching.Add(key);
            }
            if (whole)
            {
                await admin.Lake.DeleteAsync(ExportSpan.KeyFor(key));
            }
        }
        return reaching;
    }

    /// <summary>
    /// A landed export file S3 denies when its export is imported again: landed anew from the export's bytes (under the
    /// bucket's own encryption), and the import says so, where it failed on the file, and every retry too.
    /// </summary>
    [Theory]
    [InlineData(10)]
    [InlineData(13)]
    public async Task A_landed_export_file_S3_refuses_is_landed_again_by_the_next_import_of_its_export(int seed)
    {
        var (sample, _, reference, rawBucket, admin, landed) = await ImportedOnS3Async(seed, daysLeft: 0);
        var denied = landed[new Random(seed).Next(landed.Count)];
        _refused[$"/{rawBucket}/{denied}"] = true;

        var import = await new ExportImporter(new S3ObjectStore(_function, rawBucket), admin.Lake).ImportAsync(sample.Export);

        var file = Assert.Single(import.Files, f => f.RawKey == denied);
        Assert.True(file.Landed, "the file was landed again");
        var reason = Assert.Single(file.Reasons, r => r.Contains("landed again", StringComparison.Ordinal));
        AssertNamesTheRefusal(reason);
        Assert.Equal(await HistoryAsync(reference), await HistoryAsync(admin.Lake));
    }

    /// <summary>
    /// A sample's days landed on S3 and transformed, but for the last <paramref name="daysLeft"/>, then its export imported; the
    /// laptop's lake of every day imported once, to compare with; the raw bucket, the stores as the test (not the function)
    /// reaches them, and the landed export files.
    /// </summary>
    private async Task<(HistoryPlaysFollowerTests.Sample Sample, List<DateOnly> Days, LocalFolderStore Reference, string RawBucket,
        (S3ObjectStore Raw, S3ObjectStore Lake) Admin, List<string> Landed)> ImportedOnS3Async(int seed, int daysLeft)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(Path.Combine(_local, "source")), seed);
        var days = sample.Days.Keys.ToList();
        var reference = await ReferenceAsync(sample, "reference", days, leftOut: null);
        var rawBucket = await _server.CreateBucketAsync("raw");
        var admin = (Raw: new S3ObjectStore(_admin, rawBucket), Lake: new S3ObjectStore(_admin, await _server.CreateBucketAsync("transformed")));
        await new TransformPipeline(admin.Raw, admin.Lake, AsTheFunction)
            .TransformAsync(await HistoryPlaysFollowerTests.CopyAsync(sample, admin.Raw, days.SkipLast(daysLeft)));
        await new ExportImporter(admin.Raw, admin.Lake).ImportAsync(sample.Export);
        var landed = await TransformFunctionTests.ListAsync(admin.Raw, ExportRawKey.Prefix);
        Assert.NotEmpty(landed);
        return (sample, days, reference, rawBucket, admin, landed);
    }

    /// <summary>
    /// Adds to the sample a recently-played page of <paramref name="day"/> under a run an hour after its own: the day's page with
    /// every play three hours later, so that its plays are its own. Returns its key.
    /// </summary>
    private static async Task<string> AddAPageOfItsOwnAsync(HistoryPlaysFollowerTests.Sample sample, DateOnly day)
    {
        var keys = sample.Days[day];
        var parsed = RawObjectKey.Parse(Assert.Single(keys, k => k.StartsWith(ApiPlayReader.Prefix, StringComparison.Ordinal)));
        var body = JsonNode.Parse(await sample.Source.ReadAllBytesAsync(parsed.ToString()))!;
        Assert.NotEmpty(body["items"]!.AsArray());
        foreach (var play in body["items"]!.AsArray())
        {
            var at = DateTimeOffset.Parse((string)play!["played_at"]!, CultureInfo.InvariantCulture).AddHours(3);
            play["played_at"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }
        var later = RawObjectKey.FormatRunId(RawObjectKey.ParseRunId(parsed.RunId)!.Value.AddHours(1));
        var page = (parsed with { RunId = later }).ToString();
        await sample.Source.PutBytesAsync(page, System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json");
        keys.Add(page);
        return page;
    }

    private static void AssertNamesTheRefusal(string reason)
    {
        Assert.Contains("403 AccessDenied", reason, StringComparison.Ordinal);
        Assert.Contains("kms:Decrypt", reason, StringComparison.Ordinal);
        Assert.Contains("copied onto itself with the stack's encryption", reason, StringComparison.Ordinal);
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
