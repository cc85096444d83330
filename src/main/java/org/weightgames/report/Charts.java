package org.weightgames.report;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts drawn with XChart and exported as SVG through its vector-graphics companion
 * (VectorGraphics2D), inlined in report.html: sharp at any zoom, searchable, no network.
 */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b)};

    /** One line: its name, its y values and, optionally, an interval around each. */
    public record Line(String name, double[] y, double[] low, double[] high) {
    }

    private static final int WIDTH = 760;
    private static final int HEIGHT = 520;

    private Charts() {
    }

    /** The chart as an {@code <svg>} element (no XML prologue) that scales to its container's width; its title is the heading above it. */
    public static String svg(String title, String xTitle, String yTitle, double[] x, List<Line> lines, boolean logX) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        XYStyler st = chart.getStyler();
        st.setXAxisLogarithmic(logX);
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setMarkerSize(7);
        st.setChartTitleVisible(false);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderVisible(false);
        st.setLegendBorderColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(0xe4e4e4));
        st.setChartFontColor(new Color(0x222222));
        st.setAxisTickLabelsColor(new Color(0x222222));
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            Color colour = PALETTE[i % PALETTE.length];
            XYSeries main = chart.addSeries(l.name(), x, l.y());
            main.setLineColor(colour);
            main.setMarkerColor(colour);
            if (l.low() != null) {
                for (String side : new String[] {"low", "high"}) {
                    XYSeries band = chart.addSeries(l.name() + (side.equals("low") ? " (interval)" : " (interval, high)"), x,
                            side.equals("low") ? l.low() : l.high());
                    band.setMarker(SeriesMarkers.NONE);
                    band.setLineStyle(SeriesLines.DASH_DASH);
                    band.setLineColor(colour);
                    band.setShowInLegend(side.equals("low"));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new IllegalStateException("cannot draw chart " + title, e);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        int start = text.indexOf("<svg");
        if (start < 0) {
            throw new IllegalStateException("the SVG encoder gave no <svg> element for chart " + title);
        }
        return compact(text.substring(start).trim(), title);
    }

    private static final Pattern LONG_DECIMAL = Pattern.compile("(\\d+\\.\\d\\d)\\d+");
    private static final Pattern CLIP_ID = Pattern.compile("clip(\\d+)");

    /**
     * Coordinates to a hundredth of a pixel (the encoder writes up to nine decimals for glyph
     * outlines, which XChart draws as paths), and the clip paths' ids, which the encoder takes from
     * object hashes, renamed after the chart's title: several charts share one page, and the same
     * audit gives the same page.
     */
    static String compact(String svg, String title) {
        String prefix = "clip-" + Integer.toHexString(title.hashCode()) + "-";
        Map<String, String> ids = new LinkedHashMap<>();
        Matcher m = CLIP_ID.matcher(LONG_DECIMAL.matcher(svg).replaceAll("$1"));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String id = ids.computeIfAbsent(m.group(1), k -> prefix + ids.size());
            m.appendReplacement(out, Matcher.quoteReplacement(id));
        }
        m.appendTail(out);
        return out.toString();
    }
}
