package dev.reconnect.devkit.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The gateway's relay against a socket straight to ws-service, on one running {@link ServiceSet}.
 *
 * <p>Added latency: {@link #LATENCY_SOCKETS} sockets through the gateway and as many straight to ws-service,
 * all open at once, receive the same messages published at {@link #RATE_PER_SECOND}/s; a message's latency
 * on a socket is its arrival minus the {@code publishedAt} api-service stored it with. After a warm-up, the
 * percentiles of each path over all its (socket, message) pairs; added = through the gateway minus direct.
 *
 * <p>Saturation: {@link #SATURATION_SOCKETS} sockets say hello from seq 0 at once and replay a backlog of
 * {@link #BACKLOG} messages as fast as ws-service sends and the path carries them; messages/s = sockets ×
 * backlog ÷ the time from opening the first socket to the last message on the slowest one. Paths alternate,
 * {@link #ROUNDS} rounds each; the median round counts. The publisher is idle meanwhile.
 */
final class RelayRun {
    static final int LATENCY_SOCKETS = 20;
    static final int RATE_PER_SECOND = 200;
    static final Duration WARM_UP = Duration.ofSeconds(2);
    static final Duration MEASURED = Duration.ofSeconds(10);
    static final int SATURATION_SOCKETS = 10;
    static final long BACKLOG = 20_000;
    static final int ROUNDS = 3;
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(120);

    /** Latencies in microseconds; rates in messages per second, one per round. */
    record Result(Percentiles gatewayLatencyMicros, Percentiles directLatencyMicros, long backlog,
                  double[] gatewayRates, double[] directRates) {
        double gatewayRate() {
            return median(gatewayRates);
        }

        double directRate() {
            return median(directRates);
        }

        private static double median(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return sorted[(sorted.length - 1) / 2];
        }
    }

    private final ServiceSet services;
    private final Publisher publisher;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Consumer<String> narration;

    RelayRun(ServiceSet services, Consumer<String> narration) {
        this.services = services;
        this.publisher = new Publisher(services.api());
        this.narration = narration;
    }

    Result run() {
        Arrivals viaGateway = new Arrivals(LATENCY_SOCKETS);
        Arrivals direct = new Arrivals(LATENCY_SOCKETS);
        measureLatency(viaGateway, direct);
        long backlog = fillBacklog();
        double[] gatewayRates = new double[ROUNDS];
        double[] directRates = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            // Alternating which path goes first spreads whatever else the machine does over both.
            boolean gatewayFirst = round % 2 == 0;
            double first = replayRate(gatewayFirst ? services.viaGateway() : services.direct(), backlog);
            double second = replayRate(gatewayFirst ? services.direct() : services.viaGateway(), backlog);
            gatewayRates[round] = gatewayFirst ? first : second;
            directRates[round] = gatewayFirst ? second : first;
            narration.accept("relay round " + (round + 1) + ": " + Math.round(gatewayRates[round]) + " messages/s through"
                    + " the gateway, " + Math.round(directRates[round]) + " direct");
        }
        return new Result(Percentiles.of(viaGateway.latencies()), Percentiles.of(direct.latencies()), backlog,
                gatewayRates, directRates);
    }

    private void measureLatency(Arrivals viaGateway, Arrivals direct) {
        long head = publisher.head();
        try (Sockets gateway = Sockets.open("sockets through the gateway", http, services.viaGateway(), LATENCY_SOCKETS,
                head, viaGateway::receiver);
             Sockets straight = Sockets.open("sockets to ws-service", http, services.direct(), LATENCY_SOCKETS, head,
                     direct::receiver)) {
            narration.accept("latency: warming up for " + WARM_UP.toSeconds() + " s at " + RATE_PER_SECOND + " messages/s");
            publisher.publishAtRate(RATE_PER_SECOND, WARM_UP);
            long warmedUp = publisher.head();
            viaGateway.measureAfter(warmedUp);
            direct.measureAfter(warmedUp);
            narration.accept("latency: measuring for " + MEASURED.toSeconds() + " s at " + RATE_PER_SECOND + " messages/s");
            publisher.publishAtRate(RATE_PER_SECOND, MEASURED);
            long last = publisher.head();
            Waits.until("every latency socket to receive message " + last, DELIVERY_TIMEOUT,
                    () -> viaGateway.minLastSeq() >= last && direct.minLastSeq() >= last,
                    () -> "through the gateway up to " + viaGateway.minLastSeq() + ", direct up to " + direct.minLastSeq());
            gateway.requireNoneEnded();
            straight.requireNoneEnded();
        }
    }

    /** Tops the log up to {@link #BACKLOG} messages; returns its head. */
    private long fillBacklog() {
        long missing = BACKLOG - publisher.head();
        if (missing > 0) {
            narration.accept("publishing " + missing + " messages for the replay backlog");
            publisher.publish(missing, 64);
        }
        return publisher.head();
    }

    private double replayRate(URI uri, long backlog) {
        Arrivals arrivals = new Arrivals(SATURATION_SOCKETS);
        long startedMicros = ProtocolSocket.nowMicros();
        try (Sockets sockets = Sockets.open("replaying sockets", http, uri, SATURATION_SOCKETS, 0, arrivals::receiver)) {
            Waits.until(SATURATION_SOCKETS + " sockets at " + uri + " to replay " + backlog + " messages", DELIVERY_TIMEOUT,
                    () -> arrivals.minLastSeq() >= backlog, () -> "the slowest is at " + arrivals.minLastSeq());
            sockets.requireNoneEnded();
        }
        double seconds = (arrivals.lastArrivalMicros() - startedMicros) / 1e6;
        return SATURATION_SOCKETS * backlog / seconds;
    }
}
