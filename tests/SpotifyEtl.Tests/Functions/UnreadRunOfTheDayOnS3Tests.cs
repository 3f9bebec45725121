using System.Collections.Concurrent;
using System.Net;
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
/// One run of a day holding a page S3 refuses to the function (403 AccessDenied: uploaded by hand under a KMS key the role may
/// not use), or whose manifest it refuses, or both. That run's own event fails, as it should (retried, then dead-lettered). It gets no fragment, so every later event of
/// the day meets it again: each later run is published all the same, with a warning naming the unread run and the unread count
/// its alarm watches; a replay once the page is readable holds every run.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class UnreadRunOfTheDayOnS3Tests(FauxqsServer server)
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 6)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_run_S3_refuses_fails_its_own_event_alone_and_the_later_runs_of_its_day_are_published(int seed)
    {
        var random = new Random(seed);
        using var admin = server.CreateClient();
        var settings = await server.CreateTransformBucketsAsync() with { Format = TableFormat.Csv };
        var refused = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        using var refusing = new InterceptingHttp(request =>
            request.Method == HttpMethod.Get && refused.ContainsKey(Uri.UnescapeDataString(request.RequestUri!.AbsolutePath))
                ? InterceptingHttp.S3Error(request, HttpStatusCode.Forbidden, "AccessDenied",
                    "User: arn:aws:sts::123456789012:assumed-role/transform/fn is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext")
                : null);
        using var client = server.CreateClient(refusing);
        var landing = new S3ObjectStore(admin, settings.RawBucket);
        var runs = Enumerable.Range(0, random.Next(2, 6)).Select(hour => $"20261120T{6 + hour:00}0000Z").ToList();
        var denied = random.Next(runs.Count - 1);
        var manifests = new List<string>();
        var album = Album("alb1", "Album", "2020", "year");
        for (var i = 0; i < runs.Count; i++)
        {
            var page = new RawObjectKey(RawSource.RecentlyPlayed, Day, "me", runs[i], 1).ToString();
            await landing.PutTextAsync(page, Page(0, Play(Track($"t{i}", $"Song of run {i}", album, Artist("a1", "A")), $"2026-11-20T0{5 + i}:30:00.000Z")), "application/json");
            manifests.Add(SpotifyEtl.Spotify.ExtractionManifest.KeyFor(runs[i]));
            await landing.PutTextAsync(manifests[i], TransformFunctionTests.ManifestJson(runs[i], [page]), "application/json");
            if (i == denied)
            {
                // By the seed: the page, the manifest, or both.
                foreach (var key in (seed % 3) switch { 0 => [page], 1 => [manifests[i]], _ => new[] { page, manifests[i] } })
                {
                    refused[$"/{settings.RawBucket}/{key}"] = true;
                }
            }
        }
        var lake = new S3ObjectStore(admin, settings.TransformedBucket);
        string Event(string manifest) => TransformFunctionTests.S3Event([(settings.RawBucket, TransformFunctionTests.Encode(manifest))]);

        for (var i = 0; i < runs.Count; i++)
        {
            using var log = new StringWriter();
            var function = new TransformFunction(settings, client, log);
            if (i == denied)
            {
                await Assert.ThrowsAnyAsync<Exception>(() => function.Handler(TransformFunctionTests.ToStream(Event(manifests[i]))));
                continue;
            }
            using var output = await function.Handler(TransformFunctionTests.ToStream(Event(manifests[i])));
            var songs = await lake.ReadAllTextAsync(TableFormat.Csv.PartitionKey(TableNames.Songs, Day));
            Assert.Contains($"Song of run {i}", songs, StringComparison.Ordinal);
            Assert.DoesNotContain($"Song of run {denied}", songs, StringComparison.Ordinal);
            var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
            // Every run of the day landed before the events came: each other event folds the refused run too, as a run without a fragment.
            var warning = Assert.Single(lines, line => line.GetProperty("event").GetString() == "transform_run_unread");
            Assert.Equal(runs[denied], warning.GetProperty("run_id").GetString());
            Assert.Contains("kms:Decrypt", warning.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("unread").GetInt32());
            Assert.DoesNotContain(lines, line => line.GetProperty("event").GetString() == "transform_failed");
        }

        // Readable again: a replay of the day holds every run.
        refused.Clear();
        using (var log = new StringWriter())
        {
            using var replayed = await new TransformFunction(settings, client, log).Handler(TransformFunctionTests.ToStream("{\"replay_dates\": [\"2026-11-20\"]}"));
        }
        var all = await lake.ReadAllTextAsync(TableFormat.Csv.PartitionKey(TableNames.Songs, Day));
        Assert.All(Enumerable.Range(0, runs.Count), i => Assert.Contains($"Song of run {i}", all, StringComparison.Ordinal));
    }
}
