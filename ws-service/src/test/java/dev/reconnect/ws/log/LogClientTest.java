package dev.reconnect.ws.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.log.PublishResult;
import dev.reconnect.ws.WsProperties;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * The log client as the application wires it (Spring Cloud LoadBalancer, Consul discovery against a
 * consul-emulator that the tests take down and bring back) and against real sockets: which instance
 * gets a request, and how "not stored" is told from "may be stored" from "busy" from "refused".
 * Each test balances a service name of its own, so that no test inherits another's chosen instance.
 */
@SpringBootTest(classes = LogClientTest.Wiring.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
                "spring.cloud.consul.discovery.register=false",
                "spring.cloud.service-registry.auto-registration.enabled=false",
                "spring.cloud.consul.discovery.catalog-services-watch.enabled=false",
                // application.yml's readiness group names the application's warm-up check, not wired here
                "management.endpoint.health.validate-group-membership=false"})
@ExtendWith(OutputCaptureExtension.class)
class LogClientTest {
    private static final AtomicInteger SERVICES = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int REGISTRY_PORT;
    private static volatile ConsulEmulator registry;

    static {
        registry = ConsulEmulator.start(EmulatorConfig.builder().port(0).build());
        REGISTRY_PORT = registry.port();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableConfigurationProperties(WsProperties.class)
    @Import({LogClientConfiguration.class, LogClient.class})
    static class Wiring {
    }

    @DynamicPropertySource
    static void registryAddress(DynamicPropertyRegistry properties) {
        properties.add("spring.cloud.consul.host", () -> "127.0.0.1");
        properties.add("spring.cloud.consul.port", () -> REGISTRY_PORT);
    }

    @Autowired
    @LoadBalanced
    RestClient.Builder loadBalanced;

    @Autowired
    LogClient applicationClient;

    private final String service = "log-" + SERVICES.incrementAndGet();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    private LogClient client() {
        return new LogClient(loadBalanced, service);
    }

    @AfterEach
    void stopInstancesAndBringTheRegistryBack() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        if (registry == null) {
            registryBack();
        }
    }

    @AfterAll
    static void stopTheRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    // ---------------------------------------------------------------- which instance gets a request

    @Test
    void theApplicationsClientReachesThePassingInstanceOfTheServiceNamedInItsProperties() throws Exception {
        Instance api = instance(201, "{\"key\":\"k\",\"seq\":7,\"duplicate\":false}");
        register("api-service", api, true);
        try {
            assertThat(applicationClient.publish("k", "b").seq()).isEqualTo(7);
            assertThat(api.hits()).isEqualTo(1);
        } finally {
            deregister("api-service", api);
        }
    }

    @Test
    void onlyPassingInstancesGetRequests() throws Exception {
        Instance passing = instance(200, page(3));
        Instance critical = instance(200, page(3));
        register(service, passing, true);
        register(service, critical, false);
        LogClient client = client();

        for (int i = 0; i < 10; i++) {
            assertThat(client.read(0, 10, Duration.ZERO).head()).isEqualTo(3);
        }
        assertThat(passing.hits()).isEqualTo(10);
        assertThat(critical.hits()).isZero();
    }

    @Test
    void oneInstanceIsKeptUntilTheRegistryNoLongerListsItPassingThenTheNextRequestGoesElsewhere() throws Exception {
        TwoInstances two = twoPassing(200, page(1));
        LogClient client = client();

        for (int i = 0; i < 5; i++) {
            client.read(0, 10, Duration.ZERO);
        }
        Instance kept = two.kept();
        Instance other = two.otherThan(kept);
        assertThat(kept.hits()).as("every request went to one instance").isEqualTo(5);

        failCheck(service, kept); // still answering, but no longer passing: no request may go there
        client.read(0, 10, Duration.ZERO);
        client.read(0, 10, Duration.ZERO);
        assertThat(kept.hits()).isEqualTo(5);
        assertThat(other.hits()).isEqualTo(2);
    }

    @Test
    void aConnectionFailureMovesOnToAnotherPassingInstance() throws Exception {
        TwoInstances two = twoPassing(201, "{\"key\":\"k\",\"seq\":1,\"duplicate\":false}");
        LogClient client = client();
        client.publish("k", "b");
        Instance kept = two.kept();
        Instance other = two.otherThan(kept);

        kept.stop(); // gone, while the registry still lists it as passing
        assertThatThrownBy(() -> client.publish("k2", "b"))
                .isExactlyInstanceOf(LogUnavailableException.class).hasMessageContaining("cannot be reached");
        for (int i = 0; i < 3; i++) {
            client.publish("k2", "b");
        }
        assertThat(other.hits()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- while the registry names none

    @Test
    void withTheRegistryDownTheLastInstanceThatAnsweredIsUsedAgain(CapturedOutput output) throws Exception {
        Instance api = instance(201, "{\"key\":\"k\",\"seq\":1,\"duplicate\":false}");
        register(service, api, true);
        LogClient client = client();
        client.publish("k", "b");

        registryDown();
        client.publish("k", "b");
        client.publish("k", "b");
        assertThat(api.hits()).isEqualTo(3);

        api.stop(); // api-service goes away too
        assertThatThrownBy(() -> client.publish("k2", "b"))
                .isExactlyInstanceOf(LogUnavailableException.class).hasMessageContaining("cannot be reached");

        api.restart(); // back on its address; the registry is still down
        assertThat(client.publish("k2", "b").seq()).isEqualTo(1);
        assertThat(api.hits()).isEqualTo(4);
        assertThat(occurrences(output, "The registry names no " + service + " instance"))
                .as("one line when the fallback starts").isEqualTo(1);
        assertThat(output.getOut()).contains("going on with the last one that answered, 127.0.0.1:" + api.port());
    }

    @Test
    void aRegistryThatLostItsRegistrationsAlsoFallsBackUntilItNamesInstancesAgain(CapturedOutput output)
            throws Exception {
        Instance old = instance(200, page(4));
        register(service, old, true);
        LogClient client = client();
        client.read(0, 10, Duration.ZERO);

        registryDown();
        registryBack(); // up again, and empty
        assertThat(client.read(0, 10, Duration.ZERO).head()).isEqualTo(4);
        assertThat(old.hits()).isEqualTo(2);

        Instance registered = instance(200, page(5));
        register(service, registered, true);
        assertThat(client.read(0, 10, Duration.ZERO).head()).as("the registry's instance, not the fallback")
                .isEqualTo(5);
        assertThat(old.hits()).isEqualTo(2);
        assertThat(occurrences(output, "The registry names no " + service + " instance")).isEqualTo(1);
        assertThat(occurrences(output, "The registry names " + service + " instances again"))
                .as("one line when the registry names instances again").isEqualTo(1);
    }

    @Test
    void withNothingToFallBackOnNothingIsSentAndTheMessageSaysWhy() {
        LogClient client = client();
        assertThatThrownBy(() -> client.publish("k", "b"))
                .isExactlyInstanceOf(LogUnavailableException.class).hasMessageContaining("no passing instance");

        registryDown();
        assertThatThrownBy(() -> client.publish("k", "b"))
                .isExactlyInstanceOf(LogUnavailableException.class)
                .hasMessageContaining("cannot be looked up: the registry did not answer");
    }

    @Test
    void aRegistryThatHangsDoesNotHoldRequestsWhileAnInstanceHasAnswered() throws Exception {
        Instance api = instance(200, page(2));
        HangingRegistry hanging = new HangingRegistry(
                new DefaultServiceInstance("api-1", "api-service", "127.0.0.1", api.port(), false));
        LogClient client = new LogClient(hanging, WsProperties.defaults());
        client.read(0, 10, Duration.ZERO);

        hanging.hang();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(client.read(0, 10, Duration.ZERO).head()).isEqualTo(2);
            }
            assertThat(api.hits()).isEqualTo(4);
            assertThat(hanging.unanswered()).as("the registry has not answered since it hung").isEqualTo(1);
        } finally {
            hanging.release();
        }
    }

    // ---------------------------------------------------------------- what an outcome means

    @Test
    void aPublishThatCannotConnectWasNotStored() throws Exception {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        register(service, closedPort, true);
        assertThatThrownBy(() -> client().publish("k", "b"))
                .isExactlyInstanceOf(LogUnavailableException.class).hasMessageContaining("cannot be reached");
    }

    @Test
    void aConnectTimeoutMeansNothingWasSentButARequestTimeoutDoesNot() {
        assertThat(LogClient.neverSent(new HttpConnectTimeoutException("connect timed out"))).isTrue();
        assertThat(LogClient.neverSent(new java.net.ConnectException("refused"))).isTrue();
        assertThat(LogClient.neverSent(new HttpTimeoutException("request timed out"))).isFalse();
        assertThat(LogClient.neverSent(new IOException("connection reset"))).isFalse();
    }

    @Test
    void aPublishWhoseConnectionEndsAfterTheRequestWasSentHasAnUnknownOutcome() throws Exception {
        ServerSocket raw = rawSocket();
        CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
            try (Socket socket = raw.accept()) {
                String request = readUntil(socket.getInputStream(), "\"body\"");
                socket.setSoLinger(true, 0); // a reset, as from a process killed mid-request
                return request;
            } catch (IOException e) {
                return e.toString();
            }
        });
        register(service, raw.getLocalPort(), true);

        assertThatThrownBy(() -> client().publish("k", "b"))
                .isInstanceOf(LogOutcomeUnknownException.class).hasMessageContaining("did not answer the publish");
        assertThat(received.join()).contains("POST");
    }

    @Test
    void aPublishThatGetsNoAnswerInTimeHasAnUnknownOutcome() throws Exception {
        ServerSocket raw = rawSocket();
        CountDownLatch answered = new CountDownLatch(1);
        CompletableFuture.runAsync(() -> {
            try (Socket socket = raw.accept()) {
                readUntil(socket.getInputStream(), "\"body\"");
                answered.await(); // holds the request without a word until the test is over
            } catch (IOException | InterruptedException e) {
                // the test ended
            }
        });
        toClose.add(answered::countDown);
        register(service, raw.getLocalPort(), true);

        assertThatThrownBy(() -> client().publish("k", "b"))
                .isInstanceOf(LogOutcomeUnknownException.class)
                .hasMessageContaining("did not answer the publish (HttpTimeoutException)");
    }

    @Test
    void aPublishAnsweredWithA5xxHasAnUnknownOutcomeAndAReadIsUnavailable() throws Exception {
        register(service, instance(502, "{\"error\":\"bad gateway\"}"), true);
        LogClient client = client();
        assertThatThrownBy(() -> client.publish("k", "b"))
                .isInstanceOf(LogOutcomeUnknownException.class).hasMessageContaining("502");
        assertThatThrownBy(() -> client.read(0, 10, Duration.ZERO))
                .isExactlyInstanceOf(LogUnavailableException.class).hasMessageContaining("answered 502 to a read");
    }

    @Test
    void aPublishAnswered429WasNotStoredAndIsRetriedAfterTheServersRetryAfter() throws Exception {
        Instance busy = instance(429, "");
        busy.retryAfter = "2";
        register(service, busy, true);
        assertThatThrownBy(() -> client().publish("k", "b"))
                .isInstanceOfSatisfying(LogBusyException.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
    }

    @Test
    void aReadAnswered429IsBusyAndTheBusyInstanceIsKept() throws Exception {
        Instance a = instance(429, "{\"error\":\"too many waiting\"}");
        Instance b = instance(429, "{\"error\":\"too many waiting\"}");
        a.retryAfter = "1";
        b.retryAfter = "1";
        register(service, a, true);
        register(service, b, true);
        LogClient client = client();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.read(0, 10, Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(LogBusyException.class,
                            e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
        }
        assertThat(List.of(a.hits(), b.hits())).as("a busy instance is not left").containsExactlyInAnyOrder(3, 0);
    }

    @Test
    void aPublishRefusedAsTooLargeOrBadSaysWhyAndIsNotAKeyConflict() throws Exception {
        Instance api = instance(413, "{\"error\":\"body is larger than 65536 bytes\"}");
        register(service, api, true);
        LogClient client = client();
        assertThatThrownBy(() -> client.publish("k", "b"))
                .isInstanceOfSatisfying(LogRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.BAD_VALUE);
                    assertThat(e.getMessage()).isEqualTo("body is larger than 65536 bytes");
                });

        api.status = 400;
        api.body = "{\"error\":\"key must not be empty\"}";
        assertThatThrownBy(() -> client.publish("", "b"))
                .isInstanceOfSatisfying(LogRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.BAD_VALUE);
                    assertThat(e.getMessage()).isEqualTo("key must not be empty");
                });
    }

    @Test
    void aKeyReusedForAnotherBodyIsAConflict() throws Exception {
        register(service, instance(409, "{\"error\":\"key k was used for another body\"}"), true);
        assertThatThrownBy(() -> client().publish("k", "b"))
                .isInstanceOfSatisfying(LogRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.KEY_CONFLICT);
                    assertThat(e.getMessage()).isEqualTo("key k was used for another body");
                });
    }

    // ---------------------------------------------------------------- helpers

    private static String page(long head) {
        return "{\"entries\":[],\"head\":" + head + "}";
    }

    private static int occurrences(CapturedOutput output, String text) {
        return (int) Pattern.compile(Pattern.quote(text)).matcher(output.getOut()).results().count();
    }

    private Instance instance(int status, String body) throws IOException {
        Instance instance = new Instance(status, body);
        toClose.add(instance::stop);
        return instance;
    }

    private ServerSocket rawSocket() throws IOException {
        ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        toClose.add(raw);
        return raw;
    }

    private static String readUntil(InputStream in, String marker) throws IOException {
        StringBuilder request = new StringBuilder();
        while (!request.toString().contains(marker)) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            request.append((char) b);
        }
        return request.toString();
    }

    private static void registryDown() {
        registry.close();
        registry = null;
    }

    private static void registryBack() {
        registry = ConsulEmulator.start(EmulatorConfig.builder().port(REGISTRY_PORT).build());
    }

    /** Two passing instances of this test's service that give the same answer. */
    private TwoInstances twoPassing(int status, String body) throws Exception {
        TwoInstances two = new TwoInstances(instance(status, body), instance(status, body));
        register(service, two.a(), true);
        register(service, two.b(), true);
        return two;
    }

    private record TwoInstances(Instance a, Instance b) {
        /** The one requests went to so far (the client keeps to one instance). */
        Instance kept() {
            return a.hits() > 0 ? a : b;
        }

        Instance otherThan(Instance kept) {
            return kept == a ? b : a;
        }
    }

    private static void register(String service, Instance instance, boolean passing) throws Exception {
        register(service, instance.port(), passing);
    }

    /** A TTL check with its status given: passing or critical at once, without waiting on a check interval. */
    private static void register(String service, int port, boolean passing) throws Exception {
        String body = "{\"ID\":\"" + service + "-" + port + "\",\"Name\":\"" + service
                + "\",\"Address\":\"127.0.0.1\",\"Port\":" + port
                + ",\"Check\":{\"TTL\":\"1h\",\"Status\":\"" + (passing ? "passing" : "critical") + "\"}}";
        agent("/v1/agent/service/register", body);
    }

    private static void failCheck(String service, Instance instance) throws Exception {
        agent("/v1/agent/check/fail/service:" + service + "-" + instance.port(), "");
    }

    private static void deregister(String service, Instance instance) throws Exception {
        agent("/v1/agent/service/deregister/" + service + "-" + instance.port(), "");
    }

    private static void agent(String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registry.baseUri() + path))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    }

    /** A stand-in api-service instance: one answer for every request, counted; it can stop and come back. */
    static final class Instance {
        private final AtomicInteger hits = new AtomicInteger();
        private final int port;
        private HttpServer server;
        volatile int status;
        volatile String body;
        volatile String retryAfter;

        Instance(int status, String body) throws IOException {
            this.status = status;
            this.body = body;
            this.server = start(0);
            this.port = server.getAddress().getPort();
        }

        private HttpServer start(int onPort) throws IOException {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
            http.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                hits.incrementAndGet();
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
            return http;
        }

        int port() {
            return port;
        }

        int hits() {
            return hits.get();
        }

        void stop() {
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }

        void restart() throws IOException {
            server = start(port);
        }
    }

    /** A registry that names one instance, then, once told to hang, takes calls and never answers. */
    static final class HangingRegistry implements DiscoveryClient {
        private final ServiceInstance instance;
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger unanswered = new AtomicInteger();
        private volatile boolean hanging;

        HangingRegistry(ServiceInstance instance) {
            this.instance = instance;
        }

        void hang() {
            hanging = true;
        }

        void release() {
            released.countDown();
        }

        int unanswered() {
            return unanswered.get();
        }

        @Override
        public String description() {
            return "a registry that hangs when told to";
        }

        @Override
        public List<ServiceInstance> getInstances(String serviceId) {
            if (hanging) {
                unanswered.incrementAndGet();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("the registry hung");
            }
            return List.of(instance);
        }

        @Override
        public List<String> getServices() {
            return List.of(instance.getServiceId());
        }
    }
}
