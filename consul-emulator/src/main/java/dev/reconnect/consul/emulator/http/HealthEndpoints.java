package dev.reconnect.consul.emulator.http;

import dev.reconnect.consul.emulator.catalog.Catalog;
import dev.reconnect.consul.emulator.catalog.CheckStatus;
import dev.reconnect.consul.emulator.catalog.HealthCheck;
import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import dev.reconnect.consul.emulator.catalog.ServiceInstance;
import dev.reconnect.consul.emulator.catalog.WatchKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** /v1/health/*: service instances with their checks, the reads that discovery clients live on. */
final class HealthEndpoints {

    private final Catalog catalog;

    HealthEndpoints(Catalog catalog) {
        this.catalog = catalog;
    }

    void register(Router router) {
        router.query("/v1/health/service/", this::service);
        router.query("/v1/health/checks/", this::checks);
        router.query("/v1/health/state/", this::state);
        router.query("/v1/health/node/", this::node);
    }

    private Router.Watch service(ApiRequest request) {
        String name = request.pathParameter();
        if (name.isEmpty()) {
            throw RequestRejectedException.badRequest("Missing service name");
        }
        boolean passingOnly = passingParameter(request);
        List<String> tags = request.all("tag");
        String key = WatchKeys.healthService(name);
        return new Router.Watch(key, () -> catalog.read(key, view -> {
            List<Object> entries = new ArrayList<>();
            for (ServiceInstance service : view.instancesOf(name)) {
                if (!hasAllTags(service, tags)) {
                    continue;
                }
                List<HealthCheck> checks = new ArrayList<>(view.nodeChecks());
                checks.addAll(view.checksOf(service.id()));
                // Any check not passing drops the entry, the node's serfHealth included; warning counts as failing.
                if (passingOnly && checks.stream().anyMatch(c -> c.status() != CheckStatus.PASSING)) {
                    continue;
                }
                entries.add(JsonViews.healthEntry(view.node(), service, checks));
            }
            return entries;
        }));
    }

    private Router.Watch checks(ApiRequest request) {
        String name = request.pathParameter();
        if (name.isEmpty()) {
            throw RequestRejectedException.badRequest("Missing service name");
        }
        String key = WatchKeys.healthService(name);
        return new Router.Watch(key, () -> catalog.read(key, view -> {
            List<HealthCheck> out = new ArrayList<>();
            for (ServiceInstance service : view.instancesOf(name)) {
                out.addAll(view.checksOf(service.id()));
            }
            return JsonViews.checks(out);
        }));
    }

    private Router.Watch state(ApiRequest request) {
        String state = request.pathParameter();
        if (state.isEmpty()) {
            throw RequestRejectedException.badRequest("Missing check state");
        }
        return new Router.Watch(WatchKeys.CHECKS, () -> catalog.read(WatchKeys.CHECKS, view -> {
            List<HealthCheck> out = new ArrayList<>();
            for (HealthCheck check : view.checks()) {
                // Like Consul, an unknown state simply matches nothing.
                if (state.equals("any") || check.status().wire().equals(state)) {
                    out.add(check);
                }
            }
            return JsonViews.checks(out);
        }));
    }

    private Router.Watch node(ApiRequest request) {
        String nodeName = request.pathParameter();
        if (nodeName.isEmpty()) {
            throw RequestRejectedException.badRequest("Missing node name");
        }
        return new Router.Watch(WatchKeys.CHECKS, () -> catalog.read(WatchKeys.CHECKS, view ->
                JsonViews.checks(view.node().name().equals(nodeName) || view.node().id().equals(nodeName)
                        ? view.checks() : List.of())));
    }

    /** {@code ?passing} alone means true; otherwise Go's ParseBool decides. */
    private static boolean passingParameter(ApiRequest request) {
        if (!request.has("passing")) {
            return false;
        }
        String value = request.first("passing");
        if (value.isEmpty()) {
            return true;
        }
        return GoBool.parse(value)
                .orElseThrow(() -> RequestRejectedException.badRequest("Invalid value for ?passing"));
    }

    /** Consul compares tags case-insensitively, and every requested tag must be present. */
    static boolean hasAllTags(ServiceInstance service, List<String> wanted) {
        for (String tag : wanted) {
            String lower = tag.toLowerCase(Locale.ROOT);
            boolean found = false;
            for (String have : service.tags()) {
                if (have.toLowerCase(Locale.ROOT).equals(lower)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
