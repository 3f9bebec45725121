using System.Globalization;
using System.Net;
using System.Text;

namespace SpotifyEtl.Cli.Report;

/// <summary>Small helpers the charts share: escaping, number parsing and formatting, nice axis ticks.</summary>
internal static class Svg
{
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static double Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;

    public static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>
    /// A tick's label, with as many decimals as the ticks' step needs and no trailing zeros: a step of 0.005 gives 0.005, 0.01,
    /// 0.015, where two decimals would give 0.01 twice.
    /// </summary>
    public static string TickLabel(double tick, IReadOnlyList<double> ticks)
    {
        var step = ticks.Count > 1 ? ticks[1] - ticks[0] : 1;
        var decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(step) - 1e-9), 2, 12);
        return tick.ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);
    }

    private static readonly int[] Steps = [1, 2, 5, 10];

    /// <summary>
    /// Round tick values from zero to at least <paramref name="max"/>: steps of 1, 2 or 5 times a power of ten, and at
    /// least 1 for a count (<paramref name="whole"/>), which has no half.
    /// </summary>
    public static List<double> Ticks(double max, int count = 4, bool whole = false)
    {
        if (max <= 0)
        {
            return [0, 1];
        }
        var rough = max / count;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = Steps.Select(m => m * power).First(s => s >= rough);
        step = whole ? Math.Max(step, 1) : step;
        var ticks = new List<double>();
        for (var t = 0.0; t < max + step / 2; t += step)
        {
            ticks.Add(t);
        }
        if (ticks[^1] < max)
        {
            ticks.Add(ticks[^1] + step);
        }
        return ticks;
    }

    /// <summary>
    /// The width <paramref name="text"/> takes at <paramref name="fontSize"/>, estimated on the generous side per character
    /// as a reader sees it: an emoji more than an em; an ideograph, a kana, a Hangul syllable or a fullwidth form a whole em; wide letters
    /// (W, M, m, Ж, Ш) an em too, other capitals more than lower case, narrow letters (i, l, t) and punctuation less; an
    /// accent or an invisible format character nothing. Labels cut to this estimate fit whatever font draws them.
    /// </summary>
    public static double TextWidth(string text, double fontSize)
    {
        var ems = 0.0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            ems += Ems(elements.GetTextElement());
        }
        return ems * fontSize;
    }

    private static double Ems(string element)
    {
        var rune = Rune.GetRuneAt(element, 0);
        // A letter with accents is as wide as its base letter.
        var decomposed = element.Normalize(NormalizationForm.FormD);
        var c = decomposed.Length > 0 && !char.IsSurrogate(decomposed[0]) ? decomposed[0] : '\0';
        var value = rune.Value;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format or UnicodeCategory.Control => 0,
            // An emoji (a pictograph, a flag, a symbol drawn in colour): wider than an em in the colour fonts that draw them
            // (Noto Color Emoji's advance is about 1.25 em).
            _ when value is (>= 0x1F000 and <= 0x1FAFF) or (>= 0x2600 and <= 0x27BF) or (>= 0x2B00 and <= 0x2BFF) => 1.3,
            _ when value >= 0x1100 && !(value >= 0x2000 && value < 0x2E80) => 1.0, // Hangul, CJK, kana, fullwidth forms, emoji, and every script after them
            _ when value is >= 0x0590 and < 0x0800 => 0.75, // Hebrew, Arabic, Syriac, Thaana
            _ when value >= 0x0800 => 1.0, // Indic and other scripts: as wide as an ideograph, to be safe
            _ when "WMmwЖШЩЮЫФжшщюыфÆŒæœ@%…—".Contains(c) => 1.0,
            _ when "iljI|!.,:;'·ı".Contains(c) => 0.35,
            _ when "ftr ()[]-\"/".Contains(c) => 0.5,
            _ when char.IsUpper(c) => 0.8,
            _ when char.IsDigit(c) => 0.66,
            _ when char.IsLower(c) => 0.66,
            _ => 0.8,
        };
    }

    /// <summary>
    /// <paramref name="text"/> whole if its estimated width (<see cref="TextWidth"/>) fits in <paramref name="width"/>, else cut
    /// between whole characters with "…" so that both fit.
    /// </summary>
    public static string Fit(string text, double width, double fontSize)
    {
        if (TextWidth(text, fontSize) <= width)
        {
            return text;
        }
        // Each longer cut measured whole, as the label will be: a sum kept along the way may differ from it in the last bit.
        var end = 0;
        while (end < text.Length)
        {
            var next = end + StringInfo.GetNextTextElementLength(text, end);
            if (TextWidth(text[..next] + "…", fontSize) > width)
            {
                break;
            }
            end = next;
        }
        return text[..end].TrimEnd() + "…";
    }

    /// <summary>
    /// A label of names joined with <see cref="Joiner"/> (a song, its artists, its playlist) fitted into <paramref name="width"/>
    /// name by name: every name wider than a level is cut (<see cref="Fit"/>) to it, the level the widest at which the label
    /// fits and no lower than about four characters, so that every name keeps its start and the longest give up the most. A
    /// label of one name, or one too wide even with every name at its least, is cut at its end.
    /// </summary>
    public static string FitJoined(string label, double width, double fontSize)
    {
        var names = label.Split(Joiner);
        if (names.Length < 2 || TextWidth(label, fontSize) <= width)
        {
            return Fit(label, width, fontSize);
        }
        var widths = names.Select(name => TextWidth(name, fontSize)).ToArray();
        var joiners = (names.Length - 1) * TextWidth(Joiner, fontSize);
        bool Fits(double level) => joiners + widths.Sum(w => Math.Min(w, level)) <= width;
        var (low, high) = (TextWidth("Abcd…", fontSize), widths.Max());
        if (!Fits(low))
        {
            return Fit(label, width, fontSize);
        }
        for (var step = 0; step < 24; step++)
        {
            var middle = (low + high) / 2;
            (low, high) = Fits(middle) ? (middle, high) : (low, middle);
        }
        var fitted = string.Join(Joiner, names.Select((name, i) => widths[i] > low ? Fit(name, low, fontSize) : name));
        return TextWidth(fitted, fontSize) <= width ? fitted : Fit(label, width, fontSize);
    }

    /// <summary>
    /// A name set apart from the text around it (first-strong isolate ... pop directional isolate): a right-to-left name,
    /// or one holding a direction override, does not turn the count or unit after it. Names a chart joins with " · " (a
    /// song and its artists, a song and its playlist) are set apart each where one holds a direction control: an override
    /// left open in one name would otherwise turn the next one too.
    /// </summary>
    public static string Isolated(string? name) => $"\u2068{EachIsolated(name)}\u2069";

    /// <summary>
    /// The names of a label each set apart, where one holds a direction control (an embedding, override or isolate left
    /// open) or right-to-left text: a Hebrew or Arabic name keeps its own order and its punctuation and "…" at its own end,
    /// and does not reorder the names joined to it (a song drawn after its artist). The text as it is otherwise, so that a
    /// label with neither is drawn exactly as the table holds it.
    /// </summary>
    public static string EachIsolated(string? label)
    {
        label ??= "";
        var span = label.AsSpan();
        var directional = span.IndexOfAnyInRange('\u202A', '\u202E') >= 0 || span.IndexOfAnyInRange('\u2066', '\u2069') >= 0;
        var rightToLeft = span.IndexOfAnyInRange('\u0590', '\u08FF') >= 0 || span.IndexOfAnyInRange('\uFB1D', '\uFDFF') >= 0 || span.IndexOfAnyInRange('\uFE70', '\uFEFF') >= 0;
        return rightToLeft || (directional && label.Contains(Joiner, StringComparison.Ordinal))
            ? $"\u2068{label.Replace(Joiner, "\u2069" + Joiner + "\u2068", StringComparison.Ordinal)}\u2069"
            : label;
    }

    /// <summary>What a chart puts between two names it joins into one label.</summary>
    public const string Joiner = " · ";

    /// <summary>The opening tag of a chart: scales with its container, described for screen readers.</summary>
    public static StringBuilder Open(int width, double height, string label) =>
        new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {width} {F(height)}\" role=\"img\" aria-label=\"{Escape(label)}\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append(CultureInfo.InvariantCulture, $"<title>{Escape(label)}</title>");

    public static void Text(StringBuilder svg, double x, double y, string text, string anchor = "middle", string css = "tick", double rotate = 0)
    {
        var transform = rotate == 0 ? "" : $" transform=\"rotate({F(rotate)} {F(x)} {F(y)})\"";
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"{css}\" x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\"{transform}>{Escape(text)}</text>");
    }
}
