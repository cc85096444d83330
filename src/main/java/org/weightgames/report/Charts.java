package org.weightgames.report;

import java.awt.Color;
import java.io.IOException;
import java.util.Base64;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts drawn with XChart and encoded as PNG data URIs, so report.html needs no network. */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b)};

    /** One line: its name, its y values and, optionally, an interval around each. */
    public record Line(String name, double[] y, double[] low, double[] high) {
    }

    private Charts() {
    }

    public static String png(String title, String xTitle, String yTitle, double[] x, List<Line> lines, boolean logX) {
        XYChart chart = new XYChartBuilder().width(760).height(420).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setMarkerSize(7);
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
        try {
            byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot draw chart " + title, e);
        }
    }
}
