package dev.reconnect.client.cli.listen;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.backoff.BackoffConfig;
import dev.reconnect.client.cli.DurationConverter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code listen}'s options for how a client waits between attempts and when it gives up. Their defaults are the
 * library's ({@link LibraryDefaults}), so that a CLI client behaves as an application's and {@code --help} says so.
 */
final class ReconnectOptions {
    @Option(names = "--backoff-initial", description = "First backoff ceiling (default: ${DEFAULT-VALUE}).")
    Duration backoffInitial;

    @Option(names = "--backoff-multiplier", description = "Backoff growth per attempt (default: ${DEFAULT-VALUE}).")
    double backoffMultiplier;

    @Option(names = "--backoff-max", description = "Backoff cap (default: ${DEFAULT-VALUE}).")
    Duration backoffMax;

    @Option(names = "--min-uptime",
            description = "A connection must last this long before the backoff resets (default: ${DEFAULT-VALUE}).")
    Duration minUptime;

    @Option(names = "--give-up-after",
            description = "Fail a client whose outage lasts this long (default: never).")
    Duration giveUpAfter;

    @Option(names = "--give-up-attempts",
            description = "Fail a client after this many failed attempts in one outage; a busy gateway or a full instance never counts (default: never).")
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

    /**
     * The defaults of the options above, read from the library's one definition of them ({@link BackoffConfig#DEFAULT},
     * {@link ClientConfig.Connection#DEFAULT}) rather than restated; giving up has none (never, as the library's).
     */
    static final class LibraryDefaults implements IDefaultValueProvider {
        private static final Map<String, String> DEFAULTS = Map.of(
                "--backoff-initial", DurationConverter.format(BackoffConfig.DEFAULT.initial()),
                "--backoff-multiplier", Double.toString(BackoffConfig.DEFAULT.multiplier()),
                "--backoff-max", DurationConverter.format(BackoffConfig.DEFAULT.max()),
                "--min-uptime", DurationConverter.format(ClientConfig.Connection.DEFAULT.minimumUptime()));

        @Override
        public String defaultValue(ArgSpec argument) {
            return argument instanceof OptionSpec option ? DEFAULTS.get(option.longestName()) : null;
        }
    }
}
