using System.Text.Json.Nodes;

namespace SpotifyEtl.Tests.Support;

/// <summary>Rewrites values of a raw response in place, wherever they stand in it.</summary>
internal static class RawValues
{
    /// <summary>
    /// Gives every leaf value (its key and the value) to <paramref name="replace"/>, which answers whether to replace it
    /// and with what (null for JSON null); writes the file back and returns the number replaced.
    /// </summary>
    public static int Replace(string file, Func<string, JsonValue, (bool Replace, JsonNode? With)> replace)
    {
        var json = JsonNode.Parse(File.ReadAllText(file));
        var replaced = 0;
        Visit(json);
        File.WriteAllText(file, json!.ToJsonString());
        return replaced;

        void Visit(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject body:
                    foreach (var (key, value) in body.ToList())
                    {
                        if (value is JsonValue leaf && replace(key, leaf) is (true, var with))
                        {
                            body[key] = with;
                            replaced++;
                        }
                        else
                        {
                            Visit(value);
                        }
                    }
                    break;
                case JsonArray items:
                    foreach (var item in items)
                    {
                        Visit(item);
                    }
                    break;
            }
        }
    }
}
