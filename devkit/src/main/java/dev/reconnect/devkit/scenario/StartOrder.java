package dev.reconnect.devkit.scenario;

import java.util.List;

/**
 * The order in which the system comes up. The clients always start just before the last component,
 * so that they are seen waiting for it, and must connect as soon as everything is ready, never before.
 */
public enum StartOrder {
    WS_SERVICE_LAST(Component.REGISTRY, Component.API, Component.GATEWAY, Component.CLIENTS, Component.WS),
    GATEWAY_LAST(Component.REGISTRY, Component.API, Component.WS, Component.CLIENTS, Component.GATEWAY),
    API_SERVICE_LAST(Component.REGISTRY, Component.GATEWAY, Component.WS, Component.CLIENTS, Component.API),
    REGISTRY_LAST(Component.API, Component.GATEWAY, Component.WS, Component.CLIENTS, Component.REGISTRY);

    enum Component { REGISTRY, API, GATEWAY, WS, CLIENTS }

    private final List<Component> steps;

    StartOrder(Component... steps) {
        this.steps = List.of(steps);
    }

    List<Component> steps() {
        return steps;
    }
}
