package dev.reconnect.api.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.log.LogPage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class MessagesApiTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

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
        assertThat(post("{\"key\":\"k-big\",\"body\":\"" + "x".repeat(16 * 1024 + 1) + "\"}").statusCode()).isEqualTo(400);

        assertThat(get("?after=-1").body()).contains("?after must be between 0");
        assertThat(get("?after=abc").body()).contains("?after must be a whole number");
        assertThat(get("?limit=0").statusCode()).isEqualTo(400);
        assertThat(get("?limit=5000").statusCode()).isEqualTo(400);
        assertThat(get("?wait=forever").body()).contains("must be a duration");
        assertThat(get("?wait=5m").body()).contains("at most 60s");
        assertThat(read("?after=0&limit=1").head()).isEqualTo(headBefore);
    }

    @Test
    void aLongPollIsAnsweredAsSoonAsAMessageIsAppended() throws Exception {
        long head = read("?after=0&limit=1").head();
        CompletableFuture<HttpResponse<String>> poll = http.sendAsync(
                HttpRequest.newBuilder(uri("?after=" + head + "&wait=30s")).build(), HttpResponse.BodyHandlers.ofString());

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());
        post("{\"key\":\"k-wake\",\"body\":\"wake up\"}");

        HttpResponse<String> answer = poll.get(5, java.util.concurrent.TimeUnit.SECONDS);
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
