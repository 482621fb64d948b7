package dev.reconnect.consul.emulator.agent;

import dev.reconnect.consul.emulator.catalog.Catalog;
import dev.reconnect.consul.emulator.catalog.CheckStatus;
import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import dev.reconnect.consul.emulator.checks.CheckRunner;
import dev.reconnect.consul.emulator.registration.CheckDefinition;
import dev.reconnect.consul.emulator.registration.ServiceRegistration;
import dev.reconnect.consul.emulator.time.GoDuration;
import java.time.Duration;
import java.util.Map;

/**
 * The agent's write side: keeps the catalog and the check runners in step. Registration changes
 * are serialised so that two registrations of one ID can never leave the wrong runners behind.
 */
public final class Agent implements AutoCloseable {

    private final Catalog catalog;
    private final CheckRunner runner;
    private final Duration minDeregisterAfter;
    private final Object registrations = new Object();

    public Agent(Catalog catalog, Duration reaperInterval, Duration minDeregisterAfter) {
        this.catalog = catalog;
        this.minDeregisterAfter = minDeregisterAfter;
        this.runner = new CheckRunner(catalog::updateCheck);
        runner.every(reaperInterval, this::reap);
    }

    public Catalog catalog() {
        return catalog;
    }

    public void register(ServiceRegistration registration) {
        synchronized (registrations) {
            Catalog.RegisterOutcome outcome = catalog.register(registration);
            outcome.checksRemoved().forEach(runner::stop);
            for (Map.Entry<String, CheckDefinition> check : outcome.checksToRun().entrySet()) {
                runner.start(check.getKey(), check.getValue());
            }
        }
    }

    /** @param why for the log, e.g. "API request" */
    public void deregister(String serviceId, String why) {
        synchronized (registrations) {
            catalog.deregister(serviceId, why).forEach(runner::stop);
        }
    }

    /** PUT /v1/agent/check/register: stores the check, then (re)starts its runner, as Consul restarts it. */
    public void registerCheck(String checkId, CheckDefinition definition, String serviceId) {
        synchronized (registrations) {
            catalog.registerCheck(checkId, definition, serviceId);
            runner.start(checkId, definition);
        }
    }

    /** PUT /v1/agent/check/deregister/{id}. */
    public void deregisterCheck(String checkId, String why) {
        synchronized (registrations) {
            catalog.deregisterCheck(checkId, why);
            runner.stop(checkId);
        }
    }

    /** pass/warn/fail/update on a TTL check: the TTL clock restarts before the new status is stored. */
    public void updateTtl(String checkId, CheckStatus status, String output) {
        catalog.requireTtlCheck(checkId);
        runner.ttlUpdated(checkId, output);
        catalog.updateCheck(checkId, status, output);
    }

    public void maintenance(String serviceId, boolean enable, String reason) {
        catalog.maintenance(serviceId, enable, reason);
    }

    /** Removes services whose check stayed critical past DeregisterCriticalServiceAfter. */
    void reap() {
        for (Catalog.Expired expired : catalog.expired(minDeregisterAfter)) {
            try {
                deregister(expired.serviceId(), "reaper: check " + expired.checkId() + " has been critical for "
                        + GoDuration.format(roundToMillis(expired.criticalFor()))
                        + ", longer than DeregisterCriticalServiceAfter " + GoDuration.format(expired.limit()));
            } catch (RequestRejectedException alreadyGone) {
                // Deregistered through the API between the scan and now: nothing left to do.
            }
        }
    }

    private static Duration roundToMillis(Duration duration) {
        return Duration.ofMillis(duration.toMillis());
    }

    @Override
    public void close() {
        runner.close();
    }
}
