package dev.reconnect.devkit.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Hand-made results for the tests of what the bench writes. */
final class Fixtures {
    private Fixtures() {}

    static final Machine MACHINE = new Machine(2, 24L << 30, "17.0.15", "Debian", "OpenJDK 64-Bit Server VM 17.0.15",
            "Linux", "6.1", "amd64", new double[] {0.5, 1.0, 1.5});

    static RecoveryResult recovery(int clients, Policy policy, long passing, long p50, long p99, long allOpen) {
        int[] open = new int[(int) ((allOpen + 2_000) / 50) + 1];
        for (int i = 0; i < open.length; i++) {
            long t = -1_000 + 50L * i;
            open[i] = t < 0 || t >= allOpen ? clients : 0;
        }
        return new RecoveryResult(clients, policy, passing < 0 ? OptionalLong.empty() : OptionalLong.of(passing),
                new Percentiles(clients, p50, p99, p99 + 10), allOpen, 0, 2.0, new Curve(-1_000, 50, open),
                passing < 0 ? Optional.empty() : Optional.of(new CpuUse(p99, 2, Map.of(CpuUse.WS_SERVICE, p99 / 2,
                        CpuUse.GATEWAY, p99 / 4, CpuUse.CLIENT, p99 / 4, "api-service", p99 / 10))));
    }

    static List<RecoveryResult> twoClientCounts() {
        return List.of(
                recovery(1, Policy.OURS, 5_000, 40, 40, 5_040),
                recovery(1, Policy.SOCKET_IO_BACKOFF, 5_100, 900, 900, 6_000),
                recovery(1, Policy.READINESS_POLL_1S, 4_900, 500, 500, 5_400),
                recovery(50, Policy.OURS, 5_000, 300, 600, 5_600),
                recovery(50, Policy.SOCKET_IO_BACKOFF, 5_000, 1_200, 2_400, 7_400),
                recovery(50, Policy.READINESS_POLL_1S, -1, 0, 0, 6_000));
    }
}
