package dev.reconnect.devkit.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recovery chart, as hand-written SVG: one panel per client count, with the clients open over time
 * through the restart (one line per policy, time relative to the kill) and vertical markers for the kill,
 * for ws-service passing in Consul again and for all clients open (dashed and dotted, in the policy's colour:
 * each policy had its own restart).
 */
final class Chart {
    static final int WIDTH = 900;
    static final int PANEL_HEIGHT = 300;
    private static final int HEADER = 70;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int PANEL_TOP = 40;
    private static final int PANEL_BOTTOM = 40;
    private static final long[] TICK_STEPS = {250, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000};
    private static final Map<Policy, String> COLOURS = Map.of(Policy.OURS, "#1f5fbf",
            Policy.SOCKET_IO_BACKOFF, "#c8341f", Policy.READINESS_POLL_1S, "#2e8b3a");

    private Chart() {}

    /** @param subtitle a line under the title, e.g. the machine */
    static String svg(List<RecoveryResult> results, String subtitle) {
        Map<Integer, List<RecoveryResult>> byClients = new LinkedHashMap<>();
        for (RecoveryResult result : results) {
            byClients.computeIfAbsent(result.clients(), n -> new java.util.ArrayList<>()).add(result);
        }
        int height = HEADER + Math.max(1, byClients.size()) * PANEL_HEIGHT;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(svg, LEFT, 24, "Clients open through a SIGKILL of ws-service and its restart", "font-size=\"16\" font-weight=\"bold\"");
        text(svg, LEFT, 42, subtitle, "fill=\"#555\"");
        text(svg, LEFT, 60, "time from the kill; solid: killed; dashed: passing in Consul; dotted: all open"
                + " (each policy had its own restart)", "fill=\"#555\"");
        if (byClients.isEmpty()) {
            text(svg, LEFT, HEADER + 40, "no restart recovery was measured", "");
        }
        int panel = 0;
        for (Map.Entry<Integer, List<RecoveryResult>> entry : byClients.entrySet()) {
            panel(svg, HEADER + panel * PANEL_HEIGHT, entry.getKey(), entry.getValue());
            panel++;
        }
        return svg.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder svg, int top, int clients, List<RecoveryResult> results) {
        long from = results.stream().mapToLong(r -> r.curve().fromMillis()).min().orElse(0);
        long to = Math.max(from + 1, results.stream().mapToLong(r -> r.curve().toMillis()).max().orElse(0));
        Axes axes = new Axes(from, to, clients, top + PANEL_TOP, top + PANEL_HEIGHT - PANEL_BOTTOM);
        svg.append("<g class=\"panel\" data-clients=\"").append(clients).append("\">\n");
        text(svg, LEFT, top + 20, clients + (clients == 1 ? " client" : " clients"), "font-size=\"14\" font-weight=\"bold\"");
        legend(svg, top + 20, results);
        axes.draw(svg);
        marker(svg, axes, 0, "#000", "", "killed", 0);
        for (int i = 0; i < results.size(); i++) {
            RecoveryResult r = results.get(i);
            String colour = COLOURS.get(r.policy());
            if (r.killToPassingMillis().isPresent()) {
                long passing = r.killToPassingMillis().getAsLong();
                marker(svg, axes, passing, colour, "6,4", "passing in Consul " + seconds1(passing), 1 + i);
            }
            marker(svg, axes, r.killToAllOpenMillis(), colour, "2,3", "all open " + seconds1(r.killToAllOpenMillis()),
                    1 + results.size() + i);
            line(svg, axes, r, colour);
        }
        svg.append("</g>\n");
    }

    private static void legend(StringBuilder svg, int y, List<RecoveryResult> results) {
        int x = LEFT + 120;
        for (RecoveryResult r : results) {
            String colour = COLOURS.get(r.policy());
            svg.append("<line x1=\"").append(x).append("\" y1=\"").append(y - 4).append("\" x2=\"").append(x + 20)
                    .append("\" y2=\"").append(y - 4).append("\" stroke=\"").append(colour).append("\" stroke-width=\"2\"/>\n");
            text(svg, x + 25, y, r.policy().label(), "");
            x += 40 + 7 * r.policy().label().length();
        }
    }

    private static void line(StringBuilder svg, Axes axes, RecoveryResult r, String colour) {
        svg.append("<polyline class=\"policy\" data-policy=\"").append(r.policy().id()).append("\" fill=\"none\" stroke=\"")
                .append(colour).append("\" stroke-width=\"2\" points=\"");
        int[] open = r.curve().open();
        for (int i = 0; i < open.length; i++) {
            svg.append(i == 0 ? "" : " ").append(format(axes.x(r.curve().timeOf(i)))).append(',').append(format(axes.y(open[i])));
        }
        svg.append("\"/>\n");
    }

    /**
     * A vertical line at {@code millis}; every label has a row of its own, so that markers close together do not
     * cover each other's labels, and it stands left of its line in the right part of the panel, so that it fits.
     */
    private static void marker(StringBuilder svg, Axes axes, long millis, String colour, String dashes, String label, int row) {
        double x = axes.x(millis);
        svg.append("<line class=\"marker\" x1=\"").append(format(x)).append("\" y1=\"").append(axes.top).append("\" x2=\"")
                .append(format(x)).append("\" y2=\"").append(axes.bottom).append("\" stroke=\"").append(colour)
                .append("\" stroke-width=\"1\"").append(dashes.isEmpty() ? "" : " stroke-dasharray=\"" + dashes + "\"").append("/>\n");
        boolean rightPart = x > LEFT + 0.6 * (WIDTH - LEFT - RIGHT);
        text(svg, rightPart ? x - 3 : x + 3, axes.top - 4 + row * 12, label, "font-size=\"10\" fill=\"" + colour + "\""
                + (rightPart ? " text-anchor=\"end\"" : ""));
    }

    private static void text(StringBuilder svg, double x, double y, String text, String attributes) {
        svg.append("<text x=\"").append(format(x)).append("\" y=\"").append(format(y)).append('"')
                .append(attributes.isEmpty() ? "" : " " + attributes).append('>').append(escape(text)).append("</text>\n");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Where milliseconds and client counts land in one panel. */
    private record Axes(long from, long to, int clients, int top, int bottom) {
        double x(long millis) {
            return LEFT + (double) (millis - from) / (to - from) * (WIDTH - LEFT - RIGHT);
        }

        double y(int open) {
            return bottom - (double) open / clients * (bottom - top);
        }

        void draw(StringBuilder svg) {
            svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"").append(WIDTH - RIGHT)
                    .append("\" y2=\"").append(bottom).append("\" stroke=\"#888\"/>\n");
            svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(top).append("\" x2=\"").append(LEFT)
                    .append("\" y2=\"").append(bottom).append("\" stroke=\"#888\"/>\n");
            long step = tickStep(to - from);
            for (long t = Math.floorDiv(from, step) * step; t <= to; t += step) {
                if (t < from) {
                    continue;
                }
                text(svg, x(t), bottom + 16, seconds(t), "text-anchor=\"middle\" fill=\"#555\"");
            }
            for (int open : clients == 1 ? new int[] {0, 1} : new int[] {0, clients / 2, clients}) {
                text(svg, LEFT - 6, y(open) + 4, Integer.toString(open), "text-anchor=\"end\" fill=\"#555\"");
            }
            text(svg, 14, (top + bottom) / 2.0, "clients", "fill=\"#555\"");
            text(svg, 14, (top + bottom) / 2.0 + 14, "open", "fill=\"#555\"");
        }
    }

    /** The smallest of {@link #TICK_STEPS} that needs no more than ten ticks over {@code span} ms. */
    static long tickStep(long span) {
        for (long step : TICK_STEPS) {
            if (span / step <= 10) {
                return step;
            }
        }
        return TICK_STEPS[TICK_STEPS.length - 1];
    }

    private static String seconds1(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1_000.0);
    }

    private static String seconds(long millis) {
        return millis % 1_000 == 0 ? millis / 1_000 + " s" : String.format(Locale.ROOT, "%.2f s", millis / 1_000.0);
    }
}
