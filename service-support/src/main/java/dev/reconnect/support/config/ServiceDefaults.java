package dev.reconnect.support.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.Profiles;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;

/**
 * The settings every service shares (how it reaches Consul, registers and is checked; actuator on a
 * management port with the probes on the main one; the log line's shape) in one place,
 * {@value #DEFAULTS}, instead of a copy in each service's application.yml. With the {@code local}
 * profile (the demo, the end-to-end tests) {@value #LOCAL_DEFAULTS} comes first: checks every second.
 *
 * <p>They are defaults: added last, so everything else (a service's own application.yml, its profile
 * files, the environment, the command line) overrides them, key by key.
 */
public final class ServiceDefaults implements EnvironmentPostProcessor {
    static final String DEFAULTS = "reconnect-service-defaults.yml";
    static final String LOCAL_DEFAULTS = "reconnect-service-defaults-local.yml";
    static final String LOCAL_PROFILE = "local";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        MutablePropertySources sources = environment.getPropertySources();
        if (sources.contains(name(DEFAULTS))) {
            return; // a second pass (a child context, a test's refresh) must not add them twice
        }
        if (environment.acceptsProfiles(Profiles.of(LOCAL_PROFILE))) {
            load(LOCAL_DEFAULTS).forEach(sources::addLast);
        }
        load(DEFAULTS).forEach(sources::addLast);
    }

    private static List<PropertySource<?>> load(String file) {
        Resource resource = new ClassPathResource(file);
        try {
            return new YamlPropertySourceLoader().load(name(file), resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shared service settings " + file, e);
        }
    }

    private static String name(String file) {
        return "service-support defaults (" + file + ")";
    }
}
