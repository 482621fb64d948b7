package dev.reconnect.ws.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.ws.log.LogFollower;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.ActiveProfiles;

/**
 * api-service down (or not started yet, as in the end-to-end start order "api-service last"): the instance
 * still becomes ready once the log timeout has run out, warmed up without a backlog.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "ws.warm-up.log-timeout=300ms")
@ActiveProfiles("test")
class ReadyWithoutTheLogTest {
    @TestConfiguration
    static class Log {
        @Bean
        @Primary
        ScriptedLog scriptedLog() {
            ScriptedLog log = new ScriptedLog(10);
            log.available(false);
            return log;
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    WarmUpHealthIndicator warmUp;

    @Autowired
    LogFollower follower;

    @Test
    void readyAfterTheLogTimeoutWithTheReasonInTheDetails() throws Exception {
        assertThat(follower.head()).as("the log never answered").isEqualTo(-1);
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        assertThat(warmUp.health().getDetails())
                .containsEntry("log", "did not answer within 300 ms of start")
                .containsEntry("warmUpSessions", "4 of 4");
    }
}
