using System.Globalization;
using System.Text;
using SpotifyEtl.Cli.Report;
using Xunit;

namespace SpotifyEtl.Tests.Report;

/// <summary>Chart labels cut to fit: never half a character as a reader sees it, never wider than their room, whatever the name is made of.</summary>
public sealed class SvgTests
{
    private static readonly string[] Pieces =
        ["a", "i", "Z", "W", "m", "é", "e\u0301", "ß", "Ж", "ш", "🎵", "👩🏽‍🎤", "🇸🇪", "ש", "中", "夜", "ド", "방", " ", "·", "\u200b", "\u202e"];

    [Fact]
    public void Tick_labels_of_any_scale_are_distinct_and_read_as_their_values()
    {
        // Busiest weeks of 72 seconds (0.02 h) to millions of plays: a label per tick, none twice, each its tick's value.
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var max = Math.Pow(10, random.NextDouble() * 11 - 5);
            var ticks = Svg.Ticks(max);
            var labels = ticks.Select(t => Svg.TickLabel(t, ticks)).ToList();
            Assert.True(labels.Distinct().Count() == labels.Count, $"max {max}: {string.Join(", ", labels)}");
            var step = ticks[1] - ticks[0];
            Assert.All(ticks.Zip(labels), pair => Assert.True(
                Math.Abs(double.Parse(pair.Second, System.Globalization.CultureInfo.InvariantCulture) - pair.First) <= step * 1e-6, $"max {max}: {pair.First} labelled {pair.Second}"));
        }
    }

    /// <summary>
    /// A label joining names (a song, its artists, its playlist) too wide for its room is cut name by name: where the room
    /// holds a few characters of each, every name keeps its start, whole or cut with "…", in its place.
    /// </summary>
    [Fact]
    public void A_label_of_joined_names_is_cut_name_by_name_and_every_name_keeps_its_start()
    {
        var random = new Random(31);
        var least = Svg.TextWidth("Abcd…", 12);
        var checkedNames = 0;
        for (var i = 0; i < 3_000; i++)
        {
            var names = Enumerable.Range(0, random.Next(2, 4)).Select(_ =>
            {
                var name = new StringBuilder();
                for (var n = random.Next(1, random.Next(2) == 0 ? 12 : 50); n > 0; n--)
                {
                    name.Append(Pieces[random.Next(Pieces.Length)]);
                }
                // Without the joiner's dot, so that the names are read back from the label as they were joined.
                return name.ToString().Replace('·', '.');
            }).ToArray();
            var text = string.Join(Svg.Joiner, names);
            var room = random.Next(60, 420);

            var label = Svg.FitJoined(text, room, 12);

            if (Svg.TextWidth(text, 12) <= room)
            {
                Assert.Equal(text, label);
                continue;
            }
            Assert.True(Svg.TextWidth(label, 12) <= room, $"'{label}' is wider than {room}");
            if (names.Sum(n => Math.Min(Svg.TextWidth(n, 12), least)) + (names.Length - 1) * Svg.TextWidth(Svg.Joiner, 12) > room)
            {
                continue;
            }
            checkedNames++;
            var parts = label.Split(Svg.Joiner);
            Assert.True(parts.Length == names.Length, $"'{text}' in {room}: '{label}'");
            foreach (var (part, name) in parts.Zip(names))
            {
                Assert.True(part == name || (part.Length > 1 && part.EndsWith('…') && name.StartsWith(part[..^1], StringComparison.Ordinal)),
                    $"'{text}' in {room}: '{part}' of '{label}' is not '{name}' nor its start");
            }
        }
        Assert.True(checkedNames > 500, $"{checkedNames} labels cut name by name");
    }

    [Fact]
    public void A_label_is_cut_between_whole_characters_and_never_wider_than_its_room()
    {
        var random = new Random(30);
        for (var i = 0; i < 4_000; i++)
        {
            var name = new StringBuilder();
            for (var n = random.Next(1, 60); n > 0; n--)
            {
                name.Append(Pieces[random.Next(Pieces.Length)]);
            }
            var text = name.ToString();
            var room = random.Next(10, 300);

            var label = Svg.Fit(text, room, 12);

            if (Svg.TextWidth(text, 12) <= room)
            {
                Assert.Equal(text, label);
                continue;
            }
            Assert.True(Svg.TextWidth(label, 12) <= room || label == "…", $"'{label}' is wider than {room}");
            Assert.EndsWith("…", label, StringComparison.Ordinal);
            var kept = label[..^1];
            Assert.StartsWith(kept, text, StringComparison.Ordinal);
            // What is kept ends where a character ends: its text elements are the name's first ones, whole.
            var elements = StringInfo.GetTextElementEnumerator(kept);
            var source = StringInfo.GetTextElementEnumerator(text);
            while (elements.MoveNext())
            {
                Assert.True(source.MoveNext());
                Assert.Equal(source.GetTextElement(), elements.GetTextElement());
            }
            Assert.DoesNotContain(kept.Where((c, index) => char.IsHighSurrogate(c) && (index + 1 == kept.Length || !char.IsLowSurrogate(kept[index + 1]))), _ => true);
            // And it keeps all that fits: through the name's next character other than a space, the label would be too wide.
            var next = kept.Length;
            while (next < text.Length && char.IsWhiteSpace(text[next]))
            {
                next++;
            }
            if (next < text.Length)
            {
                var longer = text[..(next + StringInfo.GetNextTextElementLength(text, next))] + "…";
                Assert.True(Svg.TextWidth(longer, 12) > room, $"'{label}' keeps less than fits in {room}: '{longer}' fits too");
            }
        }
    }

    [Fact]
    public void Ideographs_wide_letters_and_accents_are_estimated_as_a_reader_sees_their_width_and_counts_tick_in_whole_numbers()
    {
        // An ideograph takes an em; a wide capital more than a narrow letter; an accent nothing.
        Assert.Equal(12 * 4, Svg.TextWidth("夜のドラ", 12));
        Assert.True(Svg.TextWidth("WWWW", 12) > Svg.TextWidth("Long", 12) && Svg.TextWidth("Long", 12) > Svg.TextWidth("illi", 12));
        Assert.Equal(Svg.TextWidth("e", 12), Svg.TextWidth("e\u0301", 12));
        Assert.Equal("0 1 2 3", string.Join(' ', Svg.Ticks(3, whole: true).Select(t => t.ToString(CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// Two names a chart joins (a song and its artists), one holding a direction control left open (an override, an
    /// embedding, an isolate) or right-to-left text: each is set apart, so the open control turns its own name alone, not
    /// the other after it, and a Hebrew or Arabic song is not drawn after its artist; names with neither are drawn as the
    /// table holds them.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Joined_names_are_isolated_each_where_one_holds_a_direction_control_or_right_to_left_text(int seed)
    {
        var random = new Random(seed);
        char[] controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
        for (var trial = 0; trial < 50; trial++)
        {
            string Name() => string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(4) switch
            {
                0 => "Song", 1 => "שיר", 2 => "أغنية", _ => $"{controls[random.Next(controls.Length)]}",
            }));
            var (first, second) = (Name(), Name());
            var joined = first + Svg.Joiner + second;
            // A direction control, or right-to-left text, which without its own isolate reorders the names around it.
            var control = joined.IndexOfAny(controls) >= 0 || joined.Contains("שיר", StringComparison.Ordinal) || joined.Contains("أغنية", StringComparison.Ordinal);

            Assert.Equal(control ? $"\u2068\u2068{first}\u2069 · \u2068{second}\u2069\u2069" : $"\u2068{joined}\u2069", Svg.Isolated(joined));
            Assert.Equal(control ? $"\u2068{first}\u2069 · \u2068{second}\u2069" : joined, Svg.EachIsolated(joined));
        }
    }

    [Fact]
    public void A_name_in_a_sentence_is_isolated_from_the_text_direction_around_it()
    {
        Assert.Equal("\u2068\u202eevil\u2069", Svg.Isolated("\u202eevil"));
        Assert.Equal("\u2068\u2069", Svg.Isolated(null));
    }
}
