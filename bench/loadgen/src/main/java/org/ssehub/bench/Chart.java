package org.ssehub.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Two panels: p99 latency and server µs per delivered event, each against subscriber count. Colour
 * tells the label, marker shape the runtime; the line joins the mean of each subscriber count. A run that delivered
 * under {@link #MIN_DELIVERED} percent is left out: its latency and cost per event describe the few events that got
 * through (a baseline held up by stalled readers), and RESULTS.md's tables show it.
 */
final class Chart {
    static final double MIN_DELIVERED = 99;
    static final Set<String> BROADCAST = Set.of("headline", "large", "churn", "steady", "stalled1", "stalled10", "capacity");
    private static final int W = 1400, H = 600, LEFT = 80, RIGHT = 30, TOP = 50, BOTTOM = 60;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0xd62728),
        new Color(0x2ca02c), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

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
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        panel(g, 0, series, true);
        panel(g, W / 2, series, false);
        g.dispose();
        if (png.toAbsolutePath().getParent() != null) {
            Files.createDirectories(png.toAbsolutePath().getParent());
        }
        ImageIO.write(img, "png", png.toFile());
    }

    private static void panel(Graphics2D g, int x0, Map<String, List<Point>> series, boolean latency) {
        int px = x0 + LEFT, py = TOP, pw = W / 2 - LEFT - RIGHT, ph = H - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(latency ? "p99 latency vs subscribers" : "server CPU per delivered event vs subscribers", px, 30);

        List<double[]> all = new ArrayList<>();
        series.values().forEach(l -> l.forEach(p -> {
            Double y = latency ? p.p99() : p.micros();
            if (y != null) {
                all.add(new double[] {p.subscribers(), y});
            }
        }));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        g.drawRect(px, py, pw, ph);
        if (all.isEmpty()) {
            g.drawString("no data", px + pw / 2 - 20, py + ph / 2);
            return;
        }
        double xMin = all.stream().mapToDouble(p -> p[0]).min().orElse(1) / 1.4;
        double xMax = all.stream().mapToDouble(p -> p[0]).max().orElse(1) * 1.4;
        double yMin, yMax;
        if (latency) {
            yMin = Math.max(0.01, all.stream().mapToDouble(p -> p[1]).filter(v -> v > 0).min().orElse(0.1) / 2);
            yMax = Math.max(yMin * 10, all.stream().mapToDouble(p -> p[1]).max().orElse(1) * 2);
        } else {
            yMin = 0;
            yMax = niceCeil(all.stream().mapToDouble(p -> p[1]).max().orElse(1) * 1.1);
        }
        Axis x = new Axis(xMin, xMax, true, px, px + pw);
        Axis y = new Axis(yMin, yMax, latency, py + ph, py);

        for (double t : x.ticks()) {
            int sx = x.at(t);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(sx, py, sx, py + ph);
            g.setColor(Color.DARK_GRAY);
            String s = String.format(Locale.ROOT, "%,.0f", t);
            g.drawString(s, sx - g.getFontMetrics().stringWidth(s) / 2, py + ph + 16);
        }
        for (double t : y.ticks()) {
            int sy = y.at(t);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(px, sy, px + pw, sy);
            g.setColor(Color.DARK_GRAY);
            String s = label(t);
            g.drawString(s, px - 6 - g.getFontMetrics().stringWidth(s), sy + 4);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(px, py, pw, ph);
        g.drawString("subscribers (log scale)", px + pw / 2 - 60, py + ph + 40);
        Graphics2D gy = (Graphics2D) g.create();
        gy.rotate(-Math.PI / 2);
        gy.drawString(latency ? "p99 latency, ms (log scale)" : "server CPU µs per delivered event", -(py + ph / 2 + 80), x0 + 20);
        gy.dispose();

        List<String> labels = new ArrayList<>(Report.LABELS), runtimes = new ArrayList<>();
        int legendY = py + 18;
        for (Map.Entry<String, List<Point>> e : series.entrySet()) {
            String runtime = e.getKey().substring(0, e.getKey().indexOf('/'));
            String label = e.getKey().substring(runtime.length() + 1);
            if (!labels.contains(label)) {
                labels.add(label);
            }
            if (!runtimes.contains(runtime)) {
                runtimes.add(runtime);
            }
            Color c = COLORS[labels.indexOf(label) % COLORS.length];
            int shape = runtimes.indexOf(runtime);
            g.setColor(c);
            g.setStroke(new BasicStroke(1.8f));
            Map<Double, List<Double>> byX = new TreeMap<>();
            for (Point p : e.getValue()) {
                Double v = latency ? p.p99() : p.micros();
                if (v != null) {
                    byX.computeIfAbsent(p.subscribers(), k -> new ArrayList<>()).add(Math.max(v, yMin));
                    marker(g, shape, x.at(p.subscribers()), y.at(Math.max(v, yMin)));
                }
            }
            int lastX = -1, lastY = -1;
            for (Map.Entry<Double, List<Double>> p : byX.entrySet()) {
                List<Double> vs = p.getValue();
                double mean = latency
                        ? Math.exp(vs.stream().mapToDouble(Math::log).average().orElse(0))
                        : vs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                int sx = x.at(p.getKey()), sy = y.at(mean);
                if (lastX >= 0) {
                    g.drawLine(lastX, lastY, sx, sy);
                }
                lastX = sx;
                lastY = sy;
            }
            marker(g, shape, px + 16, legendY - 4);
            g.drawLine(px + 8, legendY - 4, px + 24, legendY - 4);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), px + 30, legendY);
            legendY += 16;
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void marker(Graphics2D g, int shape, int x, int y) {
        switch (shape % 4) {
            case 0 -> g.fillOval(x - 4, y - 4, 9, 9);
            case 1 -> g.fillRect(x - 4, y - 4, 9, 9);
            case 2 -> g.fillPolygon(new int[] {x, x + 5, x - 5}, new int[] {y - 5, y + 4, y + 4}, 3);
            default -> g.fillPolygon(new int[] {x, x + 5, x, x - 5}, new int[] {y - 6, y, y + 6, y}, 4);
        }
    }

    private static String label(double v) {
        return v >= 10 || v == 0 ? String.format(Locale.ROOT, "%,.0f", v)
                : v >= 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private record Axis(double min, double max, boolean log, int from, int to) {
        int at(double v) {
            double f = log ? (Math.log(v) - Math.log(min)) / (Math.log(max) - Math.log(min)) : (v - min) / (max - min);
            return (int) Math.round(from + f * (to - from));
        }

        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            if (log) {
                for (double p = Math.pow(10, Math.floor(Math.log10(min))); p <= max; p *= 10) {
                    for (double m : new double[] {1, 2, 5}) {
                        if (m * p >= min && m * p <= max) {
                            t.add(m * p);
                        }
                    }
                }
            } else {
                for (int i = 0; i <= 5; i++) {
                    t.add(min + (max - min) * i / 5);
                }
            }
            return t;
        }
    }
}
