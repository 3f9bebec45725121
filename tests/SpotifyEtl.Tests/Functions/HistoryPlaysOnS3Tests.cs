using System.Text.Json;
using SpotifyEtl.Functions;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Import;
using SpotifyEtl.Tests.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// On an S3-protocol server, through the transform function: an export dropped under import/, then days of API data
/// whose events arrive afterwards, twice, and in parallel invocations. listening_history ends byte for byte as a
/// laptop's import of everything writes it.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class HistoryPlaysOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _client = server.CreateLambdaRoleClient();
    /// <summary>What the test itself writes and reads, around the function: as the user or the extract function would, not as the transform.</summary>
    private readonly Amazon.S3.AmazonS3Client _admin = server.CreateClient();
    private readonly string _local = Path.Combine(Path.GetTempPath(), "spotify-etl-history-s3-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Plays_transformed_after_an_import_join_the_history_as_a_laptops_import_of_everything_writes_it()
    {
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(_admin, settings.RawBucket);
        var lake = new S3ObjectStore(_admin, settings.TransformedBucket);
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(Path.Combine(_local, "source")), 9);
        var days = sample.Days.Keys.ToList();

        var reference = new LocalFolderStore(Path.Combine(_local, "reference"));
        await HistoryPlaysFollowerTests.CopyAsync(sample, reference, days);
        await new ExportImporter(reference, reference).ImportAsync(sample.Export);

        using var log = new StringWriter();
        string Invoke(IEnumerable<string> keys)
        {
            var notification = TransformFunctionTests.S3Event(keys.Select(k => (settings.RawBucket, TransformFunctionTests.Encode(k))));
            using var output = new TransformFunction(settings, _client, log).RunHandler(TransformFunctionTests.ToStream(notification));
            return new StreamReader(output).ReadToEnd();
        }

        // The first day lands and is transformed; the export is dropped; the other days arrive, two at once in parallel invocations.
        Invoke(await HistoryPlaysFollowerTests.CopyAsync(sample, raw, days.Take(1)));
        var zips = new List<string>();
        foreach (var (name, zip) in sample.Zips)
        {
            zips.Add($"{LakeLayout.Import}{name}");
            await raw.PutBytesAsync(zips[^1], zip, "application/zip");
        }
        Invoke(zips);
        var rest = new List<List<string>>();
        foreach (var day in days.Skip(1))
        {
            rest.Add(await HistoryPlaysFollowerTests.CopyAsync(sample, raw, [day]));
        }
        await Task.WhenAll(rest.Select(keys => Task.Run(() => Invoke(keys))));
        var summary = JsonDocument.Parse(Invoke(rest[^1])).RootElement; // an event delivered again
        Assert.Contains(summary.GetProperty("partitions").EnumerateObject(), p => p.Name.StartsWith("listening_history/ended_month=", StringComparison.Ordinal));

        var expected = await TransformFunctionTests.ListAsync(reference, HistoryPublisher.TablePrefix);
        Assert.Contains(expected, k => k.Contains("ended_month=2026-12", StringComparison.Ordinal));
        Assert.Equal(expected, await TransformFunctionTests.ListAsync(lake, HistoryPublisher.TablePrefix));
        foreach (var key in expected)
        {
            var onLaptop = await reference.ReadAllBytesAsync(key);
            var onS3 = await lake.ReadAllBytesAsync(key);
            Assert.True(onLaptop.AsSpan().SequenceEqual(onS3), $"{key} differs between the laptop and S3");
        }
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
