using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SpotifyEtl.Transformation;

/// <summary>
/// Reads a Spotify list response one item at a time with <see cref="Utf8JsonReader"/>: no document
/// tree and no list of all items, so memory stays flat however long the page is.
/// </summary>
internal static class JsonPage
{
    /// <summary>What the page says besides its items.</summary>
    public readonly record struct PageInfo(int ItemCount, int Offset);

    public static PageInfo ForEachItem<T>(string key, ReadOnlySpan<byte> json, JsonTypeInfo<T> itemType, Action<T?, int> onItem)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            ExpectTopLevelObject(key, ref reader);
            var count = 0;
            var offset = 0;
            var sawItems = false;
            var properties = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var isItems = reader.ValueTextEquals("items"u8);
                var isOffset = reader.ValueTextEquals("offset"u8);
                if (properties.Count < 8)
                {
                    properties.Add(reader.GetString()!);
                }
                reader.Read();
                if (isItems)
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw new InvalidRawObjectException(key, $"its \"items\" is a {Describe(reader.TokenType)}, not an array");
                    }
                    sawItems = true;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        onItem(JsonSerializer.Deserialize(ref reader, itemType), count);
                        count++;
                    }
                }
                else if (isOffset && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
                {
                    offset = value;
                }
                else
                {
                    reader.Skip();
                }
            }
            ExpectEnd(ref reader);
            if (!sawItems)
            {
                var found = properties.Count == 0 ? "an empty object" : "properties " + string.Join(", ", properties.Select(p => $"\"{p}\""));
                throw new InvalidRawObjectException(key, $"it is not a page of a Spotify list response: it has no \"items\" array at the top level (found {found})");
            }
            return new PageInfo(count, offset);
        }
        catch (JsonException exception)
        {
            throw new InvalidRawObjectException(key, Invalid(json, exception), exception);
        }
    }

    public static T ReadObject<T>(string key, ReadOnlySpan<byte> json, JsonTypeInfo<T> type)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            ExpectTopLevelObject(key, ref reader);
            var value = JsonSerializer.Deserialize(ref reader, type);
            ExpectEnd(ref reader);
            return value!;
        }
        catch (JsonException exception)
        {
            throw new InvalidRawObjectException(key, Invalid(json, exception), exception);
        }
    }

    private static void ExpectTopLevelObject(string key, ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new InvalidRawObjectException(key, "the object is empty (0 bytes of JSON)");
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidRawObjectException(key, $"it is a JSON {Describe(reader.TokenType)}, not the JSON object every Spotify response is");
        }
    }

    /// <summary>
    /// Reads past the closing brace, which makes the reader check the rest of the bytes: a second
    /// document or trailing garbage (a doubled or mangled upload) is reported as invalid JSON.
    /// </summary>
    private static void ExpectEnd(ref Utf8JsonReader reader) => _ = reader.Read();

    private static string Invalid(ReadOnlySpan<byte> json, JsonException exception) =>
        json.Length == 0 || json.Trim(" \t\r\n"u8).IsEmpty
            ? "the object is empty (no JSON at all)"
            : $"it is not valid JSON ({exception.Message}); a truncated upload looks like this";

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
