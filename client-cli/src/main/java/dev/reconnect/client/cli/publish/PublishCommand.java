package dev.reconnect.client.cli.publish;

import dev.reconnect.client.backoff.BackoffConfig;
import dev.reconnect.client.backoff.FullJitterBackoff;
import dev.reconnect.client.backoff.HintedFailure;
import dev.reconnect.client.cli.CliIo;
import dev.reconnect.client.cli.GatewayCommand;
import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.client.cli.event.CliEventCodec;
import dev.reconnect.client.cli.ExitCodes;
import dev.reconnect.client.cli.Timestamps;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.ProtocolException;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code publish}: POSTs messages to the gateway's {@code /api/messages}, in order, one in flight,
 * each under its own key; a failed POST is retried with the same key (backoff with full jitter,
 * honouring Retry-After) until stored, so nothing is lost or stored twice across restarts.
 */
@Command(name = "publish",
        description = "Publish messages through the gateway's message API, retrying each under the same key "
                + "until stored.",
        exitCodeList = {
                "0:normal end (count or duration reached, or SIGINT/SIGTERM)",
                "1:a publish was refused for good (e.g. 400/409), or an unexpected error",
                ExitCodes.USAGE_LINE})
public final class PublishCommand extends GatewayCommand {
    @Option(names = "--rate", defaultValue = "50", description = "Messages per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--count", description = "Publish this many messages, then stop.")
    Long count;

    @Option(names = "--body", defaultValue = "message {n}",
            description = "Body pattern; {n} = message number from 1, {time} = ISO time (default: '${DEFAULT-VALUE}').")
    String body;

    @Option(names = "--request-timeout", defaultValue = "10s",
            description = "Timeout of one POST (default: ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    @Option(names = "--retry-max", defaultValue = "5s",
            description = "Cap of the retry backoff (default: ${DEFAULT-VALUE}).")
    Duration retryMax;

    public PublishCommand(CliIo io) {
        super(io);
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
        ScheduledExecutorService ticker = ticker("publish-progress");
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
                    throw usage("--body gives message " + n + " a body the server would refuse: " + e.getMessage());
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
                            print(new CliEvent.Published(System.currentTimeMillis(), stored.result().seq(), key));
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
                        print(new CliEvent.PublishRetry(System.currentTimeMillis(), key, n, failed.reason(), delay));
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
            print(new CliEvent.PublishSummary(System.currentTimeMillis(), published.get(), retries.get()));
        } else {
            line(timestamps, "done: published " + published.get() + " message(s), last seq " + lastSeq.get()
                    + ", " + retries.get() + " retries");
        }
        return exit;
    }

    private void validate() {
        if (!(rate > 0) || rate > 100_000 || Double.isNaN(rate)) {
            throw usage("--rate must be above 0 and at most 100000, was " + rate);
        }
        if (count != null && count < 1) {
            throw usage("--count must be at least 1, was " + count);
        }
        if (body.isEmpty()) {
            throw usage("--body must not be empty");
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

    private void print(CliEvent event) {
        CliEventCodec.print(io.out(), event);
    }

    private void line(Timestamps timestamps, String text) {
        String line = timestamps.prefix(Instant.now()) + " " + text;
        synchronized (io.out()) {
            io.out().println(line);
        }
    }

    private void report(Timestamps timestamps, String text) {
        if (json) {
            print(new CliEvent.PublishError(System.currentTimeMillis(), text));
        } else {
            line(timestamps, text);
        }
    }
}
