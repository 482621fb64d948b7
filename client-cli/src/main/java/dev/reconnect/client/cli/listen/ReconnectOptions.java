package dev.reconnect.client.cli.listen;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.backoff.BackoffConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code listen}'s options for how a client waits between attempts and when it gives up. */
final class ReconnectOptions {
    @Option(names = "--backoff-initial", defaultValue = "500ms",
            description = "First backoff ceiling (default: ${DEFAULT-VALUE}).")
    Duration backoffInitial;

    @Option(names = "--backoff-multiplier", defaultValue = "2.0",
            description = "Backoff growth per attempt (default: ${DEFAULT-VALUE}).")
    double backoffMultiplier;

    @Option(names = "--backoff-max", defaultValue = "15s",
            description = "Backoff cap (default: ${DEFAULT-VALUE}).")
    Duration backoffMax;

    @Option(names = "--min-uptime", defaultValue = "5s",
            description = "A connection must last this long before the backoff resets (default: ${DEFAULT-VALUE}).")
    Duration minUptime;

    @Option(names = "--give-up-after",
            description = "Fail a client whose outage lasts this long (default: never).")
    Duration giveUpAfter;

    @Option(names = "--give-up-attempts",
            description = "Fail a client after this many failed attempts in one outage (default: never).")
    Integer giveUpAttempts;

    /** Sets them on {@code builder}; the builder refuses inconsistent values with an IllegalArgumentException. */
    void applyTo(ClientConfig.Builder builder) {
        if (giveUpAttempts != null && giveUpAttempts < 1) {
            throw new IllegalArgumentException("--give-up-attempts must be at least 1, was " + giveUpAttempts);
        }
        builder.backoff(new BackoffConfig(backoffInitial, backoffMultiplier, backoffMax)).minimumUptime(minUptime);
        if (giveUpAfter != null) {
            builder.giveUpAfter(giveUpAfter);
        }
        if (giveUpAttempts != null) {
            builder.giveUpAfterAttempts(giveUpAttempts);
        }
    }
}
