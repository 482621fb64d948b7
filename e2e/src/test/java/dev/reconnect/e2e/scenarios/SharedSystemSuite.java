package dev.reconnect.e2e.scenarios;

import dev.reconnect.devkit.launch.Http;
import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.protocol.log.LogPage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A suite whose cases run in order on one system (one ws-service instance), started before the first case and
 * stopped after the last, so that the suite stays quick. Its directory (logs, data) is a fresh temporary one,
 * kept after the run for whoever reads a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SharedSystemSuite {
    /** Read by ScenarioPortsTest, which checks every suite's port block. */
    final Target target;
    private final int clients;
    private final String label;
    LocalSystem system;
    ScenarioRun run;

    /** {@code label} starts each line the run prints (e.g. "faults"). */
    SharedSystemSuite(Target target, int clients, String label) {
        this.target = target;
        this.clients = clients;
        this.label = label;
    }

    /** Settings the suite needs before the system starts (e.g. ws-service's); none by default. */
    ScenarioRun configure(ScenarioRun run) {
        return run;
    }

    @BeforeAll
    void startTheSystem() throws IOException {
        system = target.newSystem(Files.createTempDirectory(getClass().getSimpleName()));
        run = configure(new ScenarioRun(system, clients, Target.narrator(label)));
        run.start(1);
    }

    @AfterAll
    void stopEverything() {
        if (run != null) {
            run.close();
        }
    }

    /** Every log entry after seq {@code after}, page by page through the gateway. */
    List<LogEntry> readLog(long after) {
        List<LogEntry> entries = new ArrayList<>();
        long cursor = after;
        while (true) {
            URI page = run.gateway().resolve(Paths.MESSAGES + "?" + LogPage.PARAM_AFTER + "=" + cursor + "&"
                    + LogPage.PARAM_LIMIT + "=" + LogPage.MAX_LIMIT);
            String body = Http.get(page, Duration.ofSeconds(10)).filter(a -> a.status() == 200)
                    .orElseThrow(() -> new AssertionError("cannot read the log at " + page)).body();
            LogPage read = Json.MAPPER.readValue(body, LogPage.class);
            if (read.entries().isEmpty()) {
                return entries;
            }
            entries.addAll(read.entries());
            cursor = read.entries().get(read.entries().size() - 1).seq();
        }
    }
}
