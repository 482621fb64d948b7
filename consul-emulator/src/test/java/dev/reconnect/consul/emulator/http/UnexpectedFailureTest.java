package dev.reconnect.consul.emulator.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.consul.emulator.agent.Agent;
import dev.reconnect.consul.emulator.catalog.Catalog;
import dev.reconnect.consul.emulator.json.Json;
import dev.reconnect.consul.emulator.support.ConsulHttp;
import dev.reconnect.consul.emulator.support.LogCapture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A bug in an endpoint must cost one 500 with one line, one log entry, and nothing else. */
class UnexpectedFailureTest {

    @Test
    void anUnexpectedExceptionIsA500WithOneLineLoggedOnce() throws Exception {
        Catalog catalog = new Catalog("node-id", "node", "127.0.0.1", "dc1", System::nanoTime);
        try (Agent agent = new Agent(catalog, Duration.ofSeconds(30), Duration.ofMinutes(1));
                LogCapture logs = new LogCapture()) {
            ApiServer server = ApiServer.start(agent, new Json(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try {
                server.router().command("GET", "/v1/test/boom", request -> {
                    throw new IllegalStateException("boom\nwith a second line");
                });
                ConsulHttp consul = new ConsulHttp(URI.create("http://127.0.0.1:" + server.port()));

                ConsulHttp.Response response = consul.get("/v1/test/boom");

                assertThat(response.status()).isEqualTo(500);
                assertThat(response.body()).isEqualTo("Internal error: IllegalStateException: boom with a second line");
                assertThat(response.body()).doesNotContain("\n").doesNotContain("\tat ");
                assertThat(logs.records()).filteredOn(r -> r.getMessage().contains("/v1/test/boom")).hasSize(1);
                assertThat(consul.get("/v1/status/leader").status()).as("still serving").isEqualTo(200);
            } finally {
                server.close();
            }
        }
    }
}
