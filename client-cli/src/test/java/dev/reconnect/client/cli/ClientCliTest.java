package dev.reconnect.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.protocol.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class ClientCliTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "listen --clients abc",
            "listen --clients 0",
            "--bogus",
            "listen --duration 5x",
            "listen --duration -5s",
            "listen --stats-interval 0s",
            "listen --gateway ftp://example.org",
            "listen --gateway not-a-uri",
            "listen --backoff-initial 2s --backoff-max 1s",
            "listen --give-up-attempts 0",
            "publish --rate 0",
            "publish --count 0",
            "publish --rate fast",
            "frobnicate"})
    void badUsageIsOneClearLineAndExitCode2(String args) {
        CliRun run = CliRun.run(args.split(" "));

        assertThat(run.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("client-cli: ").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out).isEmpty();
    }

    @Test
    void badValueSaysWhatIsWrong() {
        CliRun run = CliRun.run("listen", "--clients", "abc");
        assertThat(run.err).contains("--clients").contains("abc");
        CliRun duration = CliRun.run("--duration", "soon");
        assertThat(duration.err).contains("'soon' is not a duration (use e.g. 500ms, 2s, 1.5s, 3m, 1h)");
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        CliRun run = CliRun.run("--help");
        assertThat(run.exitCode).isZero();
        assertThat(run.out).contains("listen").contains("publish").contains("Exit codes:")
                .contains("0   normal end").contains("1   a client failed").contains("2   bad usage");
        CliRun listen = CliRun.run("listen", "--help");
        assertThat(listen.out).contains("--gateway").contains("--clients").contains("--json").contains("--duration")
                .contains("--heartbeat-timeout").contains("--stats-interval").contains("--quiet-messages")
                .contains("Exit codes:");
    }

    @Test
    void listenAgainstAClosedPortPrintsOneLinePerReadinessAttemptAndKeepsGoing() throws IOException {
        int port = closedPort();
        CliRun run = CliRun.run("listen", "--gateway", "http://127.0.0.1:" + port, "--duration", "3s",
                "--backoff-initial", "200ms", "--backoff-max", "400ms");

        assertThat(run.exitCode).isEqualTo(ExitCodes.OK);
        assertThat(run.err).isEmpty();
        List<String> lines = run.outLines();
        Pattern readiness = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\+(\\d+\\.\\d)s client-1 readiness: "
                + "gateway unreachable \\(connection refused\\), next try in (\\d+) ms$");
        List<String> attempts = lines.stream().filter(l -> l.contains(" readiness: ")).collect(Collectors.toList());
        assertThat(attempts).allSatisfy(line -> assertThat(line).matches(readiness));
        assertThat(attempts.size()).as("attempts in 3 s with a 400 ms cap").isGreaterThanOrEqualTo(5);
        // one line per attempt, and the attempts keep coming until the end
        List<Double> times = new ArrayList<>();
        for (String line : attempts) {
            Matcher m = readiness.matcher(line);
            assertThat(m.matches()).isTrue();
            times.add(Double.parseDouble(m.group(1)));
        }
        assertThat(times.get(times.size() - 1)).isGreaterThanOrEqualTo(2.0);
        assertThat(lines.get(0)).endsWith("client-1 NEW -> WAITING_FOR_READINESS (started)");
        assertThat(lines).hasSize(attempts.size() + 3); // + start, own close, final totals
        assertThat(lines.get(lines.size() - 2)).endsWith("client-1 WAITING_FOR_READINESS -> CLOSED (closed by client)");
        assertThat(lines.get(lines.size() - 1)).contains("final: 1 client, connected 0, waiting 0, reconnects 0, "
                + "received 0, lost 0, duplicates 0, failed upgrades 0, last seq 0");
    }

    @Test
    void listenJsonEmitsOneObjectPerLineWithStatsAndAFinalStats() throws IOException {
        int port = closedPort();
        CliRun run = CliRun.run("listen", "--json", "--clients", "3", "--gateway", "http://127.0.0.1:" + port,
                "--duration", "2s", "--stats-interval", "500ms", "--backoff-initial", "200ms", "--backoff-max", "400ms");

        assertThat(run.exitCode).isEqualTo(ExitCodes.OK);
        List<JsonNode> events = run.outLines().stream().map(Json.MAPPER::readTree).collect(Collectors.toList());
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("t").isIntegralNumber()).isTrue();
            assertThat(e.path("event").isString()).isTrue();
        });
        assertThat(events).filteredOn(e -> e.path("event").asString().equals("state")).first().satisfies(e -> {
            assertThat(e.path("client").asString()).startsWith("client-");
            assertThat(e.path("from").asString()).isEqualTo("NEW");
            assertThat(e.path("to").asString()).isEqualTo("WAITING_FOR_READINESS");
            assertThat(e.has("reason")).isTrue();
        });
        assertThat(events).filteredOn(e -> e.path("event").asString().equals("readiness"))
                .extracting(e -> e.path("client").asString()).contains("client-1", "client-2", "client-3");
        List<JsonNode> stats = events.stream().filter(e -> e.path("event").asString().equals("stats"))
                .collect(Collectors.toList());
        assertThat(stats.size()).isGreaterThanOrEqualTo(3);
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("event").asString()).isEqualTo("stats");
        assertThat(last.path("final").asBoolean()).isTrue();
        for (String field : List.of("clients", "connected", "waiting", "reconnects", "received", "lost", "duplicates",
                "failedUpgrades", "minLastSeq", "maxLastSeq")) {
            assertThat(last.has(field)).as(field).isTrue();
        }
        assertThat(last.path("clients").asInt()).isEqualTo(3);
        assertThat(stats.get(0).has("final")).isFalse();
        assertThat(stats.get(0).path("waiting").asInt()).isEqualTo(3);
    }

    @Test
    void aClientThatGivesUpEndsListenWithExitCode1() throws IOException {
        int port = closedPort();
        CliRun run = CliRun.run("listen", "--gateway", "http://127.0.0.1:" + port, "--give-up-attempts", "2",
                "--backoff-initial", "50ms", "--backoff-max", "100ms", "--duration", "30s");

        assertThat(run.exitCode).isEqualTo(ExitCodes.CLIENT_FAILED);
        assertThat(run.out).contains("client-1 WAITING_FOR_READINESS -> FAILED (gave up after 2 failed attempts "
                + "(last: gateway unreachable (connection refused)))");
        assertThat(run.outLines().get(run.outLines().size() - 1)).contains("final: 1 client, connected 0, waiting 0, failed 1");
    }

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
