package dev.reconnect.api.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.reconnect.api.ApiServiceApplication;
import dev.reconnect.api.RequestSizeLimit;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.log.LogPage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Generated requests against api-service (in memory, through MockMvc and the servlet filters): 5,000 queries of
 * {@code GET /api/messages} and 5,000 bodies of {@code POST /api/messages}. Every answer has a
 * defined status and a JSON object body, never a 500; an answer that is not 2xx changed nothing stored.
 */
class MessagesApiFuzzTest {
    private static final Set<Integer> DEFINED = Set.of(200, 201, 400, 409, 413, 415, 429);
    private static ConfigurableApplicationContext context;
    private static MessageLog messageLog;
    private static MockMvc mvc;

    @BeforeContainer
    static void startApi() {
        context = new SpringApplicationBuilder(ApiServiceApplication.class)
                .profiles("test")
                .properties("spring.main.banner-mode=off", "logging.level.root=WARN")
                // As arguments, not default properties: application.yml's port (8081) would win over a
                // default, and collide with a demo running on this machine.
                .run("--server.port=0", "--management.server.port=0");
        messageLog = context.getBean(MessageLog.class);
        mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) context)
                .addFilters(context.getBean(RequestSizeLimit.class)).build();
        // Something to conflict with and to be a duplicate of.
        messageLog.append("k", "b").join();
        messageLog.append("fixed", "{\"nested\": true}").join();
    }

    @AfterContainer
    static void stopApi() {
        if (context != null) {
            context.close();
        }
    }

    @Property(tries = 5_000)
    void anyQueryGetsADefinedAnswer(@ForAll("queryValue") Optional<String> after,
                                    @ForAll("queryValue") Optional<String> limit,
                                    @ForAll("waitValue") Optional<String> wait) throws Exception {
        MockHttpServletRequestBuilder request = get(Paths.MESSAGES);
        after.ifPresent(v -> request.param(LogPage.PARAM_AFTER, v));
        limit.ifPresent(v -> request.param(LogPage.PARAM_LIMIT, v));
        wait.ifPresent(v -> request.param(LogPage.PARAM_WAIT, v));
        long headBefore = messageLog.head();
        MockHttpServletResponse response = perform(request);
        JsonNode body = requireDefinedJson(response);
        assertThat(messageLog.head()).isEqualTo(headBefore);
        if (response.getStatus() == 200) {
            assertThat(body.path("head").asLong(-1)).isEqualTo(headBefore);
            assertThat(body.path("entries").isArray()).isTrue();
        }
    }

    @Property(tries = 5_000)
    void anyPublishGetsADefinedAnswer(@ForAll("publishBody") String json, @ForAll("contentType") String contentType)
            throws Exception {
        long headBefore = messageLog.head();
        MockHttpServletResponse response = perform(post(Paths.MESSAGES).contentType(contentType)
                .content(json.getBytes(StandardCharsets.UTF_8)));
        JsonNode body = requireDefinedJson(response);
        switch (response.getStatus()) {
            case 201 -> {
                assertThat(messageLog.head()).isEqualTo(headBefore + 1);
                assertThat(body.path("seq").asLong()).isEqualTo(headBefore + 1);
            }
            case 200 -> {
                assertThat(messageLog.head()).isEqualTo(headBefore);
                assertThat(body.path("seq").asLong()).isBetween(1L, headBefore);
            }
            default -> assertThat(messageLog.head()).as("head after %d", response.getStatus()).isEqualTo(headBefore);
        }
    }

    /** Performs the request and, for an asynchronous answer (publish, read), its dispatch. */
    private static MockHttpServletResponse perform(MockHttpServletRequestBuilder request) throws Exception {
        MvcResult result = mvc.perform(request).andReturn();
        if (result.getRequest().isAsyncStarted()) {
            result = mvc.perform(asyncDispatch(result)).andReturn();
        }
        return result.getResponse();
    }

    private static JsonNode requireDefinedJson(MockHttpServletResponse response) throws Exception {
        String text = response.getContentAsString(StandardCharsets.UTF_8);
        assertThat(response.getStatus()).as(text).isIn(DEFINED);
        JsonNode body = Json.MAPPER.readTree(text);
        assertThat(body.isObject()).as(text).isTrue();
        if (response.getStatus() >= 400) {
            assertThat(body.path("error").asString()).isNotBlank();
        }
        return body;
    }

    @Provide
    Arbitrary<Optional<String>> queryValue() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(Object::toString),
                Arbitraries.longs().between(-5, 2000).map(Object::toString),
                Arbitraries.of("", " ", "0", "-0", "+1", "1.5", "1e3", "0x10", "NaN", "null", "9223372036854775807",
                        "9223372036854775808", "-9223372036854775809", "99999999999999999999999", "١٢٣", " 7 ", "1,2"),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(400),
                Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().all().ofMaxLength(200)
        ).optional(0.8);
    }

    /** Invalid, over the maximum, or valid but short: a valid long wait past the head would hold the run up. */
    @Provide
    Arbitrary<Optional<String>> waitValue() {
        Arbitrary<String> units = Arbitraries.of("ms", "s", "m", "h", "", "MS", "sec", " s");
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 5).map(n -> n + "ms"),
                Combinators.combine(Arbitraries.longs(), units).as((n, u) -> n + u)
                        .filter(v -> !isHeldDuration(v)),
                Arbitraries.of("61s", "2m", "60001ms", "999999999m", "9999999999ms", "-1s", "1.5s", "1e3ms", "∞", "٣s"),
                Arbitraries.strings().all().ofMaxLength(40).filter(v -> !isHeldDuration(v))
        ).optional(0.7);
    }

    @Provide
    Arbitrary<String> publishBody() {
        Arbitrary<String> keys = Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20).map(k -> "fz-" + k),
                Arbitraries.strings().all().ofMaxLength(140),
                Arbitraries.of("k", "fixed", "", " ", "x".repeat(128), "y".repeat(129), "\t", "é", "😀"));
        Arbitrary<String> bodies = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.of("b", "{\"nested\": true}", "", "\u0000"),
                Arbitraries.integers().between(0, 70_000).map("x"::repeat),
                Arbitraries.integers().between(10_000, 12_000).map("\u0001"::repeat),
                Arbitraries.integers().between(0, 25_000).map("é"::repeat));
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.longs().map(Object::toString),
                Arbitraries.of("null", "true", "false", "[]", "{}", "[\"a\"]", "{\"a\":1}", "1.5", "-1", "1e400"));
        Arbitrary<String> valid = Combinators.combine(keys, bodies)
                .as((k, b) -> "{\"key\":" + quote(k) + ",\"body\":" + quote(b) + "}");
        Arbitrary<String> wrongTypes = Combinators.combine(
                Arbitraries.oneOf(keys.map(MessagesApiFuzzTest::quote), values),
                Arbitraries.oneOf(bodies.map(MessagesApiFuzzTest::quote), values))
                .as((k, b) -> "{\"key\":" + k + ",\"body\":" + b + "}");
        Arbitrary<String> missingOrExtra = Combinators.combine(keys, bodies, Arbitraries.integers().between(0, 4))
                .as((k, b, shape) -> switch (shape) {
                    case 0 -> "{\"key\":" + quote(k) + "}";
                    case 1 -> "{\"body\":" + quote(b) + "}";
                    case 2 -> "{\"key\":" + quote(k) + ",\"body\":" + quote(b) + ",\"seq\":5,\"extra\":[1,{}]}";
                    case 3 -> "{\"KEY\":" + quote(k) + ",\"Body\":" + quote(b) + "}";
                    default -> "{\"key\":" + quote(k) + ",\"key\":\"again\",\"body\":" + quote(b) + "}";
                });
        Arbitrary<String> escaped = Combinators.combine(keys, Arbitraries.strings().all().ofMaxLength(60))
                .as((k, b) -> "{\"key\":" + quote(k) + ",\"body\":\"" + escapeAll(b) + "\"}");
        Arbitrary<String> broken = Arbitraries.oneOf(
                valid.map(v -> v.substring(0, v.length() / 2)),
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.of("", "null", "[]", "\"text\"", "42", "{", "}", "{\"key\":\"a\",\"body\":\"\\ud800\"}",
                        "{\"key\":\"\\udfff\",\"body\":\"b\"}", "{\"key\":\"a\",\"body\":\"\\x41\"}",
                        "[".repeat(2000) + "]".repeat(2000), "{\"key\":\"a\",\"body\":\"b\"} trailing"));
        return Arbitraries.frequencyOf(
                Tuple.of(4, valid),
                Tuple.of(2, wrongTypes),
                Tuple.of(2, missingOrExtra),
                Tuple.of(1, escaped),
                Tuple.of(2, broken));
    }

    @Provide
    Arbitrary<String> contentType() {
        return Arbitraries.frequency(
                Tuple.of(20, "application/json"),
                Tuple.of(2, "application/json; charset=UTF-8"),
                Tuple.of(1, "text/plain"),
                Tuple.of(1, "application/x-www-form-urlencoded"),
                Tuple.of(1, "application/xml"));
    }

    /** A wait that would be held (valid and over 5 ms), which the generators leave out. */
    private static boolean isHeldDuration(String value) {
        try {
            return QueryValues.duration("wait", value, Duration.ofSeconds(60)).toMillis() > 5;
        } catch (BadRequestException e) {
            return false;
        }
    }

    private static String quote(String text) {
        return Json.MAPPER.writeValueAsString(text);
    }

    /** Every character as a JSON {@code \\uXXXX} escape. */
    private static String escapeAll(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }
}
