package dev.reconnect.client.cli.publish;

import dev.reconnect.client.backoff.BackoffConfig;
import dev.reconnect.client.backoff.FullJitterBackoff;
import dev.reconnect.client.backoff.HintedFailure;
import dev.reconnect.client.cli.CliIo;
import dev.reconnect.client.cli.DurationConverter;
import dev.reconnect.client.cli.ExitCodes;
import dev.reconnect.client.cli.GatewayOption;
import dev.reconnect.client.cli.Timestamps;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.ProtocolException;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code publish}: POSTs messages to the gateway's {@code /api/messages}, in order, one in flight,
 * each under its own key; a failed POST is retried with the same key (backoff with full jitter,
 * honouring Retry-After) until stored, so nothing is lost or stored twice across restarts.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish messages through the gateway's message API, retrying each under the same key "
                + "until stored.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:normal end (count or duration reached, or SIGINT/SIGTERM)",
                "1:a publish was refused for good (e.g. 400/409), or an unexpected error",
                "2:bad usage (unknown option or bad option value)"})
public final class PublishCommand implements Callable<Integer> {
    private final CliIo io;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--gateway", defaultValue = GatewayOption.DEFAULT, converter = GatewayOption.class,
            description = "Gateway base URI (default: ${DEFAULT-VALUE}).")
    URI gateway;

    @Option(names = "--rate", defaultValue = "50", description = "Messages per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--count", description = "Publish this many messages, then stop.")
    Long count;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "Stop after this long (e.g. 30s). Without --count or --duration: until SIGINT/SIGTERM.")
    Duration duration;

    @Option(names = "--body", defaultValue = "message {n}",
            description = "Body pattern; {n} = message number from 1, {time} = ISO time (default: '${DEFAULT-VALUE}').")
    String body;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Option(names = "--request-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Timeout of one POST (default: ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    @Option(names = "--retry-max", defaultValue = "5s", converter = DurationConverter.class,
            description = "Cap of the retry backoff (default: ${DEFAULT-VALUE}).")
    Duration retryMax;

    public PublishCommand(CliIo io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        validate();
        Instant start = Instant.now();
        Timestamps timestamps = new Timestamps(start);
        HttpPublisher publisher = new HttpPublisher(HttpClient.newBuilder().build(), gateway, requestTimeout);
        Retry retry = Retry.of("publish", RetryConfig.custom()
                .maxAttempts(Integer.MAX_VALUE)
                .intervalBiFunction(new FullJitterBackoff(
                        new BackoffConfig(Duration.ofMillis(200), 2.0, retryMax), new SplittableRandom()))
                .failAfterMaxAttempts(false)
                .build());
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        long intervalNanos = (long) (1_000_000_000L / rate);

        AtomicLong published = new AtomicLong();
        AtomicLong retries = new AtomicLong();
        AtomicLong lastSeq = new AtomicLong();
        AtomicReference<String> retrying = new AtomicReference<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "publish-progress");
            thread.setDaemon(true);
            return thread;
        });
        if (!json) {
            AtomicLong previous = new AtomicLong();
            ticker.scheduleAtFixedRate(() -> {
                long total = published.get();
                String problem = retrying.get();
                line(timestamps, "published " + total + " (+" + (total - previous.getAndSet(total))
                        + " in the last second), last seq " + lastSeq.get() + ", retries " + retries.get()
                        + (problem == null ? "" : ", retrying: " + problem));
            }, 1, 1, TimeUnit.SECONDS);
        }
        int exit = ExitCodes.OK;
        long nextAt = System.nanoTime();
        try {
            outer:
            for (long n = 1; count == null || n <= count; n++) {
                if (!waitUntil(Math.min(nextAt, deadline)) || System.nanoTime() >= deadline) {
                    break;
                }
                nextAt = Math.max(nextAt + intervalNanos, System.nanoTime());
                String key = UUID.randomUUID().toString();
                String text = body.replace("{n}", Long.toString(n)).replace("{time}", Instant.now().toString());
                try {
                    // What the log stores must fit the frames that deliver it; the API refuses it otherwise.
                    FrameCodec.requirePublishable(key, text);
                } catch (ProtocolException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--body gives message " + n + " a body the server would refuse: " + e.getMessage());
                }
                Retry.AsyncContext<Object> attempts = retry.asyncContext();
                while (true) {
                    PublishAttempt attempt = publisher.publish(key, text);
                    if (attempt instanceof PublishAttempt.Stored stored) {
                        attempts.onComplete();
                        retrying.set(null);
                        published.incrementAndGet();
                        lastSeq.set(stored.result().seq());
                        if (json) {
                            ObjectNode node = event("published");
                            node.put("seq", stored.result().seq());
                            node.put("key", key);
                            print(node);
                        }
                        break;
                    }
                    if (attempt instanceof PublishAttempt.Refused refused) {
                        report(timestamps, "publish refused for good: " + refused.reason() + " (key " + key + ")");
                        exit = ExitCodes.CLIENT_FAILED;
                        break outer;
                    }
                    PublishAttempt.Retryable failed = (PublishAttempt.Retryable) attempt;
                    long delay = attempts.onError(new HintedFailure(failed.reason(), failed.retryAfter(), Duration.ZERO));
                    retries.incrementAndGet();
                    retrying.set(failed.reason());
                    if (json) {
                        ObjectNode node = event("publish-retry");
                        node.put("key", key);
                        node.put("n", n);
                        node.put("reason", failed.reason());
                        node.put("nextTryMs", delay);
                        print(node);
                    }
                    if (!waitUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay))
                            || System.nanoTime() >= deadline) {
                        report(timestamps, "stopped while retrying message " + n + " (key " + key
                                + "); it may or may not be stored");
                        break outer;
                    }
                }
            }
        } finally {
            ticker.shutdownNow();
        }
        if (json) {
            ObjectNode node = event("publish-summary");
            node.put("published", published.get());
            node.put("retries", retries.get());
            print(node);
        } else {
            line(timestamps, "done: published " + published.get() + " message(s), last seq " + lastSeq.get()
                    + ", " + retries.get() + " retries");
        }
        return exit;
    }

    private void validate() {
        if (!(rate > 0) || rate > 100_000 || Double.isNaN(rate)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be above 0 and at most 100000, was " + rate);
        }
        if (count != null && count < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1, was " + count);
        }
        if (body.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--body must not be empty");
        }
    }

    /** Waits until {@code nanoTime}; false when asked to stop meanwhile. */
    private boolean waitUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait <= 0) {
            return io.stop().getCount() > 0;
        }
        return !io.stop().await(wait, TimeUnit.NANOSECONDS);
    }

    private ObjectNode event(String type) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("t", System.currentTimeMillis());
        node.put("event", type);
        return node;
    }

    private void print(ObjectNode node) {
        String text = Json.MAPPER.writeValueAsString(node);
        synchronized (io.out()) {
            io.out().println(text);
        }
    }

    private void line(Timestamps timestamps, String text) {
        String line = timestamps.prefix(Instant.now()) + " " + text;
        synchronized (io.out()) {
            io.out().println(line);
        }
    }

    private void report(Timestamps timestamps, String text) {
        if (json) {
            ObjectNode node = event("publish-error");
            node.put("message", text);
            print(node);
        } else {
            line(timestamps, text);
        }
    }
}
