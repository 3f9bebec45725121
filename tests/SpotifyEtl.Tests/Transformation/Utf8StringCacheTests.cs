using System.Text;
using System.Text.Json;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

public sealed class Utf8StringCacheTests
{
    [Fact]
    public void Every_string_reads_as_the_tokenizer_decodes_it_however_often_it_recurs_and_whatever_shares_its_slot()
    {
        var random = new Random(11);
        string[] alphabet = ["a", "A", "z", "Z", "0", "9", " ", "-", "_", ":", "/", ".", "\u00e9", "\u6f22", "\ud83c\udfa7", "\"", "\\", "\n"];
        // Far more distinct values than the cache has slots, so that values share and evict slots; ASCII and not,
        // escaped and not, short and past the cached length; each read many times in a random order.
        var values = Enumerable.Range(0, 30_000)
            .Select(i => string.Concat(Enumerable.Range(0, i % 7 == 0 ? random.Next(90, 140) : random.Next(0, 30))
                .Select(_ => i % 3 == 0 ? alphabet[random.Next(alphabet.Length)] : ((char)('0' + random.Next(75))).ToString())))
            .ToArray();
        var order = Enumerable.Range(0, 120_000).Select(_ => values[random.Next(values.Length)]).ToArray();
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(order));
        var cache = new Utf8StringCache();

        var read = new List<string>();
        var reader = new JsonTokens(json, RawObjectTransformer.MaxDepth);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                read.Add(cache.Get(ref reader));
            }
        }

        Assert.Equal(order, read);
    }

    [Fact]
    public void A_repeated_value_is_one_string_object()
    {
        var reader = new JsonTokens("[\"Quevedo\", \"Quevedo\", \"single\", \"Quevedo\"]"u8, RawObjectTransformer.MaxDepth);
        var cache = new Utf8StringCache();
        var read = new List<string>();
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                read.Add(cache.Get(ref reader));
            }
        }

        Assert.Same(read[0], read[1]);
        Assert.Same(read[0], read[3]);
    }

    [Fact]
    public void Bytes_that_are_no_UTF8_fail_as_the_reader_fails_them_even_after_a_cached_value()
    {
        byte[] json = [.. "[\"ab\", \"a"u8, 0xC3, 0x28, .. "\"]"u8];
        var reader = new JsonTokens(json, RawObjectTransformer.MaxDepth);
        var cache = new Utf8StringCache();
        reader.Read();
        reader.Read();
        Assert.Equal("ab", cache.Get(ref reader));
        reader.Read();
        try
        {
            cache.Get(ref reader);
            Assert.Fail("invalid UTF-8 was read as text");
        }
        catch (InvalidOperationException)
        {
        }
    }
}
