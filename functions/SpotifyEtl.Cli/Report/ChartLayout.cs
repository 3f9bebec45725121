namespace SpotifyEtl.Cli.Report;

/// <summary>
/// The width a chart is drawn for. Every chart is written twice: <see cref="Wide"/> for a screen the page's column is
/// at least 640 pixels wide on, and <see cref="Narrow"/>, re-flowed (labels above their bars, fewer ticks), for a
/// phone, so that the charts' text stays at about its size in the page's stylesheet (11 to 12 pixels) on either.
/// The page's stylesheet shows one of the two.
/// </summary>
internal readonly record struct ChartLayout(int Width, bool IsNarrow)
{
    public static ChartLayout Wide { get; } = new(640, false);

    public static ChartLayout Narrow { get; } = new(340, true);

    /// <summary>The font sizes of the stylesheet's chart text, in the chart's units: tick and value text, labels and axis titles.</summary>
    public const double TickFont = 11, LabelFont = 12;

    /// <summary>At most this many labels along a category axis.</summary>
    public int AxisLabels => IsNarrow ? 6 : 12;
}
