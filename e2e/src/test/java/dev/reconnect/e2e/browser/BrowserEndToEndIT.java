package dev.reconnect.e2e.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.client.ClientState;
import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.protocol.readiness.ReadinessChange;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.devkit.scenario.Summary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The browser page the gateway serves at {@code /}, in Debian's headless Chromium, against the whole
 * system as real processes: ws-service is SIGKILLed and restarted while the page is connected. The
 * page must wait for readiness, reconnect through the gateway, resume after the last seq it saw
 * (nothing lost, nothing twice) and never connect while readiness says not ready. A publish from the
 * page's box must be acknowledged.
 *
 * <p>Uses {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} only (no driver or browser
 * download); without them the test is skipped.
 */
class BrowserEndToEndIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Not the lead's SigkillEndToEndIT block (28500). */
    private static final int PORT_BASE = 29500;
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(90);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path runDir;

    private WebDriver driver;
    private ScenarioRun run;

    @Test
    void thePageWaitsForReadinessAfterSigkillReconnectsAndLosesNothing() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser test skipped: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed; on Debian/Ubuntu: "
                        + "sudo apt-get install chromium chromium-driver");

        try (ScenarioRun scenario = new ScenarioRun(
                new LocalSystem(LocalSystem.findRoot(), Ports.from(PORT_BASE), runDir), 1,
                line -> System.out.println("[browser-e2e] " + line))) {
            run = scenario;
            run.start(1); // registry, api-service, gateway, CLI client and publisher, then ws-service; all ready

            driver = startChromium();
            try {
                exercisePage(run);
            } finally {
                screenshot();
                driver.quit();
            }
        }
    }

    private void exercisePage(ScenarioRun run) {
        driver.get(run.gateway().resolve("/").toString());

        eventually(() -> assertThat(state()).as(this::story).isEqualTo(ClientState.OPEN));
        eventually(() -> assertThat(number("received")).as(this::story).isPositive());

        // Publish from the page's box; the ack names the seq the log stored it under.
        String body = "hello from the browser " + System.nanoTime();
        driver.findElement(By.id("publish-input")).sendKeys(body);
        driver.findElement(By.id("publish-button")).click();
        eventually(() -> assertThat(text("last-ack")).as(this::story).matches("\\d+"));
        long ackSeq = Long.parseLong(text("last-ack"));
        eventually(() -> assertThat(number("last-seq")).as(this::story).isGreaterThanOrEqualTo(ackSeq));
        assertThat(number("pending")).as(this::story).isZero();

        // Past the minimum uptime, a drop goes straight to waiting for readiness (no backoff first).
        eventually(() -> assertThat(driver.findElement(By.id("state")).getDomAttribute("data-stable"))
                .as(this::story).isEqualTo("true"));
        long receivedBeforeKill = number("received");

        Instant killedAt = run.disrupt("sigkill"); // kill -9 ws-service, restart it, wait for the CLI client
        long t0 = killedAt.toEpochMilli();

        eventually(() -> {
            List<Transition> after = transitionsSince(t0);
            assertThat(after).as(this::story).isNotEmpty();
            assertThat(List.of(after.get(0).from(), after.get(0).to())).as(this::story)
                    .containsExactly(ClientState.OPEN, ClientState.WAITING_FOR_READINESS);
            assertThat(after.get(after.size() - 1).to()).as(this::story).isEqualTo(ClientState.OPEN);
            assertThat(state()).as(this::story).isEqualTo(ClientState.OPEN);
        });
        assertThat(number("reconnects")).as(this::story).isGreaterThanOrEqualTo(1);

        // Stops the publisher and the CLI client once it has everything; the log's head is final then.
        Summary cli = run.settle("sigkill", killedAt);
        long head = run.currentHead();
        assertThat(head).as(this::story).isGreaterThan(receivedBeforeKill);
        eventually(() -> assertThat(number("last-seq")).as(this::story).isEqualTo(head));

        assertThat(number("received")).as("every message from 1 to the head, each once\n%s", story())
                .isEqualTo(head);
        assertThat(number("lost")).as(this::story).isZero();
        assertThat(number("duplicates")).as(this::story).isZero();
        assertThat(number("malformed")).as(this::story).isZero();
        assertThat(number("connects-while-not-ready")).as(this::story).isZero();
        assertThat(number("pending")).as(this::story).isZero();
        assertThat(text("last-ack")).as(this::story).isEqualTo(Long.toString(ackSeq));

        // Cross-check the page's connect attempts against readiness as the gateway recorded it.
        List<ReadinessChange> afterKill = run.readinessChangesSince(killedAt);
        assertThat(afterKill).as("readiness went not-ready, then ready again\n%s", story())
                .anyMatch(c -> !c.ready())
                .last().matches(ReadinessChange::ready);
        long lastNotReadyAt = afterKill.stream().filter(c -> !c.ready())
                .mapToLong(ReadinessChange::at).max().orElseThrow();
        List<Transition> connects = transitionsSince(t0).stream().filter(t -> t.to() == ClientState.CONNECTING).toList();
        assertThat(connects).as("the page connected again after the kill\n%s", story()).isNotEmpty();
        assertThat(connects).as("no connect attempt while readiness said not ready (last not-ready at %d)\n%s",
                lastNotReadyAt, story()).allMatch(t -> t.at() > lastNotReadyAt);

        // The live view shows readiness per service.
        assertThat(text("readiness")).as(this::story).contains("ws-service").contains("api-service").contains("passing");
        System.out.println("[browser-e2e] page: received " + number("received") + ", head " + head + ", lost "
                + number("lost") + ", duplicates " + number("duplicates") + ", reconnects " + number("reconnects")
                + "; CLI client: " + cli.line());
    }

    // ---------------------------------------------------------------------------------------------

    private WebDriver startChromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,1400",
                "--user-data-dir=" + runDir.resolve("chromium-profile").toAbsolutePath());
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        // An explicit driver executable: Selenium Manager (which would download one) is not used.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(runDir.resolve("chromedriver.log").toFile())
                .build();
        return new ChromeDriver(service, options);
    }

    private static void eventually(ThrowingRunnable assertion) {
        await().atMost(PAGE_TIMEOUT).pollInterval(Duration.ofMillis(200)).pollInSameThread()
                .ignoreExceptions().untilAsserted(assertion);
    }

    private String text(String id) {
        return driver.findElement(By.id(id)).getText().trim();
    }

    private long number(String id) {
        return Long.parseLong(text(id));
    }

    /** The page's state names are the Java client's: one that is not fails the test here. */
    private ClientState state() {
        return ClientState.valueOf(text("state"));
    }

    private record Transition(long at, ClientState from, ClientState to, String text) {}

    @SuppressWarnings("unchecked")
    private List<Transition> timeline() {
        Object rows = ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll('#timeline li')).map(li => "
                        + "({t: Number(li.dataset.t), from: li.dataset.from, to: li.dataset.to, text: li.textContent}));");
        return ((List<Map<String, Object>>) rows).stream()
                .map(r -> new Transition(((Number) r.get("t")).longValue(), ClientState.valueOf((String) r.get("from")),
                        ClientState.valueOf((String) r.get("to")), (String) r.get("text")))
                .toList();
    }

    private List<Transition> transitionsSince(long t0) {
        return timeline().stream().filter(t -> t.at() >= t0).toList();
    }

    /** What the page shows, its browser console and what the system did: for failure messages. */
    private String story() {
        StringBuilder text = new StringBuilder("\n--- the page (").append(runDir).append(") ---\n");
        try {
            for (String id : List.of("state", "received", "last-seq", "lost", "duplicates", "reconnects",
                    "connect-attempts", "failed-upgrades", "connects-while-not-ready", "malformed", "bad-readiness",
                    "pending", "last-ack", "readiness-detail")) {
                List<WebElement> found = driver.findElements(By.id(id));
                text.append(id).append('=').append(found.isEmpty() ? "(missing)" : found.get(0).getText()).append("  ");
            }
            text.append("\ntimeline:\n").append(timeline().stream().map(t -> t.at() + " " + t.text())
                    .collect(Collectors.joining("\n")));
            text.append("\nproblems:\n").append(driver.findElement(By.id("problems")).getText());
            text.append("\nbrowser console:\n").append(driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .map(LogEntry::toString).collect(Collectors.joining("\n")));
        } catch (RuntimeException e) {
            text.append("\n(could not read the page: ").append(e).append(")");
        }
        if (run != null) {
            text.append("\n--- the system ---\n").append(run.timeline());
        }
        return text.toString();
    }

    /** The page at the end, into the run folder (kept when the test fails) and target/ (kept always). */
    private void screenshot() {
        try {
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Path file = runDir.resolve("browser-end-to-end.png");
            Files.write(file, png);
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                Files.write(target.resolve("browser-end-to-end.png"), png);
            }
            System.out.println("[browser-e2e] screenshot: " + file);
        } catch (IOException | RuntimeException e) {
            System.out.println("[browser-e2e] no screenshot: " + e);
        }
    }
}
