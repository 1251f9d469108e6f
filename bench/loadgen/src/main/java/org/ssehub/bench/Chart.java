package org.ssehub.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Two panels: p99 latency and server µs per delivered event, each against subscriber count. Colour
 * tells the label, marker shape the runtime; the line joins the mean of each subscriber count. A run that delivered
 * under {@link #MIN_DELIVERED} percent is left out: its latency and cost per event describe the few events that got
 * through (a baseline held up by stalled readers), and RESULTS.md's tables show it.
 */
final class Chart {
    static final double MIN_DELIVERED = 99;
    static final Set<String> BROADCAST = Set.of("headline", "large", "churn", "steady", "stalled1", "stalled10", "capacity");
    private static final int W = 1400, H = 600;
    private static final double MIN_MS = 0.01;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0xd62728),
        new Color(0x2ca02c), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};
    private static final Shape[] SHAPES = {new Ellipse2D.Double(-4.5, -4.5, 9, 9), new Rectangle2D.Double(-4, -4, 8, 8),
        ShapeUtils.createUpTriangle(5), ShapeUtils.createDiamond(5.5f)};
    private static final Stroke STROKE = new BasicStroke(1.8f);
    private static final Color GRID = new Color(0xcccccc);

    private Chart() {
    }

    /** A point: subscribers, p99 ms, µs per event (either may be null). */
    record Point(double subscribers, Double p99, Double micros) {
    }

    static Map<String, List<Point>> series(List<Map<String, Object>> runs) {
        Map<String, List<Point>> series = new LinkedHashMap<>();
        for (Map<String, Object> r : runs) {
            String name = r.get("runtime") + "/" + r.get("label");
            String workload = Report.str(r.get("workload"));
            List<Map<?, ?>> steps = new ArrayList<>();
            if (BROADCAST.contains(workload)) {
                steps.add(r);
            } else if (workload.equals("ramp") && r.get("steps") instanceof List<?> list) {
                for (Object s : list) {
                    if (Double.valueOf(10).equals(Report.num(Report.map(s).get("rate")))) {
                        steps.add(Report.map(s));
                    }
                }
            }
            for (Map<?, ?> s : steps) {
                Double n = Report.num(s.get("healthySubscribers"));
                Double delivered = Report.num(s.get("deliveredPercent"));
                if (n != null && n > 0 && delivered != null && delivered >= MIN_DELIVERED) {
                    series.computeIfAbsent(name, k -> new ArrayList<>()).add(new Point(n,
                            Report.num(Report.map(s.get("latencyMs")).get("p99")), Report.num(s.get("cpuMicrosPerEvent"))));
                }
            }
        }
        series.values().forEach(l -> l.sort(Comparator.comparingDouble(Point::subscribers)));
        return series;
    }

    static void draw(List<Map<String, Object>> runs, Path png) throws IOException {
        Map<String, List<Point>> series = series(runs);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        panel(series, true).draw(g, new Rectangle(0, 0, W / 2, H));
        panel(series, false).draw(g, new Rectangle(W / 2, 0, W / 2, H));
        g.dispose();
        if (png.toAbsolutePath().getParent() != null) {
            Files.createDirectories(png.toAbsolutePath().getParent());
        }
        try (OutputStream out = Files.newOutputStream(png)) {
            ChartUtils.writeBufferedImageAsPNG(out, img);
        }
    }

    private static JFreeChart panel(Map<String, List<Point>> series, boolean latency) {
        XYSeriesCollection points = new XYSeriesCollection(), means = new XYSeriesCollection();
        XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true), lines = new XYLineAndShapeRenderer(true, false);
        LegendItemCollection legend = new LegendItemCollection();
        List<String> labels = new ArrayList<>(Report.LABELS), runtimes = new ArrayList<>();
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (Map.Entry<String, List<Point>> e : series.entrySet()) {
            String runtime = e.getKey().substring(0, e.getKey().indexOf('/'));
            String label = e.getKey().substring(runtime.length() + 1);
            if (!labels.contains(label)) {
                labels.add(label);
            }
            if (!runtimes.contains(runtime)) {
                runtimes.add(runtime);
            }
            XYSeries each = new XYSeries(e.getKey(), false, true), mean = new XYSeries(e.getKey());
            Map<Double, List<Double>> byX = new TreeMap<>();
            for (Point p : e.getValue()) {
                Double v = latency ? p.p99() : p.micros();
                if (v != null) {
                    double y = latency ? Math.max(v, MIN_MS) : v;
                    each.add(p.subscribers(), y);
                    byX.computeIfAbsent(p.subscribers(), k -> new ArrayList<>()).add(y);
                    xs.add(p.subscribers());
                    ys.add(y);
                }
            }
            byX.forEach((x, vs) -> mean.add(x.doubleValue(), latency
                    ? Math.exp(vs.stream().mapToDouble(Math::log).average().orElse(0))
                    : vs.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
            int i = points.getSeriesCount();
            points.addSeries(each);
            means.addSeries(mean);
            Color c = COLORS[labels.indexOf(label) % COLORS.length];
            Shape shape = SHAPES[runtimes.indexOf(runtime) % SHAPES.length];
            dots.setSeriesPaint(i, c);
            dots.setSeriesShape(i, shape);
            lines.setSeriesPaint(i, c);
            lines.setSeriesStroke(i, STROKE);
            legend.add(new LegendItem(e.getKey(), null, null, null, true, shape, true, c, false, c, STROKE,
                    true, new Line2D.Double(-9, 0, 9, 0), STROKE, c));
        }

        ValueAxis x = logAxis("subscribers (log scale)"), y;
        if (latency) {
            y = logAxis("p99 latency, ms (log scale)");
        } else {
            y = new NumberAxis("server CPU µs per delivered event");
        }
        if (!xs.isEmpty()) {
            x.setRange(Collections.min(xs) / 1.4, Collections.max(xs) * 1.4);
            if (latency) {
                y.setRange(Collections.min(ys) / 2, Collections.max(ys) * 2);
            }
        }
        XYPlot plot = new XYPlot(points, x, y, dots);
        plot.setDataset(1, means);
        plot.setRenderer(1, lines);
        plot.setFixedLegendItems(legend);
        plot.setNoDataMessage("no data");
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainMinorGridlinesVisible(true);
        plot.setDomainMinorGridlinePaint(GRID);
        plot.setRangeMinorGridlinesVisible(latency);
        plot.setRangeMinorGridlinePaint(GRID);
        JFreeChart chart = new JFreeChart(latency ? "p99 latency vs subscribers" : "server CPU per delivered event vs subscribers",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        DecimalFormat format = new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT));
        axis.setTickUnit(new NumberTickUnit(1, format, 9));
        axis.setNumberFormatOverride(format);
        axis.setMinorTickMarksVisible(true);
        return axis;
    }
}
