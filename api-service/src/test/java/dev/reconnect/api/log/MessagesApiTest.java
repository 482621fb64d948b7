package dev.reconnect.api.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Limits;
import dev.reconnect.protocol.log.LogPage;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "log.max-waiting-reads=2")
@ActiveProfiles("test")
class MessagesApiTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    WaitingReads waitingReads;

    @Autowired
    MeterRegistry meters;

    @Test
    void publishAssignsGaplessSequenceNumbersAndIsIdempotentByKey() throws Exception {
        HttpResponse<String> first = post("{\"key\":\"k-1\",\"body\":\"one\"}");
        HttpResponse<String> second = post("{\"key\":\"k-2\",\"body\":\"two\"}");
        HttpResponse<String> retry = post("{\"key\":\"k-1\",\"body\":\"one\"}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(retry.statusCode()).isEqualTo(200);
        long firstSeq = seq(first);
        assertThat(seq(second)).isEqualTo(firstSeq + 1);
        assertThat(seq(retry)).isEqualTo(firstSeq);
        assertThat(Json.MAPPER.readTree(retry.body()).path("duplicate").asBoolean()).isTrue();

        LogPage page = read("?after=" + (firstSeq - 1) + "&limit=10");
        assertThat(page.entries()).extracting(e -> e.body()).containsExactly("one", "two");
        assertThat(page.head()).isEqualTo(firstSeq + 1);
    }

    @Test
    void aKeyReusedWithAnotherBodyIsRefusedWith409AndStoresNothing() throws Exception {
        long seq = seq(post("{\"key\":\"k-conflict\",\"body\":\"original\"}"));
        HttpResponse<String> conflict = post("{\"key\":\"k-conflict\",\"body\":\"changed\"}");

        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(conflict.body()).contains("already stored as message " + seq);
        LogPage page = read("?after=" + (seq - 1) + "&limit=10");
        assertThat(page.entries()).extracting(e -> e.body()).containsExactly("original");
    }

    @Test
    void badInputGetsA400WithAMessageAndStoresNothing() throws Exception {
        long headBefore = read("?after=0&limit=1").head();
        assertThat(post("not json").statusCode()).isEqualTo(400);
        assertThat(error(post("{\"body\":\"no key\"}"))).contains("\"key\" must be 1 to 128 characters");
        assertThat(error(post("{\"key\":\"k\"}"))).contains("\"body\" is missing");
        assertThat(error(post("{\"key\":\"k-lone\",\"body\":\"\\ud800\"}"))).contains("lone surrogate");

        assertThat(get("?after=-1").body()).contains("?after must be between 0");
        assertThat(error(get("?after=abc"))).isEqualTo("?after must be a whole number, not \"abc\"");
        assertThat(error(get("?after=" + "9".repeat(2_000))))
                .isEqualTo("?after must be a whole number, not \"" + "9".repeat(40) + "…\"");
        assertThat(get("?limit=0").statusCode()).isEqualTo(400);
        assertThat(get("?limit=5000").statusCode()).isEqualTo(400);
        assertThat(get("?wait=forever").body()).contains("must be a duration");
        assertThat(get("?wait=5m").body()).contains("at most 60s");
        assertThat(read("?after=0&limit=1").head()).isEqualTo(headBefore);
    }

    @Test
    void theBodyLimitIsInEncodedFrameBytes() throws Exception {
        // Over the old 16 Ki characters, well within a 64 KiB frame: stored whole.
        String large = "x".repeat(60_000);
        HttpResponse<String> stored = post("{\"key\":\"k-large\",\"body\":\"" + large + "\"}");
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        assertThat(read("?after=" + (seq(stored) - 1) + "&limit=1").entries().get(0).body()).isEqualTo(large);

        long headBefore = read("?after=0&limit=1").head();
        // 12,000 control characters are 12,000 characters but 72,000 bytes once escaped in a frame.
        HttpResponse<String> escaped = post("{\"key\":\"k-ctl\",\"body\":\"" + "\\u0001".repeat(12_000) + "\"}");
        assertThat(escaped.statusCode()).isEqualTo(413);
        assertThat(Json.MAPPER.readTree(escaped.body()).path("error").asString())
                .contains("72", "bytes", Integer.toString(Limits.MAX_FRAME_BYTES));
        assertThat(post("{\"key\":\"k-over\",\"body\":\"" + "y".repeat(Limits.MAX_FRAME_BYTES) + "\"}").statusCode())
                .isEqualTo(413);
        assertThat(read("?after=0&limit=1").head()).isEqualTo(headBefore);
    }

    @Test
    void aRequestFarLargerThanAnyPublishIsRefusedWith413WithoutReadingIt() throws Exception {
        long headBefore = read("?after=0&limit=1").head();
        String huge = "{\"key\":\"k-huge\",\"body\":\"" + "z".repeat(4 * 1024 * 1024) + "\"}";

        HttpResponse<String> withLength = post(huge);
        assertThat(withLength.statusCode()).isEqualTo(413);
        assertThat(Json.MAPPER.readTree(withLength.body()).path("error").asString()).contains("limit is 524288 bytes");

        // No Content-Length (chunked): refused as soon as the limit is passed.
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(uri(""))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(Json.MAPPER.readTree(chunked.body()).path("error").asString()).contains("larger than 524288 bytes");
        assertThat(read("?after=0&limit=1").head()).isEqualTo(headBefore);
    }

    @Test
    void longPollsBeyondTheCapAreRefusedWith429AndRetryAfter() throws Exception {
        long head = read("?after=0&limit=1").head();
        String query = "?after=" + (head + 1_000_000) + "&wait=3s";
        List<CompletableFuture<HttpResponse<String>>> held = List.of(
                http.sendAsync(HttpRequest.newBuilder(uri(query)).build(), HttpResponse.BodyHandlers.ofString()),
                http.sendAsync(HttpRequest.newBuilder(uri(query)).build(), HttpResponse.BodyHandlers.ofString()));
        await().atMost(Duration.ofSeconds(2)).until(() -> waitingReads.held() == 2);

        double rejectedBefore = meters.get("log.reads.waiting.rejected").counter().count();
        assertThat(meters.get("log.reads.waiting").gauge().value()).isEqualTo(2);
        HttpResponse<String> refused = get(query);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(meters.get("log.reads.waiting.rejected").counter().count()).isEqualTo(rejectedBefore + 1);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(Json.MAPPER.readTree(refused.body()).path("error").asString()).contains("too many waiting reads");
        // A read that need not wait is not held, so it is not refused.
        assertThat(get("?after=0&limit=1").statusCode()).isEqualTo(200);

        for (CompletableFuture<HttpResponse<String>> poll : held) {
            assertThat(poll.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> waitingReads.held() == 0);
        assertThat(get(query.replace("3s", "10ms")).statusCode()).isEqualTo(200);
    }

    @Test
    void probesAreOnTheMainPortAndTheActuatorIsNot() throws Exception {
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/livez")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(managementPort).isNotEqualTo(port);
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/metrics/log.head")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        for (String meter : List.of("log.head", "log.appends", "log.append.batch.size", "log.append.durable",
                "log.reads.waiting", "log.reads.waiting.rejected")) {
            assertThat(meters.find(meter).meters()).as(meter).isNotEmpty();
        }
    }

    @Test
    void aLongPollIsAnsweredAsSoonAsAMessageIsAppended() throws Exception {
        long head = read("?after=0&limit=1").head();
        CompletableFuture<HttpResponse<String>> poll = http.sendAsync(
                HttpRequest.newBuilder(uri("?after=" + head + "&wait=30s")).build(), HttpResponse.BodyHandlers.ofString());

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());
        post("{\"key\":\"k-wake\",\"body\":\"wake up\"}");

        HttpResponse<String> answer = poll.get(5, TimeUnit.SECONDS);
        LogPage page = Json.MAPPER.readValue(answer.body(), LogPage.class);
        assertThat(page.entries()).extracting(e -> e.body()).containsExactly("wake up");
    }

    @Test
    void aLongPollWithNothingNewEndsWithAnEmptyPageWhenTheWaitIsOver() throws Exception {
        long head = read("?after=0&limit=1").head();
        LogPage page = read("?after=" + (head + 1000) + "&wait=200ms");
        assertThat(page.entries()).isEmpty();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(""))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String query) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(query)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private LogPage read(String query) throws Exception {
        HttpResponse<String> response = get(query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readValue(response.body(), LogPage.class);
    }

    private static String error(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(400);
        return Json.MAPPER.readTree(response.body()).path("error").asString();
    }

    private static long seq(HttpResponse<String> response) {
        return Json.MAPPER.readTree(response.body()).path("seq").asLong();
    }

    private URI uri(String query) {
        return URI.create("http://127.0.0.1:" + port + "/api/messages" + query);
    }
}
