package io.fileconv.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the latency distributions of one results folder as percentile curves (x: percentile, y: latency on a log
 * scale), one panel per benchmark, into a PNG. Input: samples.tsv (raw samples: chart, series, ms) and
 * quantiles.tsv (wrk's percentiles: chart, series, percentile, ms).
 *
 * <p>Arguments: resultsDir output.png
 */
public final class Chart {
    private static final String[][] PANELS = {
            {"conversion", "1. Conversion: per-document time"},
            {"pipeline", "2. Pipeline: per-file cost (conversion subtracted)"},
            {"api", "3. API: request latency (wrk)"},
            {"operator", "4. Operator: FileConversion → Job"}};

    private static final Color[] PALETTE = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C),
            new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B)};

    private Chart() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path png = Path.of(args[1]);
        Map<String, Map<String, XYSeries>> charts = new LinkedHashMap<>();
        Path samples = dir.resolve("samples.tsv");
        if (Files.exists(samples)) {
            Map<String, Map<String, List<Double>>> raw = new LinkedHashMap<>();
            for (String line : Files.readAllLines(samples)) {
                String[] f = line.split("\t");
                if (f.length == 3) {
                    raw.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).computeIfAbsent(f[1], k -> new ArrayList<>())
                            .add(Double.parseDouble(f[2]));
                }
            }
            raw.forEach((chart, series) -> series.forEach((name, values) -> {
                if (values.isEmpty()) {
                    return;
                }
                XYSeries s = new XYSeries(name + " (n=" + values.size() + ")", false);
                for (double p = 0.5; p <= 100.0001; p += 0.5) {
                    s.add(p, Math.max(0.01, Bench.pct(values, p)));
                }
                charts.computeIfAbsent(chart, k -> new LinkedHashMap<>()).put(name, s);
            }));
        }
        Path quantiles = dir.resolve("quantiles.tsv");
        if (Files.exists(quantiles)) {
            for (String line : Files.readAllLines(quantiles)) {
                String[] f = line.split("\t");
                if (f.length == 4) {
                    charts.computeIfAbsent(f[0], k -> new LinkedHashMap<>())
                            .computeIfAbsent(f[1], k -> new XYSeries(f[1], false))
                            .add(Double.parseDouble(f[2]), Math.max(0.01, Double.parseDouble(f[3])));
                }
            }
        }
        int w = 900;
        int h = 560;
        BufferedImage img = new BufferedImage(2 * w, 2 * h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int i = 0; i < PANELS.length; i++) {
            XYSeriesCollection data = new XYSeriesCollection();
            Map<String, XYSeries> series = charts.getOrDefault(PANELS[i][0], Map.of());
            series.values().forEach(data::addSeries);
            JFreeChart chart = ChartFactory.createXYLineChart(PANELS[i][1] + (series.isEmpty() ? " — no data" : ""),
                    "percentile", "ms (log scale)", data, PlotOrientation.VERTICAL, true, false, false);
            XYPlot plot = chart.getXYPlot();
            NumberAxis x = (NumberAxis) plot.getDomainAxis();
            x.setRange(0, 100);
            if (!series.isEmpty()) {
                LogarithmicAxis y = new LogarithmicAxis("ms (log scale)");
                y.setStrictValuesFlag(false);
                y.setAutoRangeNextLogFlag(true);
                plot.setRangeAxis(y);
                for (int k = 0; k < series.size(); k++) {
                    plot.getRenderer().setSeriesStroke(k, new BasicStroke(2f));
                    plot.getRenderer().setSeriesPaint(k, PALETTE[k % PALETTE.length]);
                }
            }
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            chart.draw(g, new Rectangle2D.Double((i % 2) * w, (i / 2) * h, w, h));
        }
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(img, "png", png.toFile());
        System.out.println("chart: " + png);
    }
}
