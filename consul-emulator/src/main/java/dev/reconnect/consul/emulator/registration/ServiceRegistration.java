package dev.reconnect.consul.emulator.registration;

import dev.reconnect.consul.emulator.catalog.Weights;
import java.util.List;
import java.util.Map;

/** A parsed and validated {@code PUT /v1/agent/service/register} body. ID already defaults to Name. */
public record ServiceRegistration(
        String id,
        String name,
        List<String> tags,
        String address,
        int port,
        Map<String, String> meta,
        boolean enableTagOverride,
        Weights weights,
        List<CheckDefinition> checks) {

    public ServiceRegistration {
        tags = List.copyOf(tags);
        meta = Map.copyOf(meta);
        checks = List.copyOf(checks);
    }
}
