package dev.reconnect.ws.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.sun.net.httpserver.HttpServer;
import dev.reconnect.ws.WsProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/** How the log client tells "not stored" from "may be stored" from "busy", against real sockets. */
class LogClientTest {
    private final DiscoveryClient discovery = mock(DiscoveryClient.class);
    private final LogClient client = new LogClient(discovery, WsProperties.defaults());
    private HttpServer http;
    private ServerSocket raw;

    private void instanceAt(int port) {
        when(discovery.getInstances("api-service"))
                .thenReturn(List.of(new DefaultServiceInstance("api-1", "api-service", "127.0.0.1", port, false)));
    }

    private void answer(int status, String body, String retryAfter) throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        http.start();
        instanceAt(http.getAddress().getPort());
    }

    @AfterEach
    void stop() throws IOException {
        if (http != null) {
            http.stop(0);
        }
        if (raw != null) {
            raw.close();
        }
    }

    @Test
    void aPublishThatCannotConnectWasNotStored() throws IOException {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0)) {
            closedPort = free.getLocalPort();
        }
        instanceAt(closedPort);
        assertThatThrownBy(() -> client.publish("k", "b"))
                .isExactlyInstanceOf(LogUnavailableException.class).hasMessageContaining("cannot be reached");
    }

    @Test
    void withTheRegistryDownTheLastInstanceThatAnsweredIsUsedAgain() throws IOException {
        answer(201, "{\"key\":\"k\",\"seq\":1,\"duplicate\":false}", null);
        int port = http.getAddress().getPort();
        assertThat(client.publish("k", "b").seq()).isEqualTo(1);

        http.stop(0); // api-service goes away, and the registry with it
        when(discovery.getInstances("api-service")).thenThrow(new IllegalStateException("registry down"));
        assertThatThrownBy(() -> client.publish("k2", "b"))
                .isExactlyInstanceOf(LogUnavailableException.class).hasMessageContaining("cannot be reached");

        // api-service is back on its address; the registry is still down
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        http.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = "{\"key\":\"k2\",\"seq\":2,\"duplicate\":false}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        http.start();
        assertThat(client.publish("k2", "b").seq()).isEqualTo(2);
    }

    @Test
    void aPublishWithNoPassingInstanceWasNotStored() {
        when(discovery.getInstances("api-service")).thenReturn(List.of());
        assertThatThrownBy(() -> client.publish("k", "b"))
                .isExactlyInstanceOf(LogUnavailableException.class).hasMessageContaining("no passing instance");
    }

    @Test
    void aPublishWhoseConnectionEndsAfterTheRequestWasSentHasAnUnknownOutcome() throws Exception {
        raw = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
            try (Socket socket = raw.accept()) {
                InputStream in = socket.getInputStream();
                StringBuilder request = new StringBuilder();
                while (!request.toString().contains("\"body\"")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    request.append((char) b);
                }
                socket.setSoLinger(true, 0); // a reset, as from a process killed mid-request
                return request.toString();
            } catch (IOException e) {
                return e.toString();
            }
        });
        instanceAt(raw.getLocalPort());

        assertThatThrownBy(() -> client.publish("k", "b"))
                .isInstanceOf(LogOutcomeUnknownException.class).hasMessageContaining("did not answer the publish");
        assertThat(received.join()).contains("POST");
    }

    @Test
    void aPublishAnsweredWithA5xxHasAnUnknownOutcome() throws IOException {
        answer(502, "{\"error\":\"bad gateway\"}", null);
        assertThatThrownBy(() -> client.publish("k", "b"))
                .isInstanceOf(LogOutcomeUnknownException.class).hasMessageContaining("502");
    }

    @Test
    void aPublishAnsweredWith429WasNotStoredAndIsRetriedShortly() throws IOException {
        answer(429, "", "2");
        assertThatThrownBy(() -> client.publish("k", "b"))
                .isInstanceOfSatisfying(LogBusyException.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
    }

    @Test
    void aReadAnswered429IsBusyWithTheServersRetryAfterAndKeepsTheInstance() throws IOException {
        AtomicInteger lookups = new AtomicInteger();
        answer(429, "{\"error\":\"too many waiting\"}", "1");
        int port = http.getAddress().getPort();
        when(discovery.getInstances("api-service")).thenAnswer(invocation -> {
            lookups.incrementAndGet();
            return List.of(new DefaultServiceInstance("api-1", "api-service", "127.0.0.1", port, false));
        });
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.read(0, 10, Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(LogBusyException.class,
                            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
        }
        assertThat(lookups).as("a busy instance is not forgotten").hasValue(1);
    }

    @Test
    void aRejectedPublishSaysWhy() throws IOException {
        answer(409, "{\"error\":\"key k was used for another body\"}", null);
        assertThatThrownBy(() -> client.publish("k", "b"))
                .isInstanceOfSatisfying(LogRejectedException.class, e -> {
                    assertThat(e.keyConflict()).isTrue();
                    assertThat(e.getMessage()).isEqualTo("key k was used for another body");
                });
    }
}
