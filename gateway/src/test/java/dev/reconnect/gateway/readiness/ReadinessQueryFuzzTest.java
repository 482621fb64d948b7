package dev.reconnect.gateway.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.gateway.registry.Instance;
import dev.reconnect.gateway.registry.RegistryProperties;
import dev.reconnect.gateway.registry.RegistryView;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.readiness.Readiness;
import dev.reconnect.protocol.readiness.ReadinessChange;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Generated query strings for {@code GET /readiness}: whatever the values of {@code index} and
 * {@code wait} (numbers, negatives, huge, garbage, unicode, empty, repeated), the answer is 200, 503,
 * 400 or 429 with a JSON body, never a 500, and the view is left as it was.
 */
class ReadinessQueryFuzzTest {
    private static final RegistryProperties DEFAULTS = RegistryProperties.defaults(List.of("ws-service", "api-service"));
    /** Waits are clamped to a few milliseconds, so that a query hitting the current index is not held long. */
    private static final RegistryProperties PROPERTIES = new RegistryProperties(DEFAULTS.requiredServices(),
            DEFAULTS.watchWait(), DEFAULTS.retryDelay(), DEFAULTS.suspectTimeout(), DEFAULTS.connectSpreadPerClient(),
            DEFAULTS.maxConnectSpread(), Duration.ofMillis(1), DEFAULTS.maxWaiting(), DEFAULTS.maxWaitingPerAddress(),
            DEFAULTS.historySize());
    private static final RegistryView VIEW = new RegistryView(PROPERTIES, Clock.systemUTC(),
            instance -> CompletableFuture.completedFuture(true));
    private static final Readiness BEFORE;
    private static final List<ReadinessChange> HISTORY_BEFORE;
    private static final WebTestClient CLIENT;

    static {
        VIEW.update("ws-service", List.of(new Instance("ws-service-8082", "127.0.0.1", 8082, 10)));
        VIEW.update("api-service", List.of(new Instance("api-service-8081", "127.0.0.1", 8081, 11)));
        BEFORE = VIEW.readiness();
        HISTORY_BEFORE = VIEW.changes();
        LongPollSlots slots = new LongPollSlots(PROPERTIES.maxWaiting(), PROPERTIES.maxWaitingPerAddress(),
                new SimpleMeterRegistry());
        CLIENT = WebTestClient.bindToController(new ReadinessController(VIEW, PROPERTIES, slots)).build();
    }

    @Property(tries = 10_000)
    void everyQueryGetsAClearJsonAnswerAndChangesNothing(@ForAll("queries") String query) {
        EntityExchangeResult<byte[]> result = CLIENT.get().uri(URI.create("/readiness" + query))
                .exchange().expectBody().returnResult();

        int status = result.getStatus().value();
        assertThat(status).as(query).isIn(200, 503, 400, 429);
        assertThat(result.getResponseHeaders().getContentType()).as(query).isNotNull()
                .matches(type -> type.isCompatibleWith(MediaType.APPLICATION_JSON));
        JsonNode body = Json.MAPPER.readTree(result.getResponseBody());
        if (status == 400 || status == 429) {
            assertThat(body.path("error").asString()).as(query).isNotBlank();
        } else {
            Readiness readiness = Json.MAPPER.treeToValue(body, Readiness.class);
            assertThat(readiness.index()).as(query).isEqualTo(BEFORE.index());
            assertThat(readiness.ready()).isEqualTo(status == 200);
        }
        assertThat(VIEW.readiness()).isEqualTo(BEFORE);
        assertThat(VIEW.changes()).isEqualTo(HISTORY_BEFORE);
    }

    @Provide
    Arbitrary<String> queries() {
        Arbitrary<String> name = Arbitraries.oneOf(
                Arbitraries.of(Readiness.PARAM_INDEX, Readiness.PARAM_WAIT).map(n -> n),
                Arbitraries.of("INDEX", "Wait", "", "index[]", "foo", "wait ", "%00"));
        Arbitrary<String> pair = Combinators.combine(name, values(), Arbitraries.integers().between(0, 9))
                .as((n, v, shape) -> shape == 0 ? encode(n) : encode(n) + "=" + encode(v));
        return pair.list().ofMinSize(0).ofMaxSize(5)
                .map(pairs -> pairs.isEmpty() ? "" : "?" + String.join("&", pairs));
    }

    private Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.longs().between(-3, BEFORE.index() + 3).map(String::valueOf),
                Arbitraries.of(String.valueOf(BEFORE.index())),
                Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(18), java.math.BigInteger.TEN.pow(40))
                        .map(String::valueOf),
                Combinators.combine(Arbitraries.integers().between(-5, 2_000_000_000),
                                Arbitraries.of("ms", "s", "m", "h", "", "S", "µs", " s"))
                        .as((n, unit) -> n + unit),
                Arbitraries.of("", " ", "+1", "-0", "0x10", "1e3", "1.5", "١٢", "１", "NaN", "Infinity", "null",
                        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "999999999m",
                        "0ms", "1ms", "60s", "61s", " 5ms ", "5ms5ms", "\u0000", "%", "&", "=", "index=1"),
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(25));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
