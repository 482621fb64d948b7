package dev.reconnect.client.cli.listen;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.ClientState;
import dev.reconnect.client.ReconnectingClient;
import dev.reconnect.client.cli.CliIo;
import dev.reconnect.client.cli.ExitCodes;
import dev.reconnect.client.cli.GatewayCommand;
import dev.reconnect.client.cli.Timestamps;
import dev.reconnect.protocol.Paths;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code listen}: N reconnecting clients in one process, printing what happens. */
@Command(name = "listen",
        description = "Connect N clients through the gateway and print state changes, messages, reconnects "
                + "and totals until the duration ends or SIGINT/SIGTERM.",
        exitCodeList = {
                "0:normal end (duration reached, or SIGINT/SIGTERM)",
                "1:a client failed (terminal close code or gave up)",
                ExitCodes.USAGE_LINE},
        defaultValueProvider = ReconnectOptions.LibraryDefaults.class)
public final class ListenCommand extends GatewayCommand {
    private static final int MAX_CLIENTS = 10_000;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    @Option(names = "--clients", defaultValue = "1", description = "Clients in this process (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--heartbeat-timeout",
            description = "Declare the link dead after this much silence (default: " + ClientConfig.HEARTBEAT_MISSES
                    + " x the server's heartbeat).")
    Duration heartbeatTimeout;

    @Option(names = "--stats-interval", defaultValue = "2s",
            description = "How often to print totals (default: ${DEFAULT-VALUE}).")
    Duration statsInterval;

    @Option(names = "--quiet-messages", description = "Do not print a line per message.")
    boolean quietMessages;

    @Option(names = "--readiness-path", defaultValue = Paths.READINESS,
            description = "Readiness path on the gateway (default: ${DEFAULT-VALUE}).")
    String readinessPath;

    @Option(names = "--ws-uri", description = "WebSocket URI, if not the gateway's ws://…/ws.")
    URI webSocketUri;

    @Mixin
    ReconnectOptions reconnect;

    public ListenCommand(CliIo io) {
        super(io);
    }

    @Override
    public Integer call() throws Exception {
        ClientConfig config = config();
        ListenOutput output = json
                ? new JsonListenOutput(io.out(), !quietMessages, System::currentTimeMillis)
                : new HumanListenOutput(io.out(), new Timestamps(Instant.now()), Instant::now, clients == 1,
                        !quietMessages);

        HttpClient http = HttpClient.newBuilder().build();
        MeterRegistry registry = new SimpleMeterRegistry();
        List<ReconnectingClient> all = new ArrayList<>();
        for (int i = 1; i <= clients; i++) {
            all.add(ReconnectingClient.builder("client-" + i, config)
                    .httpClient(http)
                    .meterRegistry(registry)
                    .listener(output)
                    .build());
        }
        ScheduledExecutorService ticker = ticker("listen-stats");
        try {
            all.forEach(ReconnectingClient::start);
            ticker.scheduleAtFixedRate(() -> output.stats(aggregate(all), false),
                    statsInterval.toMillis(), statsInterval.toMillis(), TimeUnit.MILLISECONDS);
            CompletableFuture.allOf(all.stream().map(ReconnectingClient::terminated).toArray(CompletableFuture[]::new))
                    .thenRun(io.stop()::countDown);
            if (duration != null) {
                io.stop().await(duration.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                io.stop().await();
            }
        } finally {
            ticker.shutdownNow();
            CompletableFuture<?>[] closing = all.stream().map(ReconnectingClient::closeAsync)
                    .toArray(CompletableFuture[]::new);
            try {
                CompletableFuture.allOf(closing).get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // print what we have
            }
        }
        output.stats(aggregate(all), true);
        boolean anyFailed = all.stream().anyMatch(c -> c.state() == ClientState.FAILED);
        return anyFailed ? ExitCodes.CLIENT_FAILED : ExitCodes.OK;
    }

    private ClientConfig config() {
        if (clients < 1 || clients > MAX_CLIENTS) {
            throw usage("--clients must be between 1 and " + MAX_CLIENTS + ", was " + clients);
        }
        try {
            ClientConfig.Builder builder = ClientConfig.custom().gateway(gateway).readinessPath(readinessPath);
            reconnect.applyTo(builder);
            if (webSocketUri != null) {
                builder.webSocketUri(webSocketUri);
            }
            if (heartbeatTimeout != null) {
                builder.heartbeatTimeout(heartbeatTimeout);
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private static Aggregate aggregate(List<ReconnectingClient> clients) {
        return Aggregate.of(clients.stream().map(ReconnectingClient::stats).toList());
    }
}
