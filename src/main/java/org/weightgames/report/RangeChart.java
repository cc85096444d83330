package org.weightgames.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;
import org.knowm.xchart.style.BoxStyler;

/**
 * Box plots of calibration ranges, one box per group (a real model's layers beside the synthetic
 * geometries the audit draws), as PNG bytes: how wide each neuron's calibrated pre-activation range
 * is, the quantity TaylorMLP's series must cover.
 */
public final class RangeChart {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private RangeChart() {
    }

    /** One box per entry of {@code groups} (name to the ranges of its neurons), in order. */
    public static byte[] png(String title, Map<String, double[]> groups) {
        BoxChart chart = new BoxChartBuilder().width(1100).height(520).title(title).xAxisTitle("block")
                .yAxisTitle("calibrated range max - min of (V x)_j").build();
        chart.getStyler().setBoxplotCalCulationMethod(BoxStyler.BoxplotCalCulationMethod.N_LESS_1_PLUS_1);
        chart.getStyler().setToolTipsEnabled(false);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(20);
        for (Map.Entry<String, double[]> e : groups.entrySet()) {
            List<Double> v = new ArrayList<>();
            for (double d : e.getValue()) {
                v.add(d);
            }
            chart.addSeries(e.getKey(), v);
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new IllegalStateException("cannot draw chart " + title, e);
        }
    }
}
