using System.Text;
using System.Text.Json;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

public sealed class JsonCursorTests
{
    /// <summary>Reads the object's properties, stepping over the one named <paramref name="skip"/>; names and values seen.</summary>
    private static List<string> ReadSkipping(string json, string skip)
    {
        var cursor = new JsonCursor(Encoding.UTF8.GetBytes(json));
        ref var reader = ref cursor.Reader;
        var seen = new List<string>();
        reader.Read();
        var before = cursor.Here;
        for (; reader.Read() && reader.TokenType == JsonTokenType.PropertyName; before = cursor.Here)
        {
            var name = reader.GetString()!;
            if (name == skip)
            {
                Assert.True(cursor.SkipPropertyAfter(before), $"could not step over {name}");
                continue;
            }
            reader.Read();
            seen.Add($"{name}={(reader.TokenType == JsonTokenType.String ? reader.GetString() : reader.TokenType.ToString())}");
            reader.Skip();
        }
        Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
        Assert.False(reader.Read(), "the reader ends where the object ends");
        return seen;
    }

    [Theory]
    [InlineData("""{"a":"1","skip":{"x":[1,{"y":"}"}]},"b":"2"}""", "a=1 b=2")]
    [InlineData("""{ "skip" : [ "\"]" , 2 ] , "a" : "1" }""", "a=1")]
    [InlineData("""{"a":"1","skip":123.5e3}""", "a=1")]
    [InlineData("""{"skip":null}""", "")]
    [InlineData("{\n  \"a\": \"1\",\n  \"skip\": \"text with \\\\ and \\\" in it\",\n  \"b\": true\n}", "a=1 b=True")]
    public void Stepping_over_a_property_leaves_the_others_read_in_order(string json, string expected)
    {
        Assert.Equal(expected, string.Join(' ', ReadSkipping(json, "skip")));
    }

    [Fact]
    public void A_property_that_does_not_close_is_not_stepped_over_and_the_reader_is_left_as_it_was()
    {
        var cursor = new JsonCursor("""{"a":"1","skip":{"x":"never closed"""u8.ToArray());
        cursor.Reader.Read();
        cursor.Reader.Read();
        cursor.Reader.Read();
        var before = cursor.Here;
        cursor.Reader.Read();

        Assert.False(cursor.SkipPropertyAfter(before));
        Assert.Equal("skip", cursor.Reader.GetString());
    }
}
