using System.Text.Json;
using System.Text.Json.Nodes;
using SpotifyEtl.Functions;
using SpotifyEtl.Import;
using SpotifyEtl.Lake;
using SpotifyEtl.SampleLibrary;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Support;
using Xunit;

namespace SpotifyEtl.Tests.Functions;

/// <summary>
/// A data export dropped under <c>import/</c> of the versioned raw bucket is read as the version its event names: an
/// export overwritten before its first event is handled is still imported as it first was, and its second form by the
/// second event. A version deleted since is skipped with that reason and the invocation succeeds.
/// </summary>
public sealed class ExportVersionTests
{
    private const string RawBucket = "spotify-stack-raw";
    private const string Key = LakeLayout.Import + "my_spotify_data.zip";

    [Fact]
    public async Task An_export_overwritten_before_its_event_is_handled_is_imported_as_the_version_its_event_names()
    {
        var first = SampleExport.Write(new SampleExportOptions(80, 21)).Zips[0].Zip;
        var second = SampleExport.Write(new SampleExportOptions(80, 22)).Zips[0].Zip;
        var expectedFirst = await LandedAloneAsync(first);
        var expectedSecond = await LandedAloneAsync(second);
        Assert.NotEqual(expectedFirst, expectedSecond);

        var raw = new VersionedStore();
        var lake = new VersionedStore();
        await raw.PutBytesAsync(Key, first, "application/zip");
        var firstVersion = raw.CurrentVersion(Key);
        await raw.PutBytesAsync(Key, second, "application/zip");
        var secondVersion = raw.CurrentVersion(Key);

        var lines = Invoke(raw, lake, EventFor(Key, firstVersion));

        Assert.Equal(expectedFirst, await TransformFunctionTests.ListAsync(raw, ExportRawKey.Prefix));
        Assert.DoesNotContain(lines, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("level").GetString() == "warn");

        Invoke(raw, lake, EventFor(Key, secondVersion));

        Assert.Equal(expectedFirst.Union(expectedSecond).Order(StringComparer.Ordinal), await TransformFunctionTests.ListAsync(raw, ExportRawKey.Prefix));
    }

    [Fact]
    public async Task An_export_version_deleted_before_its_event_is_handled_is_skipped_with_that_reason_and_the_invocation_succeeds()
    {
        var raw = new VersionedStore();
        await raw.PutBytesAsync(Key, SampleExport.Write(new SampleExportOptions(40, 23)).Zips[0].Zip, "application/zip");

        var lines = Invoke(raw, new VersionedStore(), EventFor(Key, "v-deleted"));

        var skipped = Assert.Single(lines, l => l.GetProperty("event").GetString() == ImportLog.FileEvent && l.GetProperty("input").GetString() == Key);
        Assert.Equal("warn", skipped.GetProperty("level").GetString());
        Assert.Contains("the version its event names (v-deleted) was deleted", skipped.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await TransformFunctionTests.ListAsync(raw, ExportRawKey.Prefix));
        Assert.Single(lines, l => l.GetProperty("event").GetString() == "transform_completed");
    }

    /// <summary>The export files an import of <paramref name="zip"/> alone lands.</summary>
    private static async Task<List<string>> LandedAloneAsync(byte[] zip)
    {
        var raw = new VersionedStore();
        await raw.PutBytesAsync(Key, zip, "application/zip");
        Invoke(raw, new VersionedStore(), TransformFunctionTests.S3Event([(RawBucket, TransformFunctionTests.Encode(Key))]));
        var landed = await TransformFunctionTests.ListAsync(raw, ExportRawKey.Prefix);
        Assert.NotEmpty(landed);
        return landed;
    }

    /// <summary>An S3 event for <paramref name="key"/> that names its version, as the versioned raw bucket's events do.</summary>
    internal static string EventFor(string key, string version)
    {
        var evt = JsonNode.Parse(TransformFunctionTests.S3Event([(RawBucket, TransformFunctionTests.Encode(key))]))!;
        evt["Records"]![0]!["s3"]!["object"]!["versionId"] = version;
        return evt.ToJsonString();
    }

    private static List<JsonElement> Invoke(IObjectStore raw, IObjectStore lake, string evt)
    {
        using var log = new StringWriter();
        using var output = new TransformFunction(raw, lake, RawBucket, log).RunHandler(TransformFunctionTests.ToStream(evt));
        return log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }
}
