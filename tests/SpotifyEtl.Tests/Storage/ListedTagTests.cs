using SpotifyEtl.Storage;
using Xunit;

namespace SpotifyEtl.Tests.Storage;

/// <summary>
/// A read is the content a listing named when their ETags agree, however an S3-compatible store writes them: quoted or
/// not, with a weak prefix, in either case. A side that gives no tag (the local lake, an empty ETag) cannot tell, and is
/// taken as the listed content rather than read again for ever.
/// </summary>
public sealed class ListedTagTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_same_etag_in_any_of_its_written_forms_is_listed_and_another_is_not(int seed)
    {
        var random = new Random(seed);
        string Form(string hex) => random.Next(4) switch
        {
            0 => $"\"{hex}\"",
            1 => hex,
            2 => $"W/\"{hex}\"",
            _ => $"\"{hex.ToUpperInvariant()}\"",
        };
        for (var i = 0; i < 200; i++)
        {
            var hex = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + (random.Next(3) == 0 ? $"-{random.Next(2, 50)}" : "");
            var other = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            using var read = new PooledBytes([], 0, tag: Form(hex));

            Assert.True(read.IsListed(Form(hex)), hex);
            Assert.False(read.IsListed(Form(other)), $"{hex} against {other}");
            Assert.True(read.IsListed(""), "a listing without tags cannot tell");
        }
        foreach (var unknown in new string?[] { null, "" })
        {
            using var read = new PooledBytes([], 0, tag: unknown);
            Assert.True(read.IsListed("\"0123456789abcdef0123456789abcdef\""));
        }
    }
}
