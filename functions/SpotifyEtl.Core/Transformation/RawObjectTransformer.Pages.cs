using System.Text.Json;

namespace SpotifyEtl.Transformation;

/// <summary>The envelope of a list page: its items, where it stands in the list, and whether the list goes on.</summary>
public static partial class RawObjectTransformer
{
    /// <summary>
    /// Reads a list page: every element of the top-level "items" array (null elements count as
    /// unavailable), and "offset", "total" and "next" wherever they stand. Returns the page's offset.
    /// </summary>
    /// <param name="positional">
    /// Whether the items' positions in the list are kept (a playlist's entries, a ranking): then a page with items and no
    /// "offset" (or a null one) is set aside, since where they stand is unknown; read as 0, a second page's items would
    /// take the first page's positions.
    /// </param>
    private static int ReadPage(ref JsonCursor cursor, TransformedObject output, ItemReader onItem, bool positional = false)
    {
        ref var reader = ref cursor.Reader;
        var count = 0;
        int? offset = null;
        var sawItems = false;
        var sawOffset = false;
        var properties = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (properties.Count < 8)
            {
                properties.Add(reader.GetString()!);
            }
            if (reader.ValueTextEquals("items"u8))
            {
                if (sawItems)
                {
                    throw new UnexpectedShapeException("\"items\" appears twice at the top level; which list Spotify meant is unknown, so neither is used");
                }
                reader.Read();
                SpotifyReader.Expect(ref reader, JsonTokenType.StartArray, "items", "an array");
                sawItems = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        output.SkippedUnavailable++;
                    }
                    else
                    {
                        onItem(ref cursor, count);
                    }
                    count++;
                }
            }
            else if (reader.ValueTextEquals("offset"u8))
            {
                if (sawOffset)
                {
                    throw new UnexpectedShapeException("\"offset\" appears twice at the top level; which position Spotify meant is unknown");
                }
                sawOffset = true;
                offset = SpotifyReader.Integer(ref reader, "offset");
            }
            else if (reader.ValueTextEquals("next"u8))
            {
                // Only whether it links on matters (the last page's is null): the link itself is never read. An empty one ends
                // the list too, as it ends the extractor's paging, so a pass the extractor finished is a whole one here.
                reader.Read();
                output.ListHasNext = reader.TokenType != JsonTokenType.Null && !(reader.TokenType == JsonTokenType.String && reader.ValueSpan.IsEmpty);
                reader.Skip();
            }
            else if (reader.ValueTextEquals("total"u8))
            {
                output.ListTotal = SpotifyReader.Integer(ref reader, "total") is int total and >= 0 ? total : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (!sawItems)
        {
            var found = properties.Count == 0 ? "an empty object" : "properties " + string.Join(", ", properties.Select(p => $"\"{p}\""));
            throw new UnexpectedShapeException($"it is not a page of a Spotify list response: it has no \"items\" array at the top level (found {found})");
        }
        if (positional && offset is null && count > 0)
        {
            throw new UnexpectedShapeException($"it has {(sawOffset ? "a null \"offset\"" : "no \"offset\"")}, so where its {count} items stand in the list is unknown");
        }
        // The page's positions (offset + 1 to offset + items) become ranks and positions: they must be whole
        // numbers from 1 that an int holds, never wrapped to negative.
        if (offset < 0 || (long)(offset ?? 0) + count > int.MaxValue)
        {
            throw new UnexpectedShapeException(
                $"\"offset\" is {offset}, so its {count} items would stand at positions outside 1 to {int.MaxValue:N0}");
        }
        output.ItemsRead = count;
        output.ListOffset = offset ?? 0;
        return offset ?? 0;
    }
}
