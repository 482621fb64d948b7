package dev.reconnect.gateway.registry;

import dev.reconnect.protocol.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.JsonNode;

/**
 * One blocking query at a time per required service on {@code /v1/health/service/{name}?passing},
 * feeding {@link RegistryView}. A change in Consul reaches the view within one round trip, and a
 * quiet registry costs one request per {@code watch-wait} per service, whatever the number of
 * readiness polls or upgrades.
 */
public class ConsulHealthWatch implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ConsulHealthWatch.class);

    private final URI consul;
    private final RegistryView view;
    private final RegistryProperties properties;
    private final HttpClient http;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "consul-watch-retry");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;

    public ConsulHealthWatch(URI consul, RegistryView view, RegistryProperties properties) {
        this.consul = consul;
        this.view = view;
        this.properties = properties;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public void start() {
        running = true;
        for (String service : view.requiredServices()) {
            poll(service, 0);
        }
        log.info("Watching the health of {} in the registry at {}", view.requiredServices(), consul.getAuthority());
    }

    @Override
    public void stop() {
        running = false;
        retries.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void poll(String service, long index) {
        if (!running) {
            return;
        }
        String query = "/v1/health/service/" + URLEncoder.encode(service, StandardCharsets.UTF_8)
                + "?passing=true&index=" + index + "&wait=" + properties.watchWait().toMillis() + "ms";
        HttpRequest request = HttpRequest.newBuilder(consul.resolve(query))
                .timeout(properties.watchWait().plus(properties.watchWait().dividedBy(16)).plusSeconds(2))
                .GET().build();
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        answer.whenComplete((response, error) -> {
            if (error != null) {
                failed(service, describe(error));
                return;
            }
            if (response.statusCode() != 200) {
                failed(service, "answered " + response.statusCode());
                return;
            }
            long next = response.headers().firstValueAsLong("X-Consul-Index").orElse(0);
            if (next <= 0) {
                // Without an index the next query would not block: pause instead of looping hot.
                failed(service, "answered without an X-Consul-Index");
                return;
            }
            try {
                view.update(service, parse(response.body()));
            } catch (RuntimeException e) {
                failed(service, "answered something that is not a health list (" + e.getClass().getSimpleName() + ")");
                return;
            }
            // Consul: an index that goes backwards means the agent's state was reset; start over.
            poll(service, next < index ? 0 : next);
        });
    }

    private void failed(String service, String reason) {
        view.unreachable(service, reason);
        if (running) {
            retries.schedule(() -> poll(service, 0), properties.retryDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    static List<Instance> parse(String body) {
        JsonNode entries = Json.MAPPER.readTree(body);
        if (!entries.isArray()) {
            throw new IllegalArgumentException("not a JSON array");
        }
        List<Instance> instances = new ArrayList<>();
        for (JsonNode entry : entries) {
            JsonNode service = entry.path("Service");
            String host = service.path("Address").asString("");
            if (host.isEmpty()) {
                host = entry.path("Node").path("Address").asString("");
            }
            long healthIndex = service.path("ModifyIndex").asLong(0);
            for (JsonNode check : entry.path("Checks")) {
                healthIndex = Math.max(healthIndex, check.path("ModifyIndex").asLong(0));
            }
            instances.add(new Instance(service.path("ID").asString(""), host, service.path("Port").asInt(0), healthIndex));
        }
        return instances;
    }

    private static String describe(Throwable error) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
