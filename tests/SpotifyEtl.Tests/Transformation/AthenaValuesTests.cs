using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

public class AthenaValuesTests
{
    [Theory]
    [InlineData("2026-11-20T08:00:00Z", "2026-11-20T08:00:00Z")]
    [InlineData("2026-11-20T09:30:00+01:30", "2026-11-20T08:00:00Z")]
    [InlineData("2026-11-20T08:00:00.123Z", "2026-11-20T08:00:00Z")]
    [InlineData("2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z")]
    [InlineData("2026-11-20 08:00:00", "2026-11-20T08:00:00Z")]
    [InlineData("2026-02-30T08:00:00Z", null)]
    [InlineData("2026-11-20T24:00:00Z", null)]
    [InlineData("not a date", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Timestamp_writes_every_instant_as_utc_seconds_and_drops_what_is_no_date(string? served, string? stored) =>
        Assert.Equal(stored, AthenaValues.Timestamp(served));

    [Theory]
    [InlineData("2026-11-20T08:00:00.123Z", "2026-11-20T08:00:00.123Z")]
    [InlineData("2026-11-20T08:00:00Z", "2026-11-20T08:00:00.000Z")]
    [InlineData("2026-11-20T09:00:00.5+01:00", "2026-11-20T08:00:00.500Z")]
    [InlineData("2025-02-29T08:00:00.123Z", null)]
    [InlineData("2026-11-20T08:00:00.12xZ", null)]
    public void TimestampWithMilliseconds_keeps_the_milliseconds_plays_are_told_apart_by(string served, string? stored) =>
        Assert.Equal(stored, AthenaValues.TimestampWithMilliseconds(served));

    [Fact]
    public void A_timestamp_already_in_the_stored_form_is_kept_as_the_same_string()
    {
        var served = string.Concat("2026-11-20T08:00:00", "Z");

        Assert.Same(served, AthenaValues.Timestamp(served));
    }
}
