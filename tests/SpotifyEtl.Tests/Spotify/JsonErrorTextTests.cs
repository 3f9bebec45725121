using SpotifyEtl.Spotify;
using Xunit;

namespace SpotifyEtl.Tests.Spotify;

/// <summary>Messages about a JSON file a person wrote say what and where in their words: no .NET type names, no reader jargon, one line.</summary>
public sealed class JsonErrorTextTests
{
    public static TheoryData<string> BadSourceLists()
    {
        var data = new TheoryData<string>();
        string[] values = ["5", "true", "null", "[]", "{}", "\"x\"", "1.5", "-1"];
        foreach (var value in values)
        {
            data.Add($$"""[{"type":{{value}},"id":"x"}]""");
            data.Add($$"""[{"type":"playlist","id":{{value}}}]""");
        }
        data.Add("[{\"type\":\"playlist\",\n\"id\":");
        data.Add("{\"type\":\"playlist\"}");
        data.Add("[1,2,3]");
        data.Add("[{\"type\":\"playlist\" \"id\":\"x\"}]");
        data.Add("\u00ff\u00fe");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadSourceLists))]
    public void A_source_list_that_is_not_what_is_expected_is_refused_in_plain_words_on_one_line(string json)
    {
        var exception = Assert.ThrowsAny<Exception>(() => ExtractionSource.ParseList(json, "SPOTIFY_SOURCES"));

        if (exception is SpotifyConfigurationException && exception.Message.Contains("is not a JSON array of sources", StringComparison.Ordinal))
        {
            Assert.DoesNotContain("System.", exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("LineNumber", exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("BytePositionInLine", exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', exception.Message);
            Assert.DoesNotContain("[]", exception.Message.Split("Example:")[0], StringComparison.Ordinal);
            Assert.DoesNotContain("a value of another kind", exception.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.IsType<SpotifyConfigurationException>(exception);
        }
    }
}
