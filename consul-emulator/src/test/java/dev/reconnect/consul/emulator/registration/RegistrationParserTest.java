package dev.reconnect.consul.emulator.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reconnect.consul.emulator.catalog.CheckStatus;
import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import dev.reconnect.consul.emulator.catalog.Weights;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import dev.reconnect.consul.emulator.json.Json;

class RegistrationParserTest {

    private final RegistrationParser parser = new RegistrationParser(new Json());

    private ServiceRegistration parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheBodySpringCloudConsulSends() {
        ServiceRegistration registration = parse("{\"ID\":\"ws-service-8082\",\"Name\":\"ws-service\",\"Tags\":[],"
                + "\"Address\":\"127.0.0.1\",\"Meta\":{\"secure\":\"false\"},\"Port\":8082,\"EnableTagOverride\":null,"
                + "\"Check\":{\"Args\":null,\"DockerContainerID\":null,\"Shell\":null,\"Interval\":\"10s\",\"TTL\":null,"
                + "\"HTTP\":\"http://127.0.0.1:8082/actuator/health\",\"Method\":null,\"Header\":{},\"TCP\":null,"
                + "\"Timeout\":null,\"DeregisterCriticalServiceAfter\":\"30s\",\"TLSSkipVerify\":null,\"Status\":null,"
                + "\"GRPC\":null,\"GRPCUseTLS\":null},\"Checks\":null}");

        assertThat(registration.id()).isEqualTo("ws-service-8082");
        assertThat(registration.name()).isEqualTo("ws-service");
        assertThat(registration.tags()).isEmpty();
        assertThat(registration.meta()).containsEntry("secure", "false");
        assertThat(registration.port()).isEqualTo(8082);
        assertThat(registration.enableTagOverride()).isFalse();
        assertThat(registration.weights()).isEqualTo(Weights.DEFAULT);
        assertThat(registration.checks()).hasSize(1);
        CheckDefinition check = registration.checks().get(0);
        assertThat(check.kind()).isEqualTo(CheckKind.HTTP);
        assertThat(check.http()).isEqualTo("http://127.0.0.1:8082/actuator/health");
        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(check.effectiveMethod()).isEqualTo("GET");
        assertThat(check.effectiveTimeout()).as("Consul's default").isEqualTo(Duration.ofSeconds(10));
        assertThat(check.deregisterCriticalServiceAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(check.initialStatus()).isNull();
    }

    @Test
    void acceptsSnakeCaseAndLowerCaseKeysAndNanosecondNumbersAsConsulDoes() {
        ServiceRegistration registration = parse("{\"name\":\"api\",\"enable_tag_override\":true,"
                + "\"check\":{\"ttl\":\"15s\",\"deregister_critical_service_after\":60000000000,\"status\":\"passing\"}}");
        assertThat(registration.id()).as("ID defaults to Name").isEqualTo("api");
        assertThat(registration.enableTagOverride()).isTrue();
        CheckDefinition check = registration.checks().get(0);
        assertThat(check.kind()).isEqualTo(CheckKind.TTL);
        assertThat(check.ttl()).isEqualTo(Duration.ofSeconds(15));
        assertThat(check.deregisterCriticalServiceAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(check.initialStatus()).isEqualTo(CheckStatus.PASSING);
    }

    @Test
    void readsSeveralChecksWithMethodHeaderAndTimeout() {
        ServiceRegistration registration = parse("{\"Name\":\"x\",\"Weights\":{\"Passing\":5,\"Warning\":2},"
                + "\"Checks\":[{\"HTTP\":\"http://h/a\",\"Interval\":\"500ms\",\"Method\":\"HEAD\","
                + "\"Header\":{\"X-A\":[\"1\",\"2\"]},\"Timeout\":\"2s\"},{\"TCP\":\"h:1\",\"Interval\":\"5s\"},"
                + "{\"TTL\":\"1m\",\"CheckID\":\"mine\",\"Name\":\"n\",\"Notes\":\"why\"}]}");
        assertThat(registration.weights()).isEqualTo(new Weights(5, 2));
        List<CheckDefinition> checks = registration.checks();
        assertThat(checks).extracting(CheckDefinition::kind).containsExactly(CheckKind.HTTP, CheckKind.TCP,
                CheckKind.TTL);
        assertThat(checks.get(0).effectiveInterval()).as("raised to 1s").isEqualTo(Duration.ofSeconds(1));
        assertThat(checks.get(0).header()).isEqualTo(Map.of("X-A", List.of("1", "2")));
        assertThat(checks.get(0).effectiveMethod()).isEqualTo("HEAD");
        assertThat(checks.get(0).effectiveTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(checks.get(2).checkId()).isEqualTo("mine");
        assertThat(checks.get(2).notes()).isEqualTo("why");
    }

    @Test
    void anAllNullCheckIsNoCheck() {
        assertThat(parse("{\"Name\":\"x\",\"Check\":{\"HTTP\":null,\"TTL\":null,\"Header\":{}}}").checks()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"Name\": |Request decode failed",
            "[1,2]|Request decode failed: expected a JSON object",
            "{}|Missing service name",
            "{\"Name\":\"\"}|Missing service name",
            "{\"Name\":\"x\",\"Port\":\"80\"}|Request decode failed: Port: expected an integer",
            "{\"Name\":\"x\",\"Tags\":\"a\"}|Request decode failed: Tags: expected an array of strings",
            "{\"Name\":\"x\",\"Address\":\"0.0.0.0\"}|Invalid service address",
            "{\"Name\":\"x\",\"Weights\":{\"Passing\":0}}|Invalid Weights: Passing must be greater than 0",
            "{\"Name\":\"x\",\"Check\":{\"TTL\":\"1s\",\"Status\":\"ok\"}}|Status for checks must 'passing', 'warning', 'critical'",
            "{\"Name\":\"x\",\"Check\":{\"HTTP\":\"http://h\"}}|Invalid check: Interval must be > 0",
            "{\"Name\":\"x\",\"Check\":{\"Interval\":\"1s\"}}|Invalid check: TTL must be > 0 for TTL checks",
            "{\"Name\":\"x\",\"Check\":{\"TTL\":\"1s\",\"Interval\":\"1s\"}}|Invalid check: Interval and TTL cannot both be specified",
            "{\"Name\":\"x\",\"Check\":{\"TTL\":\"soon\"}}|Request decode failed: Check.TTL: invalid duration",
            "{\"Name\":\"x\",\"Check\":{\"GRPC\":\"h:1\",\"Interval\":\"1s\"}}|Invalid check: consul-emulator runs only HTTP, TCP and TTL checks"})
    void refusesWhatConsulRefuses(String body, String message) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(RequestRejectedException.class)
                .hasMessageStartingWith(message)
                .extracting(e -> ((RequestRejectedException) e).kind())
                .isEqualTo(RequestRejectedException.Kind.BAD_REQUEST);
    }

    @Test
    void anEmptyBodyIsEof() {
        assertThatThrownBy(() -> parser.parse(new byte[0])).hasMessage("Request decode failed: EOF");
    }

    @Test
    void aCheckUpdateTakesStatusAndOutputInAnyCaseAndIgnoresOtherValues() {
        CheckUpdate update = parser.parseCheckUpdate(
                "{\"status\":\"warning\",\"OUTPUT\":\"slow\",\"Notes\":\"x\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(update).isEqualTo(new CheckUpdate(CheckStatus.WARNING, "slow"));
        assertThat(parser.parseCheckUpdate("{\"Status\":\"passing\",\"Output\":7}".getBytes(StandardCharsets.UTF_8)))
                .as("an Output that is not a string is left out").isEqualTo(new CheckUpdate(CheckStatus.PASSING, ""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|Invalid check status: ''",
            "{}|Invalid check status: ''",
            "{\"Status\":\"bogus\"}|Invalid check status: 'bogus'",
            "[]|Request decode failed: expected a JSON object",
            "{\"Status\":|Request decode failed"})
    void aCheckUpdateWithoutAKnownStatusIsRefused(String body, String message) {
        assertThatThrownBy(() -> parser.parseCheckUpdate(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RequestRejectedException.class)
                .hasMessageStartingWith(message)
                .extracting(e -> ((RequestRejectedException) e).kind())
                .isEqualTo(RequestRejectedException.Kind.BAD_REQUEST);
    }
}
