package dev.reconnect.devkit.bench;

import dev.reconnect.devkit.launch.Http;
import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.ManagedProcess;
import dev.reconnect.protocol.Paths;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The registry, api-service, the gateway and one ws-service from the built jars, without clients or a
 * publisher: the relay and heap measurements bring their own sockets and messages.
 */
final class ServiceSet implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final LocalSystem system;
    private final ManagedProcess api;
    private final ManagedProcess gateway;
    private final ManagedProcess ws;

    private ServiceSet(LocalSystem system, ManagedProcess api, ManagedProcess gateway, ManagedProcess ws) {
        this.system = system;
        this.api = api;
        this.gateway = gateway;
        this.ws = ws;
    }

    /** Starts them all and returns once the gateway's readiness says ready; stops everything on failure. */
    static ServiceSet start(LocalSystem system) {
        try {
            system.startRegistry();
            ManagedProcess api = system.startApi();
            ManagedProcess gateway = system.startGateway();
            // Relay and heap, not admission: the heap phase opens its 1,000 sockets at once, which the gateway's
            // upgrade admission would answer in part with 4004 (busy) at the default 200 connects per second.
            ManagedProcess ws = system.startWs(system.ports().ws(), Duration.ZERO,
                    List.of("--ws.admission.connects-per-second=100000"));
            Map<ManagedProcess, Integer> started = Map.of(api, system.ports().api(), gateway, system.ports().gateway(),
                    ws, system.ports().ws());
            started.forEach((process, port) -> system.awaitOk(process, system.readinessOf(port)));
            URI readiness = system.gateway().resolve(Paths.READINESS);
            Waits.until("the gateway's readiness to say ready", READY_TIMEOUT, () -> Http.isOk(readiness),
                    () -> "it did not answer 200");
            return new ServiceSet(system, api, gateway, ws);
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
    }

    ManagedProcess gatewayProcess() {
        return gateway;
    }

    ManagedProcess wsProcess() {
        return ws;
    }

    /** {@code /ws} through the gateway. */
    URI viaGateway() {
        return URI.create("ws://127.0.0.1:" + system.ports().gateway() + Paths.WEBSOCKET);
    }

    /** {@code /ws} on ws-service itself, past the gateway. */
    URI direct() {
        return URI.create("ws://127.0.0.1:" + system.ports().ws() + Paths.WEBSOCKET);
    }

    /** api-service itself (publishes go there, not through the gateway, so that the gateway only relays). */
    URI api() {
        return URI.create("http://127.0.0.1:" + system.ports().api());
    }

    URI gatewayManagement() {
        return URI.create("http://127.0.0.1:" + system.managementPort(system.ports().gateway()));
    }

    URI wsManagement() {
        return URI.create("http://127.0.0.1:" + system.managementPort(system.ports().ws()));
    }

    /** The JVM options the launcher gave the services (everything before {@code -jar}), for the record. */
    List<String> serviceJvmOptions() {
        List<String> arguments = ProcessHandle.of(ws.pid()).flatMap(p -> p.info().arguments()).map(List::of)
                .orElse(List.of());
        int jar = arguments.indexOf("-jar");
        return jar < 0 ? arguments : arguments.subList(0, jar);
    }

    @Override
    public void close() {
        system.close();
    }
}
