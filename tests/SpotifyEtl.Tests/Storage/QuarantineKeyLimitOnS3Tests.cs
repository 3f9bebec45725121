using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using SpotifyEtl.Functions;
using SpotifyEtl.Lake;
using SpotifyEtl.Storage;
using SpotifyEtl.Tests.Functions;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// S3 keeps keys of at most 1,024 bytes of UTF-8, and a quarantine reason's key is its raw key's and 18 bytes more
/// (<c>raw/</c> becomes <c>quarantine/</c>, <c>.reason.txt</c> follows). A raw object whose quarantine key S3 could not
/// hold, named by an operator's manual event, is reported unread with that reason, the invocation succeeds and the
/// raw object stays as it was. The emulator takes keys of any length, so this client's HTTP handler answers a write
/// of a longer key as S3 does: 400 KeyTooLongError.
/// </summary>
[Collection(FauxqsTests.Name)]
public sealed class QuarantineKeyLimitOnS3Tests(FauxqsServer server)
{
    private const string Day = "raw/playlist/snapshot_date=2026-11-20/";
    private const int ReasonKeyGrowth = 18;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_raw_object_whose_quarantine_key_S3_cannot_hold_is_reported_unread_and_kept_and_the_invocation_succeeds(int seed)
    {
        var refused = new ConcurrentQueue<string>();
        using var limit = S3KeyLimit(refused);
        using var client = server.CreateClient(limit);
        var settings = await server.CreateTransformBucketsAsync();
        var raw = new S3ObjectStore(client, settings.RawBucket);
        var random = new Random(seed);
        // Raw keys from well inside to the very limit: the last ones that can be quarantined, and the first that cannot.
        var lengths = Enumerable.Range(KeyTooLongException.MaxBytes - ReasonKeyGrowth - 6, ReasonKeyGrowth + 7)
            .Where(_ => random.Next(3) > 0).Append(KeyTooLongException.MaxBytes - ReasonKeyGrowth).Append(KeyTooLongException.MaxBytes - ReasonKeyGrowth + 1)
            .Append(KeyTooLongException.MaxBytes).Distinct().ToList();
        var keys = lengths.Select(length => KeyOf(length, random)).ToList();
        foreach (var key in keys)
        {
            Assert.Equal(lengths[keys.IndexOf(key)], Encoding.UTF8.GetByteCount(key));
            await raw.PutTextAsync(key, $"{{\"not\": \"{key.Length}\"}}", "application/json");
        }

        using var log = new StringWriter();
        var evt = TransformFunctionTests.S3Event(keys.Select(k => (settings.RawBucket, TransformFunctionTests.Encode(k))));
        using var output = new TransformFunction(settings, client, log).RunHandler(TransformFunctionTests.ToStream(evt));

        var summary = JsonDocument.Parse(output).RootElement;
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var fits = keys.Where(k => Encoding.UTF8.GetByteCount(LakeLayout.QuarantineKey(k) + LakeLayout.ReasonSuffix) <= KeyTooLongException.MaxBytes).ToList();
        Assert.Equal(fits.Count, summary.GetProperty("quarantined").GetInt32());
        // Counted where the alarm on objects left unread looks: the summary's metric.
        Assert.Equal(keys.Count - fits.Count, summary.GetProperty("unread").GetInt32());
        foreach (var key in keys)
        {
            var line = Assert.Single(lines, l => l.TryGetProperty("key", out var named) && named.GetString() == key);
            Assert.Equal($"{{\"not\": \"{key.Length}\"}}", await raw.ReadAllTextAsync(key));
            if (fits.Contains(key))
            {
                Assert.Equal("quarantined", line.GetProperty("status").GetString());
                Assert.True(await raw.ExistsAsync(LakeLayout.QuarantineKey(key)));
                continue;
            }
            Assert.Equal("unreadable", line.GetProperty("status").GetString());
            var reason = line.GetProperty("reason").GetString()!;
            Assert.StartsWith("its quarantine copy's key would be longer than the 1,024 bytes", reason, StringComparison.Ordinal);
            Assert.Contains($"({Encoding.UTF8.GetByteCount(key) + ReasonKeyGrowth:N0} bytes with its reason's suffix)", reason, StringComparison.Ordinal);
            Assert.Contains("it was left where it is, unread", reason, StringComparison.Ordinal);
            Assert.Contains("does not follow the raw layout", reason, StringComparison.Ordinal);
        }
        Assert.Equal(fits.Count * 2, (await TransformFunctionTests.ListAsync(raw, LakeLayout.Quarantine)).Count);
        Assert.NotEmpty(refused);
        Assert.DoesNotContain(lines, l => l.GetProperty("event").GetString() == "transform_failed");
    }

    /// <summary>A raw key of exactly <paramref name="bytes"/> bytes of UTF-8 that is no raw object's name, with characters of one to four bytes.</summary>
    private static string KeyOf(int bytes, Random random)
    {
        string[] pieces = ["a", "Z", "0", "-", "_", "ü", "é", "夜", "🎵"];
        var key = new StringBuilder(Day).Append(random.Next(1_000_000)).Append('-');
        var room = bytes - ".json".Length;
        while (Encoding.UTF8.GetByteCount(key.ToString()) < room)
        {
            var left = room - Encoding.UTF8.GetByteCount(key.ToString());
            var piece = pieces[random.Next(pieces.Length)];
            key.Append(Encoding.UTF8.GetByteCount(piece) <= left ? piece : "a");
        }
        return key.Append(".json").ToString();
    }

    /// <summary>
    /// S3's key limit over the emulator: a write or copy to a key of more than 1,024 bytes (path style, /bucket/key) is
    /// refused with 400 KeyTooLongError, and the key is kept in <paramref name="refused"/>.
    /// </summary>
    private static InterceptingHttp S3KeyLimit(ConcurrentQueue<string> refused) => new(request =>
    {
        var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath.TrimStart('/'));
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (request.Method != HttpMethod.Put || slash < 0 || Encoding.UTF8.GetByteCount(path[(slash + 1)..]) <= KeyTooLongException.MaxBytes)
        {
            return null;
        }
        refused.Enqueue(path[(slash + 1)..]);
        return InterceptingHttp.S3Error(request, HttpStatusCode.BadRequest, "KeyTooLongError", "Your key is too long");
    });
}
