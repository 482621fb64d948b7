package dev.reconnect.consul.emulator.http;

import dev.reconnect.consul.emulator.catalog.Catalog;
import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import dev.reconnect.consul.emulator.catalog.ServiceInstance;
import dev.reconnect.consul.emulator.catalog.WatchKeys;
import dev.reconnect.consul.emulator.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** /v1/catalog/*: registrations only, no health; their indexes do not move when a check flips. */
final class CatalogEndpoints {

    private final Catalog catalog;
    private final Json json;

    CatalogEndpoints(Catalog catalog, Json json) {
        this.catalog = catalog;
        this.json = json;
    }

    void register(Router router) {
        router.query("/v1/catalog/services", request -> new Router.Watch(WatchKeys.SERVICES,
                () -> catalog.read(WatchKeys.SERVICES, view -> {
                    Map<String, TreeSet<String>> tagsByName = new TreeMap<>();
                    for (ServiceInstance service : view.catalogServices()) {
                        tagsByName.computeIfAbsent(service.name(), n -> new TreeSet<>()).addAll(service.tags());
                    }
                    Map<String, Object> out = new TreeMap<>();
                    tagsByName.forEach((name, tags) -> out.put(name, new ArrayList<>(tags)));
                    return out;
                })));
        router.query("/v1/catalog/service/", this::service);
        router.query("/v1/catalog/nodes", request -> new Router.Watch(WatchKeys.NODES,
                () -> catalog.read(WatchKeys.NODES, view -> List.of(JsonViews.node(view.node())))));
        router.command("GET", "/v1/catalog/datacenters",
                request -> ApiResponse.json(json.write(List.of(catalog.node().datacenter())), 0));
    }

    private Router.Watch service(ApiRequest request) {
        String name = request.pathParameter();
        if (name.isEmpty()) {
            throw RequestRejectedException.badRequest("Missing service name");
        }
        List<String> tags = request.all("tag");
        String key = WatchKeys.catalogService(name);
        return new Router.Watch(key, () -> catalog.read(key, view -> {
            List<Object> out = new ArrayList<>();
            for (ServiceInstance service : view.instancesOf(name)) {
                if (HealthEndpoints.hasAllTags(service, tags)) {
                    out.add(JsonViews.catalogEntry(view.node(), service));
                }
            }
            return out;
        }));
    }
}
