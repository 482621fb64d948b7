package dev.reconnect.devkit.bench;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** The results as Markdown tables: readable in a terminal, and ready for the README's Performance section. */
final class Table {
    private Table() {}

    static String render(Results results) {
        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(results.machine().summary()).append(" (1, 5, 15 min, at the start)\n");
        List<RecoveryResult> recovery = results.recovery();
        if (!recovery.isEmpty()) {
            recovery(out, recovery);
            ratios(out, Ratio.of(recovery));
            cpu(out, recovery);
        }
        results.relay().ifPresent(relay -> relay(out, relay));
        results.heap().ifPresent(heap -> heap(out, heap));
        return out.toString();
    }

    private static void recovery(StringBuilder out, List<RecoveryResult> rows) {
        out.append("\nRestart recovery: SIGKILL of ws-service, restarted at once; each row on its own freshly started system\n\n");
        out.append("| clients | policy | kill → passing | ready → open p50 / p99 / max | kill → all open | failed connects"
                + " | readiness requests per client |\n");
        out.append("|--:|---|--:|--:|--:|--:|--:|\n");
        for (RecoveryResult r : rows) {
            Percentiles p = r.readyToOpenMillis();
            out.append("| ").append(r.clients()).append(" | ").append(r.policy().label()).append(" | ")
                    .append(r.killToPassingMillis().isPresent() ? millis(r.killToPassingMillis().getAsLong()) : "unknown")
                    .append(" | ")
                    .append(p.count() == 0 ? "unknown" : number(p.p50()) + " / " + number(p.p99()) + " / " + millis(p.max()))
                    .append(" | ").append(millis(r.killToAllOpenMillis())).append(" | ").append(r.failedConnects())
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", r.readinessRequestsPerClient())).append(" |\n");
        }
    }

    private static void ratios(StringBuilder out, List<Ratio> ratios) {
        if (ratios.isEmpty()) {
            return;
        }
        out.append("\nOur client against the baselines (ours ÷ baseline; below 1: ours is faster)\n\n");
        out.append("| clients | against | ready → open p50 | ready → open p99 | kill → all open |\n");
        out.append("|--:|---|--:|--:|--:|\n");
        for (Ratio r : ratios) {
            out.append("| ").append(r.clients()).append(" | ").append(r.baseline().label()).append(" | ")
                    .append(times(r.readyToOpenP50())).append(" | ").append(times(r.readyToOpenP99())).append(" | ")
                    .append(times(r.killToAllOpen())).append(" |\n");
        }
    }

    private static void cpu(StringBuilder out, List<RecoveryResult> rows) {
        List<RecoveryResult> measured = rows.stream()
                .filter(r -> r.cpuReadyToAllOpen().filter(CpuUse::measurable).isPresent()).toList();
        if (measured.isEmpty()) {
            return;
        }
        CpuUse any = measured.get(0).cpuReadyToAllOpen().orElseThrow();
        out.append("\nCPU from ready to all open: each process's CPU time as a share of what the ").append(any.cores())
                .append(" cores could do in that window (clients + bench: the client CLI and the bench's JVM, which"
                        + " runs the baseline clients and reads our client's events; rest: api-service, the registry, the"
                        + " publisher)\n\n");
        out.append("| clients | policy | ready → all open | busy | ws-service | gateway | clients + bench | rest |\n");
        out.append("|--:|---|--:|--:|--:|--:|--:|--:|\n");
        for (RecoveryResult r : measured) {
            CpuUse cpu = r.cpuReadyToAllOpen().orElseThrow();
            out.append("| ").append(r.clients()).append(" | ").append(r.policy().label()).append(" | ")
                    .append(millis(cpu.windowMillis())).append(" | ").append(share(cpu, cpu.totalMillis())).append(" | ")
                    .append(share(cpu, cpu.millis(CpuUse.WS_SERVICE))).append(" | ")
                    .append(share(cpu, cpu.millis(CpuUse.GATEWAY))).append(" | ")
                    .append(share(cpu, cpu.clientsMillis())).append(" | ").append(share(cpu, cpu.restMillis())).append(" |\n");
        }
    }

    private static String share(CpuUse cpu, long millis) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * cpu.shareOfMachine(millis));
    }

    private static void relay(StringBuilder out, RelayRun.Result relay) {
        Percentiles gateway = relay.gatewayLatencyMicros();
        Percentiles direct = relay.directLatencyMicros();
        out.append("\nGateway relay vs direct to ws-service\n\n");
        out.append("| | through the gateway | direct to ws-service | gateway vs direct |\n");
        out.append("|---|--:|--:|--:|\n");
        out.append("| messages/s at saturation (").append(RelayRun.SATURATION_SOCKETS).append(" sockets replay ")
                .append(number(relay.backlog())).append(" messages from seq 0; median of ").append(RelayRun.ROUNDS)
                .append(" rounds) | ").append(number(Math.round(relay.gatewayRate()))).append(" | ")
                .append(number(Math.round(relay.directRate()))).append(" | ")
                .append(times(OptionalDouble.of(relay.gatewayRate() / relay.directRate()))).append(" |\n");
        out.append("| latency p50 at ").append(RelayRun.RATE_PER_SECOND).append(" messages/s (")
                .append(RelayRun.LATENCY_SOCKETS).append(" sockets a path; arrival − publishedAt) | ")
                .append(micros(gateway.p50())).append(" | ").append(micros(direct.p50())).append(" | ")
                .append(added(gateway.p50() - direct.p50())).append(" |\n");
        out.append("| latency p99 | ").append(micros(gateway.p99())).append(" | ").append(micros(direct.p99()))
                .append(" | ").append(added(gateway.p99() - direct.p99())).append(" |\n");
    }

    private static void heap(StringBuilder out, HeapRun.Result heap) {
        out.append("\nHeap per idle session (").append(number(heap.sessions()))
                .append(" sessions through the gateway; heap in use after a full GC, before and after)\n\n");
        out.append("| gateway | ws-service |\n|--:|--:|\n");
        out.append("| ").append(kib(heap.gatewayBytesPerSession())).append(" | ").append(kib(heap.wsBytesPerSession()))
                .append(" |\n");
    }

    static String millis(long millis) {
        return number(millis) + " ms";
    }

    static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String times(OptionalDouble ratio) {
        return ratio.isPresent() ? String.format(Locale.ROOT, "%.2f×", ratio.getAsDouble()) : "n/a";
    }

    static String micros(long micros) {
        return String.format(Locale.ROOT, "%.2f ms", micros / 1_000.0);
    }

    private static String added(long micros) {
        return (micros >= 0 ? "+" : "−") + micros(Math.abs(micros));
    }

    private static String kib(double bytes) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
    }
}
