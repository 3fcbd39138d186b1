package com.wallet.api.bench;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The benchmark's figures at a glance: one PNG with two panels over the same phases, calls per second (the pgbench
 * references of the same run included) above, p99 latency below. Drawn with JFreeChart, headless.
 */
final class BenchPlot {

    /** One phase: its name, calls (or transactions) per second, p99 in ms (NaN when the phase has none). */
    record Row(String name, double perSecond, double p99) {}

    private BenchPlot() {}

    static void write(Path png, String title, List<Row> rows) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset rate = new DefaultCategoryDataset();
        DefaultCategoryDataset p99 = new DefaultCategoryDataset();
        for (Row row : rows) {
            rate.addValue(row.perSecond(), "per second", row.name());
            p99.addValue(Double.isNaN(row.p99()) ? null : row.p99(), "p99 ms", row.name());
        }
        CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis());
        plot.add(panel(rate, "calls per second", new Color(0x2b6cb0)), 3);
        plot.add(panel(p99, "p99 latency, ms", new Color(0xc05621)), 2);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        plot.getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1100, 700);
    }

    private static CategoryPlot panel(DefaultCategoryDataset data, String axis, Color color) {
        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, color);
        bars.setDefaultItemLabelGenerator(
                new StandardCategoryItemLabelGenerator("{2}", new java.text.DecimalFormat("#,##0")));
        bars.setDefaultItemLabelsVisible(true);
        NumberAxis range = new NumberAxis(axis);
        range.setUpperMargin(0.12); // room for the value above the tallest bar
        CategoryPlot panel = new CategoryPlot(data, null, range, bars);
        panel.setBackgroundPaint(new Color(0xf7fafc));
        panel.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return panel;
    }
}
