package dev.reconnect.client.cli.listen;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.ClientState;
import dev.reconnect.client.ClientStats;
import dev.reconnect.client.ReconnectingClient;
import dev.reconnect.client.backoff.BackoffConfig;
import dev.reconnect.client.cli.CliIo;
import dev.reconnect.client.cli.DurationConverter;
import dev.reconnect.client.cli.ExitCodes;
import dev.reconnect.client.cli.GatewayOption;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code listen}: N reconnecting clients in one process, printing what happens. */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = "Connect N clients through the gateway and print state changes, messages, reconnects "
                + "and totals until the duration ends or SIGINT/SIGTERM.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:normal end (duration reached, or SIGINT/SIGTERM)",
                "1:a client failed (terminal close code or gave up)",
                "2:bad usage (unknown option or bad option value)"})
public final class ListenCommand implements java.util.concurrent.Callable<Integer> {
    private static final int MAX_CLIENTS = 10_000;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    private final CliIo io;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--gateway", defaultValue = GatewayOption.DEFAULT, converter = GatewayOption.class,
            description = "Gateway base URI (default: ${DEFAULT-VALUE}).")
    URI gateway;

    @Option(names = "--clients", defaultValue = "1", description = "Clients in this process (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--json", description = "One JSON object per line instead of human output.")
    boolean json;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "Stop after this long (e.g. 60s); default: until SIGINT/SIGTERM.")
    Duration duration;

    @Option(names = "--heartbeat-timeout", converter = DurationConverter.class,
            description = "Declare the link dead after this much silence (default: 3 x the server's heartbeat).")
    Duration heartbeatTimeout;

    @Option(names = "--stats-interval", defaultValue = "2s", converter = DurationConverter.class,
            description = "How often to print totals (default: ${DEFAULT-VALUE}).")
    Duration statsInterval;

    @Option(names = "--quiet-messages", description = "Do not print a line per message.")
    boolean quietMessages;

    @Option(names = "--readiness-path", defaultValue = Paths.READINESS,
            description = "Readiness path on the gateway (default: ${DEFAULT-VALUE}).")
    String readinessPath;

    @Option(names = "--ws-uri", description = "WebSocket URI, if not the gateway's ws://…/ws.")
    URI webSocketUri;

    @Option(names = "--backoff-initial", defaultValue = "500ms", converter = DurationConverter.class,
            description = "First backoff ceiling (default: ${DEFAULT-VALUE}).")
    Duration backoffInitial;

    @Option(names = "--backoff-multiplier", defaultValue = "2.0",
            description = "Backoff growth per attempt (default: ${DEFAULT-VALUE}).")
    double backoffMultiplier;

    @Option(names = "--backoff-max", defaultValue = "15s", converter = DurationConverter.class,
            description = "Backoff cap (default: ${DEFAULT-VALUE}).")
    Duration backoffMax;

    @Option(names = "--min-uptime", defaultValue = "5s", converter = DurationConverter.class,
            description = "A connection must last this long before the backoff resets (default: ${DEFAULT-VALUE}).")
    Duration minUptime;

    @Option(names = "--give-up-after", converter = DurationConverter.class,
            description = "Fail a client whose outage lasts this long (default: never).")
    Duration giveUpAfter;

    @Option(names = "--give-up-attempts",
            description = "Fail a client after this many failed attempts in one outage (default: never).")
    Integer giveUpAttempts;

    public ListenCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        ClientConfig config = config();
        Instant start = Instant.now();
        ListenOutput output = json
                ? new JsonListenOutput(io.out(), !quietMessages, System::currentTimeMillis)
                : new HumanListenOutput(io.out(), new Timestamps(start), Instant::now, clients == 1, !quietMessages);

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
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "listen-stats");
            thread.setDaemon(true);
            return thread;
        });
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
        if (giveUpAttempts != null && giveUpAttempts < 1) {
            throw usage("--give-up-attempts must be at least 1, was " + giveUpAttempts);
        }
        try {
            ClientConfig.Builder builder = ClientConfig.custom()
                    .gateway(gateway)
                    .readinessPath(readinessPath)
                    .backoff(new BackoffConfig(backoffInitial, backoffMultiplier, backoffMax))
                    .minimumUptime(minUptime);
            if (webSocketUri != null) {
                builder.webSocketUri(webSocketUri);
            }
            if (heartbeatTimeout != null) {
                builder.heartbeatTimeout(heartbeatTimeout);
            }
            if (giveUpAfter != null) {
                builder.giveUpAfter(giveUpAfter);
            }
            if (giveUpAttempts != null) {
                builder.giveUpAfterAttempts(giveUpAttempts);
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static Aggregate aggregate(List<ReconnectingClient> clients) {
        List<ClientStats> stats = clients.stream().map(ReconnectingClient::stats).collect(Collectors.toList());
        return Aggregate.of(stats);
    }
}
