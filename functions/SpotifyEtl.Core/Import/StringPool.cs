using System.Text.Json;

namespace SpotifyEtl.Import;

/// <summary>
/// One string object per distinct text: a history repeats the same artists, albums, platforms and reasons
/// a million times, and holding each once keeps a ten-year import's rows small. Not thread-safe: one per reader.
/// </summary>
public sealed class StringPool
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly Utf8Table<string> _utf8 = new();

    internal string Get(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan.Length <= 512)
        {
            // The usual value, plain text in the file's bytes: found by those bytes, made into a string once.
            var bytes = reader.ValueSpan;
            if (_utf8.TryGetValue(bytes, out var known))
            {
                return known;
            }
            var made = Intern(System.Text.Encoding.UTF8.GetString(bytes));
            _utf8.Add(bytes, made);
            return made;
        }
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (length > 512)
        {
            return reader.GetString()!;
        }
        Span<char> buffer = stackalloc char[length];
        var written = reader.CopyString(buffer);
        var text = buffer[..written];
        if (_lookup.TryGetValue(text, out var pooled))
        {
            return pooled;
        }
        var created = new string(text);
        _strings[created] = created;
        return created;
    }

    public string Intern(string text)
    {
        if (_strings.TryGetValue(text, out var pooled))
        {
            return pooled;
        }
        _strings[text] = text;
        return text;
    }
}
