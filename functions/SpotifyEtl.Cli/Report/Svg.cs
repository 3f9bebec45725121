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

    private static readonly int[] Steps = [1, 2, 5, 10];

    /// <summary>Round tick values from zero to at least <paramref name="max"/>: steps of 1, 2 or 5 times a power of ten.</summary>
    public static List<double> Ticks(double max, int count = 4)
    {
        if (max <= 0)
        {
            return [0, 1];
        }
        var rough = max / count;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = Steps.Select(m => m * power).First(s => s >= rough);
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

    public static string Shorten(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }
        // Whole characters as a reader sees them: an emoji's two halves, a letter and its accents, stay together.
        var end = 0;
        while (end < text.Length)
        {
            var next = end + StringInfo.GetNextTextElementLength(text, end);
            if (next > length - 1)
            {
                break;
            }
            end = next;
        }
        return text[..end] + "…";
    }

    /// <summary>
    /// A name set apart from the text around it (first-strong isolate ... pop directional isolate): a right-to-left name,
    /// or one holding a direction override, does not turn the count or unit after it.
    /// </summary>
    public static string Isolated(string? name) => $"\u2068{name}\u2069";

    /// <summary>The opening tag of a chart: scales with its container, described for screen readers.</summary>
    public static StringBuilder Open(int width, int height, string label) =>
        new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{Escape(label)}\" xmlns=\"http://www.w3.org/2000/svg\">")
            .Append(CultureInfo.InvariantCulture, $"<title>{Escape(label)}</title>");

    public static void Text(StringBuilder svg, double x, double y, string text, string anchor = "middle", string css = "tick", double rotate = 0)
    {
        var transform = rotate == 0 ? "" : $" transform=\"rotate({F(rotate)} {F(x)} {F(y)})\"";
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"{css}\" x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\"{transform}>{Escape(text)}</text>");
    }
}
