using System.Text;
using System.Text.Json;
using SpotifyEtl.Transformation;
using Xunit;

namespace SpotifyEtl.Tests.Transformation;

/// <summary>
/// The tokenizer the transformation reads with, held to the runtime's reader over generated documents: indented and
/// compact, escaped, nested past the depth limit, and mangled a byte at a time. It must accept what the reader accepts,
/// refuse what it refuses, and yield the same tokens, values and positions.
/// </summary>
public sealed class JsonTokensTests
{
    private const int MaxDepth = 8;

    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = MaxDepth };

    /// <summary>Bytes a mangled upload, an editor or a bad encoder puts where they do not belong.</summary>
    private static readonly byte[] Mangling =
        [.. "{}[],:\"\\/01-+.eEtfnua \n\t\r"u8, 0x00, 0x08, 0x1F, 0x7F, 0xC3, 0x28, 0xFF, 0xEF, 0xBB, 0xBF, 0xE2, 0x82];

    [Fact]
    public void Generated_documents_and_their_manglings_are_accepted_refused_and_read_as_the_runtime_reads_them()
    {
        var random = new Random(20261206);
        var (documents, accepted, refused) = (0, 0, 0);
        for (var i = 0; i < 4_000; i++)
        {
            var json = Generate(random);
            foreach (var variant in Variants(json, random))
            {
                documents++;
                if (AssertSameReading(variant))
                {
                    accepted++;
                }
                else
                {
                    refused++;
                }
            }
        }
        // Both classes are exercised in bulk, or the comparison says little.
        Assert.True(accepted > documents / 4 && refused > documents / 4, $"{accepted} accepted and {refused} refused of {documents}");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n  ")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,]")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":-}")]
    [InlineData("{\"a\":1e}")]
    [InlineData("{\"a\":tru}")]
    [InlineData("{\"a\":\"\\x\"}")]
    [InlineData("{\"a\":\"\\u12G4\"}")]
    [InlineData("{\"a\":\"tab\there\"}")]
    [InlineData("{\"a\":1} {}")]
    [InlineData("{\"a\":1 /* no */}")]
    [InlineData("[[[[[[[[[1]]]]]]]]]")]
    [InlineData("{\"a\":[1}")]
    [InlineData("{'a':1}")]
    [InlineData("\"unterminated")]
    public void Input_that_is_not_JSON_is_refused_where_the_runtime_refuses_it(string json)
    {
        Assert.False(AssertSameReading(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Stepping_over_values_ends_where_the_runtime_ends_it()
    {
        var random = new Random(7);
        for (var i = 0; i < 2_000; i++)
        {
            var json = Generate(random);
            if (JsonTokens.StandardError(json, MaxDepth) is not null)
            {
                continue; // nested past the limit
            }
            var standard = new Utf8JsonReader(json, Options);
            var ours = new JsonTokens(json, MaxDepth);
            while (standard.Read())
            {
                Assert.True(ours.Read());
                if (random.Next(3) == 0 && standard.TokenType is JsonTokenType.PropertyName or JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    standard.Skip();
                    ours.Skip();
                }
                Assert.Equal(standard.TokenType, ours.TokenType);
                Assert.Equal(standard.BytesConsumed, ours.Position);
            }
            Assert.False(ours.Read());
        }
    }

    [Theory]
    [InlineData(64)]
    [InlineData(65)]
    public void Nesting_at_the_transforms_depth_limit_is_read_and_one_level_past_it_refused(int levels)
    {
        var json = Encoding.UTF8.GetBytes(new string('[', levels) + "1" + new string(']', levels));
        var refused = JsonTokens.StandardError(json, RawObjectTransformer.MaxDepth) is not null;
        Assert.Equal(levels > RawObjectTransformer.MaxDepth, refused);
        var ours = new JsonTokens(json, RawObjectTransformer.MaxDepth);
        try
        {
            while (ours.Read())
            {
            }
            Assert.False(refused, "read nesting the runtime refuses");
        }
        catch (JsonException)
        {
            Assert.True(refused, "refused nesting the runtime reads");
        }
    }

    [Theory]
    [InlineData("int")]
    [InlineData("double")]
    [InlineData("equals")]
    [InlineData("string")]
    public void A_value_asked_of_a_token_that_has_none_is_refused_as_the_runtime_refuses_it(string asked)
    {
        var ours = new JsonTokens("[true]"u8, MaxDepth);
        ours.Read();
        ours.Read();
        try
        {
            _ = asked switch
            {
                "int" => ours.TryGetInt32(out _),
                "double" => ours.GetDouble() > 0,
                "equals" => ours.ValueTextEquals("true"u8),
                _ => ours.GetString() is not null,
            };
            Assert.Fail($"{asked} of a {ours.TokenType} token gave a value");
        }
        catch (InvalidOperationException)
        {
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void A_depth_limit_its_one_word_of_bits_cannot_hold_is_refused(int maxDepth)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = new JsonTokens("[]"u8, maxDepth); });
    }

    [Theory]
    [InlineData("\"na\\u006De\"", "name", true)]
    [InlineData("\"na\\u006De\"", "nam", false)]
    [InlineData("\"name\"", "names", false)]
    [InlineData("\"\\ud83c\\udfa7\"", "\ud83c\udfa7", true)]
    [InlineData("\"caf\u00e9\"", "caf\u00e9", true)]
    public void Escaped_and_unescaped_text_compares_and_decodes_as_written_as_a_value_and_as_a_property_name(string json, string text, bool equal)
    {
        var value = new JsonTokens(Encoding.UTF8.GetBytes(json), MaxDepth);
        Assert.True(value.Read());
        AssertText(ref value, JsonTokenType.String);
        var name = new JsonTokens(Encoding.UTF8.GetBytes("{" + json + ":1}"), MaxDepth);
        Assert.True(name.Read() && name.Read());
        AssertText(ref name, JsonTokenType.PropertyName);

        void AssertText(ref JsonTokens ours, JsonTokenType token)
        {
            Assert.Equal(token, ours.TokenType);
            Assert.Equal(equal, ours.ValueTextEquals(Encoding.UTF8.GetBytes(text)));
            Assert.Equal(equal, ours.GetString() == text);
        }
    }

    /// <summary>Reads <paramref name="json"/> with both; asserts the same tokens and outcome, and returns whether it was accepted.</summary>
    private static bool AssertSameReading(byte[] json)
    {
        var standard = new Utf8JsonReader(json, Options);
        var ours = new JsonTokens(json, MaxDepth);
        var shown = Encoding.UTF8.GetString(json);
        while (true)
        {
            bool standardRead, oursRead;
            try
            {
                standardRead = standard.Read();
            }
            catch (JsonException)
            {
                // Refused at the same token: a token read before the refusal would be acted on (a value of the wrong shape,
                // a number out of range) and reported as the object's shape rather than as JSON that is not JSON.
                AssertRefused(json, ref ours);
                return false;
            }
            try
            {
                oursRead = ours.Read();
            }
            catch (JsonException exception)
            {
                Assert.Fail($"refused what the runtime reads ({exception.Message}): {shown}");
                throw;
            }
            Assert.Equal(standardRead, oursRead);
            if (!standardRead)
            {
                return true;
            }
            Assert.Equal(standard.TokenType, ours.TokenType);
            Assert.Equal(standard.BytesConsumed, ours.Position);
            Assert.Equal(standard.ValueIsEscaped, ours.ValueIsEscaped);
            Assert.Equal(standard.ValueSpan.ToArray(), ours.ValueSpan.ToArray());
            if (standard.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                Assert.Equal(Outcome(standard), Outcome(ours));
            }
            if (standard.TokenType == JsonTokenType.Number)
            {
                Assert.Equal(standard.TryGetInt32(out var whole) ? whole : (int?)null, ours.TryGetInt32(out var mine) ? mine : null);
                Assert.Equal(Real(standard), Real(ours));
            }
        }
    }

    /// <summary>The tokenizer's next token, which the runtime's reader has just refused: it must refuse it too.</summary>
    private static void AssertRefused(byte[] json, ref JsonTokens ours)
    {
        try
        {
            var read = ours.Read();
            Assert.Fail($"read {(read ? ours.TokenType.ToString() : "the end")} where the runtime refuses: {Encoding.UTF8.GetString(json)}");
        }
        catch (JsonException)
        {
        }
    }

    private static string Real(Utf8JsonReader reader)
    {
        try
        {
            return reader.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (FormatException exception)
        {
            return exception.GetType().Name;
        }
    }

    private static string Real(JsonTokens reader)
    {
        try
        {
            return reader.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (FormatException exception)
        {
            return exception.GetType().Name;
        }
    }

    private static string Outcome(Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException exception)
        {
            return exception.GetType().Name;
        }
    }

    private static string Outcome(JsonTokens reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException exception)
        {
            return exception.GetType().Name;
        }
    }

    /// <summary>The document, cut short, and mangled by a replaced, an inserted and a removed byte.</summary>
    private static IEnumerable<byte[]> Variants(byte[] json, Random random)
    {
        yield return json;
        if (json.Length == 0)
        {
            yield break;
        }
        yield return json[..random.Next(json.Length)];
        var at = random.Next(json.Length);
        var replaced = (byte[])json.Clone();
        replaced[at] = Mangling[random.Next(Mangling.Length)];
        yield return replaced;
        yield return [.. json[..at], Mangling[random.Next(Mangling.Length)], .. json[at..]];
        yield return [.. json[..at], .. json[(at + 1)..]];
    }

    private static byte[] Generate(Random random)
    {
        var text = new StringBuilder();
        var indented = random.Next(2) == 0;
        Value(text, random, depth: 0, indented);
        if (random.Next(4) == 0)
        {
            text.Append(Space(random, 0, indented));
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Value(StringBuilder text, Random random, int depth, bool indented)
    {
        // Now and then deeper than the limit; mostly the objects and arrays a response is made of.
        var kind = depth > MaxDepth + 1 ? random.Next(2, 7) : random.Next(depth < 2 ? 2 : 7);
        switch (kind)
        {
            case 0 or 1:
                var isObject = kind == 0;
                text.Append(isObject ? '{' : '[');
                var count = random.Next(5);
                for (var i = 0; i < count; i++)
                {
                    text.Append(i > 0 ? "," : "").Append(Space(random, depth + 1, indented));
                    if (isObject)
                    {
                        text.Append(Text(random)).Append(random.Next(3) == 0 ? " : " : indented ? ": " : ":");
                    }
                    Value(text, random, depth + 1, indented);
                }
                text.Append(count > 0 ? Space(random, depth, indented) : "").Append(isObject ? '}' : ']');
                break;
            case 2 or 3:
                text.Append(Text(random));
                break;
            case 4:
                text.Append(Number(random));
                break;
            default:
                text.Append(random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" });
                break;
        }
    }

    private static string Space(Random random, int depth, bool indented) => random.Next(8) switch
    {
        0 => "",
        1 => " \t\r\n ",
        // Indentation past two of the tokenizer's 16-byte blocks, and a line break ending the input's last block.
        2 => "\n" + new string(' ', random.Next(30, 70)),
        _ => indented ? "\n" + new string(' ', 2 * depth) : "",
    };

    private static string Text(Random random)
    {
        string[] parts = ["id", "name", "spotify:track:", "Beyonc\u00e9", "\u6f22", "\ud83c\udfa7", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t",
            "\\u00e9", "\\u006D", "\\ud83c\\udfa7", "\\ud83c", "\\udfa7x", "2026-12-06T10:00:00Z"];
        var text = new StringBuilder("\"");
        for (var i = random.Next(4); i > 0; i--)
        {
            text.Append(parts[random.Next(parts.Length)]);
        }
        return text.Append('"').ToString();
    }

    private static string Number(Random random) => random.Next(8) switch
    {
        0 => "0",
        1 => "-0",
        2 => random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        3 => "-" + random.NextInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
        4 => "204053.0",
        5 => "1.5e3",
        6 => "2E-2",
        _ => "1e400",
    };
}
