package dev.reconnect.ws.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.ActiveProfiles;

/** With the log up: start-up returns a ready instance that has read a backlog over its own WebSocket path. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ReadyOnceWarmTest {
    static final int HEAD = 150;

    @Autowired
    WebServerApplicationContext context;

    /** Room in the accept queue for a whole reconnecting crowd: the kernel drops what overflows it. */
    @Test
    void theAcceptQueueHoldsAReconnectingCrowd() {
        Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();
        assertThat(connector.getProperty("acceptCount")).isEqualTo(1024);
    }

    @TestConfiguration
    static class Log {
        @Bean
        @Primary
        ScriptedLog scriptedLog() {
            return new ScriptedLog(HEAD);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ScriptedLog log;

    @Autowired
    WarmUpHealthIndicator warmUp;

    @Autowired
    MeterRegistry registry;

    @Test
    void startUpReturnsAReadyInstanceWhoseWebSocketPathHasServedABacklog() throws Exception {
        assertThat(status("/readyz")).isEqualTo(200);
        assertThat(warmUp.stage()).isEqualTo(StartupReadiness.Stage.READY);
        assertThat(warmUp.health().getDetails()).containsEntry("warmUpSessions", "4 of 4");
        assertThat(log.readsAfter()).as("a warm-up session read the newest 100 messages from the log")
                .contains((long) HEAD - 100);
    }

    @Test
    void theWarmUpSessionsAreNotCountedAsClientsButAClientIs() throws Exception {
        assertThat(registry.get("ws.sessions").gauge().value()).isZero();
        assertThat(upgrades()).as("no upgrade recorded before a client came").isZero();

        WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder()
                .header(LoopbackWarmUp.HEADER, "a client pretending to be the warm-up")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() { })
                .get(10, TimeUnit.SECONDS);
        try {
            client.sendText(FrameCodec.encode(new Frame.Hello(HEAD)), true).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(upgrades()).isEqualTo(1);
                assertThat(registry.get("ws.sessions").gauge().value()).isEqualTo(1);
            });
        } finally {
            client.abort();
        }
    }

    /** Handshakes answered 101 as http.server.requests counts them. */
    private long upgrades() {
        Collection<Timer> timers = registry.find("http.server.requests").tag("status", "101").timers();
        return timers.stream().mapToLong(Timer::count).sum();
    }

    private int status(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
