using System.Globalization;
using System.Net;
using System.Text;

namespace PartnerDesk.Features.Reports;

public enum ChartMark
{
    Bar,
    Line,
}

/// <summary>One series of a chart: a value per category (null: nothing to draw there).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Values, ChartMark Mark = ChartMark.Bar);

/// <summary>What a chart shows: categories along the bottom, series as bars (grouped or stacked) or lines.</summary>
public sealed record ChartSpec(
    string Title,
    string Description,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ChartSeries> Series,
    bool Stacked = false,
    string? Unit = null);

/// <summary>
/// Draws a chart as SVG on the server: axes, gridlines, bars and lines, a legend, and an accessible
/// <c>&lt;title&gt;</c> and <c>&lt;desc&gt;</c>. No script runs in the browser, and the page prints as it shows.
/// The table beside each chart holds the same figures for screen readers and for reading exact values.
/// </summary>
public static class SvgChart
{
    public const int Width = 760;
    public const int Height = 300;
    private const int Left = 56, Right = 16, Top = 16, Bottom = 64;

    /// <summary>Fluent's accessible palette: distinguishable in print and for the common colour blindnesses.</summary>
    private static readonly string[] Colours = ["#0f6cbd", "#e3008c", "#038387", "#ca5010", "#8764b8", "#498205", "#986f0b", "#4f6bed"];

    public static string Colour(int series) => Colours[series % Colours.Length];

    public static string Render(ChartSpec spec, string id)
    {
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var max = Math.Max(MaxValue(spec), 0);
        var (top, step) = NiceScale(max);
        var svg = new StringBuilder(4096);
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{Attr(id)}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{Attr(id)}-title {Attr(id)}-desc\" preserveAspectRatio=\"xMidYMid meet\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{Attr(id)}-title\">{Text(spec.Title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<desc id=\"{Attr(id)}-desc\">{Text(spec.Description)}</desc>");

        // Gridlines and the value axis.
        for (var v = 0.0; v <= top + (step / 2); v += step)
        {
            var y = Top + plotHeight - (v / top * plotHeight);
            svg.Append(CultureInfo.InvariantCulture,
                $"<line class=\"grid-line\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(y)}\" y2=\"{F(y)}\" stroke=\"#e0e0e0\" stroke-width=\"1\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"axis-label\" x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\" font-size=\"11\" fill=\"#616161\">{Text(Label(v))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture,
            $"<line class=\"axis\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Top + plotHeight}\" y2=\"{Top + plotHeight}\" stroke=\"#616161\" stroke-width=\"1\"/>");
        if (spec.Unit is { } unit)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-unit\" x=\"4\" y=\"{Top - 4}\" font-size=\"11\" fill=\"#616161\">{Text(unit)}</text>");
        }

        var count = Math.Max(spec.Categories.Count, 1);
        var band = plotWidth / (double)count;
        var bars = spec.Series.Select((s, i) => (s, i)).Where(x => x.s.Mark == ChartMark.Bar).ToList();
        var groups = spec.Stacked ? 1 : Math.Max(bars.Count, 1);
        var barWidth = Math.Max(1, (band * 0.8) / groups);

        // Category labels: as many as fit, evenly spread (a year of days shows one label a month or so).
        var every = Math.Max(1, (int)Math.Ceiling(count / (plotWidth / 56.0)));
        for (var c = 0; c < spec.Categories.Count; c++)
        {
            if (c % every != 0)
            {
                continue;
            }

            var x = Left + (band * (c + 0.5));
            var rotate = every == 1 && spec.Categories.Max(l => l.Length) > 10;
            svg.Append(rotate
                ? string.Create(CultureInfo.InvariantCulture, $"<text class=\"axis-label\" x=\"{F(x)}\" y=\"{Top + plotHeight + 14}\" text-anchor=\"end\" font-size=\"11\" fill=\"#616161\" transform=\"rotate(-30 {F(x)} {Top + plotHeight + 14})\">{Text(Shorten(spec.Categories[c]))}</text>")
                : string.Create(CultureInfo.InvariantCulture, $"<text class=\"axis-label\" x=\"{F(x)}\" y=\"{Top + plotHeight + 16}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#616161\">{Text(spec.Categories[c])}</text>"));
        }

        // Bars, one rect per value, each with its own title so that hovering names it.
        var stackBase = new double[spec.Categories.Count];
        for (var b = 0; b < bars.Count; b++)
        {
            var (series, index) = bars[b];
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"series bar-series\" data-series=\"{Attr(series.Name)}\" fill=\"{Colour(index)}\">");
            for (var c = 0; c < spec.Categories.Count && c < series.Values.Count; c++)
            {
                if (series.Values[c] is not { } value || value <= 0)
                {
                    continue;
                }

                var h = value / top * plotHeight;
                var x = Left + (band * c) + (band * 0.1) + (spec.Stacked ? 0 : barWidth * b);
                var y = Top + plotHeight - h - (spec.Stacked ? stackBase[c] : 0);
                if (spec.Stacked)
                {
                    stackBase[c] += h;
                }

                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"bar\" x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(barWidth)}\" height=\"{F(h)}\"><title>{Text($"{spec.Categories[c]} · {series.Name}: {Label(value)}")}</title></rect>");
            }

            svg.Append("</g>");
        }

        // Lines above the bars.
        foreach (var (series, index) in spec.Series.Select((s, i) => (s, i)).Where(x => x.s.Mark == ChartMark.Line))
        {
            var points = new List<string>();
            for (var c = 0; c < spec.Categories.Count && c < series.Values.Count; c++)
            {
                if (series.Values[c] is { } value)
                {
                    points.Add($"{F(Left + (band * (c + 0.5)))},{F(Top + plotHeight - (value / top * plotHeight))}");
                }
            }

            svg.Append(CultureInfo.InvariantCulture,
                $"<polyline class=\"series line-series\" data-series=\"{Attr(series.Name)}\" fill=\"none\" stroke=\"{Colour(index)}\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"{string.Join(' ', points)}\"/>");
        }

        // The legend along the bottom.
        var legendX = (double)Left;
        for (var s = 0; s < spec.Series.Count; s++)
        {
            var series = spec.Series[s];
            var y = Height - 14;
            svg.Append(series.Mark == ChartMark.Line
                ? string.Create(CultureInfo.InvariantCulture, $"<line x1=\"{F(legendX)}\" x2=\"{F(legendX + 14)}\" y1=\"{y - 4}\" y2=\"{y - 4}\" stroke=\"{Colour(s)}\" stroke-width=\"3\"/>")
                : string.Create(CultureInfo.InvariantCulture, $"<rect x=\"{F(legendX)}\" y=\"{y - 10}\" width=\"12\" height=\"12\" fill=\"{Colour(s)}\"/>"));
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"legend\" x=\"{F(legendX + 18)}\" y=\"{y}\" font-size=\"12\" fill=\"#242424\">{Text(series.Name)}</text>");
            legendX += 30 + (series.Name.Length * 6.5);
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>A round top for the value axis and the step between its gridlines (1, 2 or 5 times a power of ten).</summary>
    public static (double Top, double Step) NiceScale(double max)
    {
        if (max <= 0)
        {
            return (1, 1);
        }

        var rough = max / 5; // about five gridlines
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(s => s >= rough);
        if (step < 1 && max >= 1)
        {
            step = 1;
        }

        return (Math.Ceiling(max / step) * step, step);
    }

    private static double MaxValue(ChartSpec spec)
    {
        var max = spec.Series.Where(s => s.Mark == ChartMark.Line).SelectMany(s => s.Values).Select(v => v ?? 0).DefaultIfEmpty(0).Max();
        var bars = spec.Series.Where(s => s.Mark == ChartMark.Bar).ToList();
        for (var c = 0; c < spec.Categories.Count; c++)
        {
            var values = bars.Select(s => c < s.Values.Count ? s.Values[c] ?? 0 : 0);
            max = Math.Max(max, spec.Stacked ? values.Sum() : values.DefaultIfEmpty(0).Max());
        }

        return max;
    }

    private static string Label(double v) => v.ToString(v == Math.Floor(v) ? "#,0" : "#,0.#", CultureInfo.InvariantCulture);

    private static string Shorten(string label) => label.Length > 22 ? label[..21] + "…" : label;

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Text(string text) => WebUtility.HtmlEncode(text);

    private static string Attr(string text) => WebUtility.HtmlEncode(text);
}
