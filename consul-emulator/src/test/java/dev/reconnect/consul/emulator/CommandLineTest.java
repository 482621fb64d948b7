package dev.reconnect.consul.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandLineTest {

    @Test
    void defaultsAreThoseOfAConsulDevAgent() throws Exception {
        EmulatorConfig config = CommandLine.parse().config();
        assertThat(config.port()).isEqualTo(8500);
        assertThat(config.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.reaperInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.minDeregisterAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.aclsEnforced()).as("ACLs off, as on a dev agent").isFalse();
        assertThat(config.aclToken()).isNull();
    }

    @Test
    void aclTokenTurnsAclsOnInBothSpellingsAndStaysOutOfToString() throws Exception {
        EmulatorConfig spaced = CommandLine.parse("--acl-token", "s3cret-token").config();
        EmulatorConfig joined = CommandLine.parse("--acl-token=s3cret-token").config();
        assertThat(spaced.aclsEnforced()).isTrue();
        assertThat(spaced.aclToken()).isEqualTo("s3cret-token");
        assertThat(joined.aclToken()).isEqualTo("s3cret-token");
        assertThat(spaced.toString()).contains("ACLs enforced").doesNotContain("s3cret-token");
        assertThat(spaced.toBuilder().build().aclToken()).isEqualTo("s3cret-token");
    }

    @Test
    void readsEveryFlagInBothSpellings() throws Exception {
        EmulatorConfig config = CommandLine.parse("--port", "9500", "--bind=0.0.0.0", "--reaper-interval", "500ms",
                "--min-deregister-after=2m").config();
        assertThat(config.port()).isEqualTo(9500);
        assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.reaperInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.minDeregisterAfter()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void helpIsHelp() throws Exception {
        assertThat(CommandLine.parse("--help").help()).isTrue();
        Output output = run("--help");
        assertThat(output.code).isZero();
        assertThat(output.out).contains("--port", "--bind", "--reaper-interval", "--min-deregister-after",
                "--acl-token");
        assertThat(output.err).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--port abc|--port must be a number from 0 to 65535, got \"abc\"",
            "--port 70000|--port must be a number from 0 to 65535, got \"70000\"",
            "--port|--port needs a value (see --help)",
            "--bogus|unknown option \"--bogus\" (see --help)",
            "8500|unexpected argument \"8500\" (see --help)",
            "--reaper-interval 5x|--reaper-interval must be a duration such as 500ms, 10s, 2m or 1h, got \"5x\"",
            "--reaper-interval 0s|--reaper-interval must be greater than zero, got \"0s\"",
            "--min-deregister-after -1s|--min-deregister-after must not be negative, got \"-1s\"",
            "--acl-token|--acl-token needs a value (see --help)",
            "--acl-token=|--acl-token needs a token without spaces, e.g. a UUID",
            "--acl-token --port|--acl-token needs a value (see --help)"})
    void badFlagsGiveOneLineAndExitCodeTwo(String args, String message) {
        assertThatThrownBy(() -> CommandLine.parse(args.split(" "))).hasMessage(message);
        Output output = run(args.split(" "));
        assertThat(output.code).isEqualTo(2);
        assertThat(output.err).isEqualTo("consul-emulator: " + message + System.lineSeparator());
        assertThat(output.out).isEmpty();
    }

    @Test
    void aTakenPortGivesOneLineAndExitCodeOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Output output = run("--port", Integer.toString(taken.getLocalPort()));
            assertThat(output.code).isEqualTo(1);
            assertThat(output.err).isEqualTo("consul-emulator: port " + taken.getLocalPort()
                    + " is already in use" + System.lineSeparator());
        }
    }

    @Test
    void theEmbeddedApiSaysTheSameAboutATakenPort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> ConsulEmulator.start(EmulatorConfig.builder().port(taken.getLocalPort()).build()))
                    .isInstanceOf(EmulatorStartException.class)
                    .hasMessage("port " + taken.getLocalPort() + " is already in use");
        }
    }

    @Test
    void theBuilderRefusesNonsense() {
        assertThatThrownBy(() -> EmulatorConfig.builder().port(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmulatorConfig.builder().reaperInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmulatorConfig.builder().aclToken("").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ACL token");
        assertThatThrownBy(() -> EmulatorConfig.builder().aclToken("two words").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ACL token");
    }

    private record Output(int code, String out, String err) {
    }

    private static Output run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
