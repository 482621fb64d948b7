package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConsulHealthWatchParseTest {
    @Test
    void readsAddressPortAndTheNewestModifyIndexOfAnEntry() {
        String body = """
                [{"Node":{"Node":"dev","Address":"10.1.1.1"},
                  "Service":{"ID":"ws-service-8082","Service":"ws-service","Address":"127.0.0.1","Port":8082,"ModifyIndex":7},
                  "Checks":[{"CheckID":"serfHealth","ModifyIndex":3},{"CheckID":"service:ws-service-8082","ModifyIndex":42}]},
                 {"Node":{"Node":"dev","Address":"10.1.1.1"},
                  "Service":{"ID":"ws-service-9","Service":"ws-service","Address":"","Port":9,"ModifyIndex":5},
                  "Checks":[]}]""";

        assertThat(ConsulHealthWatch.parse(body)).containsExactly(
                new Instance("ws-service-8082", "127.0.0.1", 8082, 42),
                new Instance("ws-service-9", "10.1.1.1", 9, 5));
    }

    @Test
    void refusesAnythingButAList() {
        assertThatThrownBy(() -> ConsulHealthWatch.parse("{\"oops\":1}")).isInstanceOf(IllegalArgumentException.class);
    }
}
