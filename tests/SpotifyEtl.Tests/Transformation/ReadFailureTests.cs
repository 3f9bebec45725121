using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>Which failures while one raw object is read set that object aside, and which fail the run instead.</summary>
public sealed class ReadFailureTests
{
    // The runtime's own exceptions are made here only to be classified, as the runtime would throw them.
#pragma warning disable CA2201
    public static TheoryData<Exception> FailuresOfTheObject() =>
    [
        new FormatException("bad number"),
        new OverflowException("too large"),
        new InvalidOperationException("Cannot read invalid UTF-16 JSON text"),
        new System.Text.DecoderFallbackException("no character"),
        new ArgumentOutOfRangeException("index"),
        new IndexOutOfRangeException(),
        new KeyNotFoundException("a key"),
        new InvalidCastException(),
        new NotSupportedException("a token"),
        new InvalidDataException("a field"),
    ];

    public static TheoryData<Exception> FailuresOfTheProcess() =>
    [
        new OutOfMemoryException(),
        // Memory that ran out where a thread for a task could not start, in a parallel loop beside another failure, or in
        // a type's initializer: the page is as good as ever.
        new TaskSchedulerException(new OutOfMemoryException()),
        new AggregateException(new FormatException("bad number"), new OutOfMemoryException()),
        new TypeInitializationException("SpotifyEtl.Something", new AggregateException(new OutOfMemoryException())),
        new InsufficientExecutionStackException(),
        new OperationCanceledException(),
        new TaskCanceledException(),
        new InvalidRawObjectException("raw/x", "already the object's own reason"),
    ];
#pragma warning restore CA2201

    [Theory]
    [MemberData(nameof(FailuresOfTheObject))]
    public void A_failure_of_the_objects_bytes_sets_it_aside_with_its_reason(Exception exception)
    {
        Assert.True(ReadFailure.IsTheObjects(exception));
        Assert.DoesNotContain('\n', ReadFailure.Describe(exception));
    }

    [Theory]
    [MemberData(nameof(FailuresOfTheProcess))]
    public void Running_out_of_memory_or_stack_or_being_cancelled_never_sets_a_good_page_aside(Exception exception) =>
        Assert.False(ReadFailure.IsTheObjects(exception));

    /// <summary>
    /// A raw object an editor re-saved as UTF-16 (with either byte-order mark, or none) is set aside as UTF-16 text, with
    /// how to mend it: not as a truncated or mangled upload, which would send its reader after the network.
    /// </summary>
    [Theory]
    [InlineData("raw/top_tracks/snapshot_date=2026-11-20/short_term/20261120T060000Z-p0001.json", "utf-16le-bom")]
    [InlineData("raw/recently_played/snapshot_date=2026-11-20/me/20261120T060000Z-p0001.json", "utf-16be-bom")]
    [InlineData("raw/saved_tracks/snapshot_date=2026-11-20/me/20261120T060000Z-p0000.json", "utf-16le")]
    [InlineData("raw/playlist_items/snapshot_date=2026-11-20/pl1/20261120T060000Z-p0001.json", "utf-16be")]
    public void A_raw_object_re_saved_as_utf16_is_set_aside_as_such(string key, string encoding)
    {
        const string json = "{\"items\": [], \"total\": 0, \"limit\": 50, \"offset\": 0, \"next\": null}";
        var text = encoding switch
        {
            "utf-16le-bom" => [.. System.Text.Encoding.Unicode.GetPreamble(), .. System.Text.Encoding.Unicode.GetBytes(json)],
            "utf-16be-bom" => [.. System.Text.Encoding.BigEndianUnicode.GetPreamble(), .. System.Text.Encoding.BigEndianUnicode.GetBytes(json)],
            "utf-16le" => System.Text.Encoding.Unicode.GetBytes(json),
            _ => System.Text.Encoding.BigEndianUnicode.GetBytes(json),
        };

        var set = Assert.Throws<InvalidRawObjectException>(() => RawObjectTransformer.Transform(SpotifyEtl.Lake.RawObjectKey.Parse(key), text));

        Assert.StartsWith("it is UTF-16 text (re-saved by an editor?), not the UTF-8 JSON Spotify sends", set.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("truncated", set.Reason, StringComparison.Ordinal);
    }

    /// <summary>A gzip file's header holds one zero byte among its first four: it is read as what it is, not as UTF-16.</summary>
    [Fact]
    public void A_gzip_raw_object_is_not_taken_for_utf16()
    {
        using var packed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write("{\"items\": [], \"total\": 0}"u8);
        }
        var bytes = packed.ToArray();
        Assert.Equal(0, bytes[3]);

        var set = Assert.Throws<InvalidRawObjectException>(() => RawObjectTransformer.Transform(
            SpotifyEtl.Lake.RawObjectKey.Parse("raw/top_tracks/snapshot_date=2026-11-20/short_term/20261120T060000Z-p0001.json"), bytes));

        Assert.StartsWith("it is not valid JSON", set.Reason, StringComparison.Ordinal);
        Assert.False(SpotifyEtl.Import.ExportFileReader.IsUtf16(bytes));
    }
}
