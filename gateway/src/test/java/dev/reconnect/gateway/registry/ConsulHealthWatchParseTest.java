package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.consul.model.http.health.HealthService;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the watch makes of Spring Cloud Consul's health entries, decoded from Consul's JSON by Jackson 3
 * as the client's message converter does.
 */
class ConsulHealthWatchParseTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void readsAddressPortAndTheNewestModifyIndexOfAnEntry() {
        String body = """
                [{"Node":{"Node":"dev","Address":"10.1.1.1"},
                  "Service":{"ID":"ws-service-8082","Service":"ws-service","Address":"127.0.0.1","Port":8082,"ModifyIndex":7},
                  "Checks":[{"CheckID":"serfHealth","ModifyIndex":3},{"CheckID":"service:ws-service-8082","ModifyIndex":42}]},
                 {"Node":{"Node":"dev","Address":"10.1.1.1"},
                  "Service":{"ID":"ws-service-9","Service":"ws-service","Address":"","Port":9,"ModifyIndex":5},
                  "Checks":[]}]""";

        assertThat(ConsulHealthWatch.instances(decode(body))).containsExactly(
                new Instance("ws-service-8082", "127.0.0.1", 8082, 42),
                new Instance("ws-service-9", "10.1.1.1", 9, 5));
    }

    @Test
    void readsTheCapacityAnInstanceRegisteredAndTakesAnythingElseAsNotSaid() {
        String body = """
                [{"Service":{"ID":"a","Address":"127.0.0.1","Port":1,"Meta":{"connects-per-second":"400","secure":"false"}}},
                 {"Service":{"ID":"b","Address":"127.0.0.1","Port":2,"Meta":{"connects-per-second":" 250 "}}},
                 {"Service":{"ID":"c","Address":"127.0.0.1","Port":3,"Meta":{"connects-per-second":"lots"}}},
                 {"Service":{"ID":"d","Address":"127.0.0.1","Port":4,"Meta":{"connects-per-second":"-5"}}},
                 {"Service":{"ID":"e","Address":"127.0.0.1","Port":5,"Meta":{}}},
                 {"Service":{"ID":"f","Address":"127.0.0.1","Port":6}}]""";

        assertThat(ConsulHealthWatch.instances(decode(body))).extracting(Instance::id, Instance::connectsPerSecond)
                .containsExactly(tuple("a", 400), tuple("b", 250), tuple("c", 0), tuple("d", 0), tuple("e", 0),
                        tuple("f", 0));
    }

    @Test
    void anEmptyListIsNoInstanceAndNoBodyOrAnEntryWithoutItsServiceIsRefused() {
        assertThat(ConsulHealthWatch.instances(decode("[]"))).isEmpty();
        assertThatThrownBy(() -> ConsulHealthWatch.instances(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConsulHealthWatch.instances(decode("[{\"Node\":{\"Address\":\"10.1.1.1\"}}]")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWaitIsSentInWholeSecondsAndTheReadTimeoutOutlastsConsulsLongestAnswer() {
        assertThat(ConsulHealthWatch.waitSeconds(Duration.ofMillis(100))).isEqualTo(1);
        assertThat(ConsulHealthWatch.waitSeconds(Duration.ofMillis(2500))).isEqualTo(3);
        assertThat(ConsulHealthWatch.waitSeconds(Duration.ofSeconds(10))).isEqualTo(10);
        // Consul holds a blocking query for the wait plus up to 1/16 of it; a shorter read timeout turns
        // every quiet query into an error.
        assertThat(ConsulHealthWatch.readTimeout(Duration.ofSeconds(10)))
                .isGreaterThan(Duration.ofSeconds(10).plus(Duration.ofSeconds(10).dividedBy(16)));
        assertThat(ConsulHealthWatch.readTimeout(Duration.ofMillis(300))).isGreaterThan(Duration.ofMillis(1000 + 1000 / 16));
    }

    private static List<HealthService> decode(String body) {
        return JSON.readValue(body, new TypeReference<List<HealthService>>() {});
    }
}
