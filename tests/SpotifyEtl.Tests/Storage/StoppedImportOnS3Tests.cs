using SpotifyEtl.Functions;
using SpotifyEtl.Import;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Functions;
using SpotifyEtl.Tests.Import;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// On AWS, an import that stopped before writing listening_history (its retries stopped too, its event gone to the
/// dead-letter queue) leaves landed export files that no table was built from. The transform function's next invocation
/// for a day of the API's pages, on the S3 emulator, builds the table whole, as an import of everything writes it. It had
/// rebuilt only the months that day's plays reach, and kept the spans of the other files, which hid them from every
/// transform after: the table held a few months of years of streams, for good.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class StoppedImportOnS3Tests(FauxqsServer server) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(5)]
    [InlineData(17)]
    public async Task The_transform_function_after_an_import_stopped_before_its_table_writes_the_table_an_import_of_everything_writes(int seed)
    {
        var sample = await HistoryPlaysFollowerTests.GenerateAsync(new LocalFolderStore(_folder["source"]), seed);
        var reference = new LocalFolderStore(_folder["reference"]);
        await HistoryPlaysFollowerTests.CopyAsync(sample, reference, sample.Days.Keys);
        await new ExportImporter(reference, reference).ImportAsync(sample.Export);
        var expected = await FilesAsync(reference);
        Assert.NotEmpty(expected);

        var settings = await server.CreateTransformBucketsAsync();
        using var client = server.CreateClient();
        var raw = new S3ObjectStore(client, settings.RawBucket);
        var lake = new S3ObjectStore(client, settings.TransformedBucket);
        await HistoryPlaysFollowerTests.CopyAsync(sample, raw, sample.Days.Keys);
        // An earlier import of part of the export, built: the table has months, so only the files' spans tell the rest apart.
        await new ExportImporter(raw, lake).ImportAsync(sample.Export.Where((_, i) => i % 3 == 0).ToList());
        Assert.False(await HistoryPlaysFollower.AnyUnbuiltAsync(raw, lake, default));
        await Assert.ThrowsAnyAsync<IOException>(() => new ExportImporter(
            new ImportTransformInterleavingTests.StoppedAtTheTableStore(raw), new ImportTransformInterleavingTests.StoppedAtTheTableStore(lake)).ImportAsync(sample.Export));

        // The hourly run's pages of the last day, as their manifest's event hands them to the function.
        var day = sample.Days.Keys.Last();
        using var log = new StringWriter();
        var evt = TransformFunctionTests.S3Event(sample.Days[day].Select(key => (settings.RawBucket, TransformFunctionTests.Encode(key))));
        new TransformFunction(settings, client, log).RunHandler(TransformFunctionTests.ToStream(evt)).Dispose();

        var written = await FilesAsync(lake);
        Assert.True(expected.Keys.SequenceEqual(written.Keys), $"the months written are {string.Join(", ", written.Keys)}");
        foreach (var (key, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(written[key]), $"{key} differs from an import of everything");
        }
        Assert.False(await HistoryPlaysFollower.AnyUnbuiltAsync(raw, lake, default), "once built, the files read as built");
    }

    /// <summary>The history table's files of a lake, by key.</summary>
    internal static async Task<SortedDictionary<string, byte[]>> FilesAsync(IObjectStore store)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        using (LambdaRole.TestLooking())
        {
            foreach (var key in await TransformFunctionTests.ListAsync(store, HistoryPublisher.TablePrefix))
            {
                files[key] = await store.ReadAllBytesAsync(key);
            }
        }
        return files;
    }
}
