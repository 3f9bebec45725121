using System.Text.Json;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Storage;
using SpotifyEtl.Transformation;
using Xunit;
using static SpotifyEtl.Tests.Transformation.SpotifyJson;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// Files uploaded by hand into a day's folder of the raw bucket under a name outside the raw layout: one that does not end
/// exactly in .json (<c>.JSON</c>, <c>.json.gz</c>, a trailing space), or a .json whose page, run id or subject the layout
/// does not know. The stack sends the transform function the manifest's event alone, which names the run and not the file:
/// the day's listing must see each one, set it aside with its reason and count it, and publish the day from the run as ever.
/// Nothing raw is removed; a folder marker (a key ending in /) is no object and is passed over.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class StrayKeyInADayOnS3Tests(FauxqsServer server)
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private const string Run = "20261120T060000Z";

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Every_stray_file_in_a_day_a_manifest_event_transforms_is_set_aside_with_its_reason(int seed)
    {
        var random = new Random(seed);
        using var client = server.CreateClient();
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(client, settings.RawBucket);
        var page = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", Run, 1).ToString();
        await raw.PutTextAsync(page, Page(0, Play(Track("t1", "A page of the run", Album("alb1", "Album", "2020", "year"), Artist("a1", "A")),
            "2026-11-20T05:00:00.000Z")), "application/json");
        var strays = Enumerable.Range(0, random.Next(1, 5)).Select(i => StrayKey(random, i)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var stray in strays)
        {
            Assert.False(RawObjectKey.TryParse(stray, out _, out _), $"{stray} is a raw object key: the test made no stray");
            await raw.PutTextAsync(stray, "{\"items\": []}", "application/json");
        }
        // Folder markers, as the S3 console's "Create folder" makes them: no object, passed over.
        const string Marker = "raw/recently_played/snapshot_date=2026-11-20/";
        await raw.PutTextAsync(Marker, "", "application/x-directory");
        await raw.PutTextAsync(Marker + "me/", "", "application/x-directory");
        await raw.PutTextAsync(SpotifyEtl.Spotify.ExtractionManifest.KeyFor(Run), TransformFunctionTests.ManifestJson(Run, [page]), "application/json");
        using var log = new StringWriter();

        using var output = await new TransformFunction(settings, client, log).Handler(TransformFunctionTests.ToStream(
            TransformFunctionTests.S3Event([(settings.RawBucket, TransformFunctionTests.Encode(SpotifyEtl.Spotify.ExtractionManifest.KeyFor(Run)))])));

        var lake = new S3ObjectStore(client, settings.TransformedBucket);
        Assert.Contains("A page of the run", await lake.ReadAllTextAsync(TableFormat.Parquet.PartitionKey(TableNames.Songs, Day)), StringComparison.Ordinal);
        Assert.Equal(strays.Count, JsonDocument.Parse(output).RootElement.GetProperty("quarantined").GetInt32());
        foreach (var stray in strays)
        {
            Assert.True(await raw.ExistsAsync(stray), $"{stray} was removed from raw/");
            Assert.True(await raw.ExistsAsync(LakeLayout.QuarantineKey(stray)), $"{stray} was not set aside");
            var reason = await raw.ReadAllTextAsync(LakeLayout.QuarantineKey(stray) + LakeLayout.ReasonSuffix);
            Assert.Contains(stray.EndsWith(RawObjectKey.Extension, StringComparison.Ordinal) ? "does not follow the raw layout" : "does not end in .json",
                reason, StringComparison.Ordinal);
        }
        Assert.False(await raw.ExistsAsync(LakeLayout.QuarantineKey(page)), "the run's own page was set aside");
        Assert.False(await raw.ExistsAsync(LakeLayout.QuarantineKey(Marker) + LakeLayout.ReasonSuffix), "a folder marker was set aside");
    }

    /// <summary>A key in one of the day's source folders that the raw layout does not know, of one of several kinds.</summary>
    private static string StrayKey(Random random, int index)
    {
        var folder = random.Next(3) switch
        {
            0 => $"raw/recently_played/snapshot_date=2026-11-20/me/",
            1 => $"raw/playlist_items/snapshot_date=2026-11-20/{Subject(random)}/",
            _ => $"raw/top_tracks/snapshot_date=2026-11-20/short_term/",
        };
        var name = $"{Run}-p{random.Next(1, 9999):0000}";
        return folder + (random.Next(8) switch
        {
            0 => $"{name}.JSON",
            1 => $"{name}.json.gz",
            2 => $"{name}.json ",
            3 => $"copy {index}.json",
            4 => $"{Run}-p{random.Next(1, 999)}.json",
            5 => $"{Run.Replace('2', '٢')}-p0001.json",
            6 => $"{Run[..^1]}-p{index + 1:0000}.json",
            _ => $"{name}",
        });
    }

    private static string Subject(Random random) =>
        new(Enumerable.Range(0, 22).Select(_ => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[random.Next(62)]).ToArray());
}
