package dev.reconnect.client.cli.listen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.backoff.BackoffConfig;
import dev.reconnect.client.cli.CliIo;
import dev.reconnect.client.cli.DurationConverter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code listen}'s reconnect options default to the library's settings, and its help shows them. */
class ReconnectOptionsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ListenCommand listen = new ListenCommand(CliIo.of(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    private final CommandLine cli = new CommandLine(listen).registerConverter(Duration.class, new DurationConverter());

    private ClientConfig configAfter(String... args) {
        cli.parseArgs(args);
        ClientConfig.Builder builder = ClientConfig.custom().gateway("http://127.0.0.1:1");
        listen.reconnect.applyTo(builder);
        return builder.build();
    }

    @Test
    void withoutOptionsAListenClientWaitsAndGivesUpAsTheLibrarysDefaultClientDoes() {
        ClientConfig library = ClientConfig.custom().gateway("http://127.0.0.1:1").build();

        ClientConfig listens = configAfter();

        assertThat(listens.backoff()).isEqualTo(library.backoff());
        assertThat(listens.connection()).isEqualTo(library.connection());
        assertThat(listens.giveUp()).isEqualTo(library.giveUp());
    }

    @Test
    void anOptionGivenReplacesOnlyItsOwnDefault() {
        ClientConfig listens = configAfter("--backoff-max", "1m", "--give-up-attempts", "4");

        assertThat(listens.backoff()).isEqualTo(new BackoffConfig(BackoffConfig.DEFAULT.initial(),
                BackoffConfig.DEFAULT.multiplier(), Duration.ofMinutes(1)));
        assertThat(listens.giveUp().attempts()).hasValue(4);
        assertThat(listens.giveUp().after()).isEmpty();
    }

    @Test
    void helpShowsTheDefaultsInForce() {
        cli.usage(new PrintStream(out, true, StandardCharsets.UTF_8));
        String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");

        assertThat(help)
                .contains("First backoff ceiling (default: " + DurationConverter.format(BackoffConfig.DEFAULT.initial()) + ")")
                .contains("Backoff growth per attempt (default: " + BackoffConfig.DEFAULT.multiplier() + ")")
                .contains("Backoff cap (default: " + DurationConverter.format(BackoffConfig.DEFAULT.max()) + ")")
                .contains("before the backoff resets (default: "
                        + DurationConverter.format(ClientConfig.Connection.DEFAULT.minimumUptime()) + ")")
                .contains("(default: " + ClientConfig.HEARTBEAT_MISSES + " x the server's heartbeat)")
                .doesNotContain("${DEFAULT-VALUE}").doesNotContain("default: null");
    }
}
