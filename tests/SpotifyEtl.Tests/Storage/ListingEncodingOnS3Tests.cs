using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Functions;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// Keys holding characters XML 1.0 cannot carry (0 to 31 but tab and line breaks; S3 allows any UTF-8 in a key): S3 lists
/// them only URL-encoded, when asked with <c>encoding-type=url</c>, which every listing asks, so one stray upload in a day's
/// folder is listed, named and set aside like any other, and the day's transforms go on. The emulator ignores the
/// parameter; S3's answer to it (each key form-encoded, a space as <c>+</c>, and an
/// <c>EncodingType</c> element) is made in front of it, as measured against S3.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed partial class ListingEncodingOnS3Tests(FauxqsServer server)
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    /// <summary>Characters of a key: those XML cannot carry, those form-encoding changes (space, +, %), XML's own, and other scripts.</summary>
    private const string Characters = "\u0001\u0002\u0008\u000B\u000C\u000E\u001F +%&<>'\"=?#aZ9-_.éß漢\U0001F3B5";

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 6)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Every_key_lists_as_it_was_named_whatever_its_characters(int seed)
    {
        var random = new Random(seed);
        using var admin = server.CreateClient();
        using var encoding = new InterceptingHttp(_ => null, AsS3Answers);
        using var client = server.CreateClient(encoding);
        var bucket = await server.CreateBucketAsync("raw");
        var landing = new S3ObjectStore(admin, bucket);
        var keys = Enumerable.Range(0, 12).Select(i => $"raw/recently_played/snapshot_date=2026-11-20/me/{Name(random)}{i}.json").ToList();
        foreach (var key in keys)
        {
            await landing.PutTextAsync(key, "{}", "application/json");
        }

        var listed = new List<string>();
        await foreach (var version in new S3ObjectStore(client, bucket).ListVersionsAsync("raw/recently_played/"))
        {
            listed.Add(version.Key);
        }

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed);
        // A refused read of such a key is still told apart from a missing one (the listing of its own prefix names it).
        Assert.True(await new S3ObjectStore(client, bucket).ExistsAsync(keys[0]));
    }

    [Theory]
    [InlineData("\u0001")]
    [InlineData("\u000B")]
    [InlineData("\u001F")]
    public async Task A_stray_key_xml_cannot_carry_is_set_aside_by_its_event_and_its_day_is_transformed(string odd)
    {
        var settings = await server.CreateTransformBucketsAsync();
        using var admin = server.CreateClient();
        using var encoding = new InterceptingHttp(_ => null, AsS3Answers);
        using var client = server.CreateClient(encoding);
        var raw = new S3ObjectStore(admin, settings.RawBucket);
        const string run = "20261120T060000Z";
        var page = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", run, 1).ToString();
        var stray = $"raw/recently_played/snapshot_date=2026-11-20/me/copy{odd}.json";
        await raw.PutTextAsync(page, Page(0, Play(Track("t1", "A page of the run", Album("alb1", "Album", "2020", "year"), Artist("a1", "A")),
            "2026-11-20T05:00:00.000Z")), "application/json");
        await raw.PutTextAsync(stray, "{}", "application/json");
        await raw.PutTextAsync(SpotifyEtl.Spotify.ExtractionManifest.KeyFor(run), TransformFunctionTests.ManifestJson(run, [page]), "application/json");
        using var log = new StringWriter();

        using var output = await new TransformFunction(settings, client, log).Handler(TransformFunctionTests.ToStream(
            TransformFunctionTests.S3Event([(settings.RawBucket, TransformFunctionTests.Encode(SpotifyEtl.Spotify.ExtractionManifest.KeyFor(run))),
                (settings.RawBucket, TransformFunctionTests.Encode(stray))])));

        var lake = new S3ObjectStore(admin, settings.TransformedBucket);
        Assert.Contains("A page of the run", await lake.ReadAllTextAsync(TableFormat.Parquet.PartitionKey(TableNames.Songs, Day)), StringComparison.Ordinal);
        Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("quarantined").GetInt32());
        Assert.True(await raw.ExistsAsync(LakeLayout.QuarantineKey(stray)));
        Assert.True(await raw.ExistsAsync(stray));
    }

    private static string Name(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ => char.ConvertFromUtf32(char.ConvertToUtf32(Characters, PickIndex(random)))));

    /// <summary>An index of <see cref="Characters"/> that starts a character (not the low half of a surrogate pair).</summary>
    private static int PickIndex(Random random)
    {
        var index = random.Next(Characters.Length);
        return char.IsLowSurrogate(Characters[index]) ? index - 1 : index;
    }

    /// <summary>
    /// A ListObjectsV2 answer as S3 gives it to <c>encoding-type=url</c>: each key and the prefix form-encoded, and said so;
    /// the emulator answers the keys as they are, which XML cannot hold when they hold a control character.
    /// </summary>
    private static async Task<HttpResponseMessage> AsS3Answers(HttpRequestMessage request, HttpResponseMessage answer)
    {
        var query = request.RequestUri!.Query;
        if (request.Method != HttpMethod.Get || !query.Contains("list-type=2", StringComparison.Ordinal) || !query.Contains("encoding-type=url", StringComparison.Ordinal))
        {
            return answer;
        }
        var body = await answer.Content.ReadAsStringAsync();
        body = Element().Replace(body, match => $"<{match.Groups["name"].Value}>{WebUtility.UrlEncode(WebUtility.HtmlDecode(match.Groups["value"].Value))}</{match.Groups["name"].Value}>");
        body = Opening().Replace(body, match => match.Value + "<EncodingType>url</EncodingType>", 1);
        var encoded = new HttpResponseMessage(answer.StatusCode) { RequestMessage = request, Content = new StringContent(body, Encoding.UTF8, "application/xml") };
        answer.Dispose();
        return encoded;
    }

    [GeneratedRegex("<(?<name>Key|Prefix|StartAfter)>(?<value>[^<]*)</(?:Key|Prefix|StartAfter)>")]
    private static partial Regex Element();

    [GeneratedRegex("<ListBucketResult[^>]*>")]
    private static partial Regex Opening();
}
