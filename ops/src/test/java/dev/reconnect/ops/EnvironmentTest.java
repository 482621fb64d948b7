package dev.reconnect.ops;

import static dev.reconnect.ops.Compose.duration;
import static dev.reconnect.ops.Compose.environment;
import static dev.reconnect.ops.Compose.interpolated;
import static dev.reconnect.ops.Compose.unescaped;
import static dev.reconnect.ops.Deployment.CONSUL_TOKEN_VARIABLE;
import static dev.reconnect.ops.Deployment.RUNNABLE_MODULES;
import static dev.reconnect.ops.Deployment.SCALABLE_SERVICE;
import static dev.reconnect.ops.Project.SHARED_SERVICE_DEFAULTS;
import static dev.reconnect.ops.Values.str;
import static dev.reconnect.ops.Values.walkStrings;

import dev.reconnect.ops.Check.Mistake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * The services' environment variables. A service built from module M may only set
 * <ul>
 *   <li>a {@code ${NAME:default}} placeholder name that M's {@code src/main/resources/application.yml} (over
 *       service-support's shared defaults) reads;</li>
 *   <li>a relaxed-binding name of a property path that application.yml sets (upper case, {@code .} and
 *       {@code [i]} become {@code _}, {@code -} is dropped or becomes {@code _}: {@code
 *       spring.cloud.consul.discovery.instance-id} is {@code SPRING_CLOUD_CONSUL_DISCOVERY_INSTANCE_ID} or
 *       {@code ..._INSTANCEID}), or of one of the few Spring Boot properties in
 *       {@link AppConfig#KNOWN_SPRING_PROPERTIES};</li>
 *   <li>a variable the JVM itself reads ({@link #JVM_ENVIRONMENT}).</li>
 * </ul>
 * The client has no application.yml: only the JVM's variables. The consul service (an upstream image) is not
 * checked for environment variables. Compose may interpolate only the variables listed in .env.example, with the
 * same defaults.
 */
class EnvironmentTest extends ProjectCheckTest {

    /** Environment variables read by the JVM rather than by Spring. */
    static final Set<String> JVM_ENVIRONMENT = Set.of("JAVA_TOOL_OPTIONS");

    @Override
    List<Mistake> mistakes() {
        return List.of(
                ENVIRONMENT.mistake("unknown variable", p -> p.env("api-service").put("FOO_BAR", "1")),
                ENVIRONMENT.mistake("variable of another service",
                        p -> p.env("api-service").put("WS_STARTUP_DELAY", "5s")),
                ENVIRONMENT.mistake("SPRING_ name of no property",
                        p -> p.env("gateway").put("SPRING_CLOUD_CONSUL_DISCOVERY_NO_SUCH_THING", "x")),
                ENVIRONMENT.mistake("client given a service variable",
                        p -> p.service("client").put("environment", new LinkedHashMap<>(Map.of("CONSUL_HOST", "consul")))),
                ENVIRONMENT.mistake("port variable not the application's default",
                        p -> p.env("api-service").put("API_PORT", "9999")),
                ENVIRONMENT.mistake("deregister-after under Consul's minimum",
                        p -> p.env("ws-service").put("CONSUL_DEREGISTER_AFTER", "30s")),
                ENVIRONMENT.mistake("CONSUL_HOST not a service", p -> p.env("gateway").put("CONSUL_HOST", "localhost")),
                ENVIRONMENT.mistake("$ interpolated by compose instead of Spring",
                        p -> p.env("ws-service").put("SERVICE_HOST", "${HOSTNAME}")),
                ENVIRONMENT.mistake("scaled instance id not unique per container",
                        p -> p.env("ws-service").remove("SPRING_CLOUD_CONSUL_DISCOVERY_INSTANCE_ID")),
                ENVIRONMENT.mistake("compose variable not listed in .env.example",
                        p -> p.env("grafana").put("GF_SERVER_DOMAIN", "${GRAFANA_DOMAIN:-localhost}")),
                ENVIRONMENT.mistake("compose default differs from .env.example", p -> p.env("gateway").put(
                        CONSUL_TOKEN_VARIABLE, "${CONSUL_GATEWAY_TOKEN:-11111111-1111-4111-8111-111111111111}")),
                ENVIRONMENT.mistake("compose variable without a default",
                        p -> p.env("gateway").put(CONSUL_TOKEN_VARIABLE, "${CONSUL_GATEWAY_TOKEN}")));
    }

    static final Check ENVIRONMENT = new Check("environment variables", EnvironmentTest::checkEnvironment);

    static List<String> checkEnvironment(Project p) {
        List<String> problems = new ArrayList<>();
        checkInterpolation(p, problems);
        for (String module : RUNNABLE_MODULES) {
            Map<String, Object> service = p.services().get(module);
            if (service == null) {
                continue;
            }
            Map<String, String> env = environment(service);
            AppConfig config = p.appConfigs.get(module);
            for (String variable : env.keySet()) {
                if (JVM_ENVIRONMENT.contains(variable)) {
                    continue;
                }
                if (config == null) {
                    problems.add("service " + module + " sets " + variable + ", but the module has no application.yml"
                            + " to read it (only " + JVM_ENVIRONMENT + " are allowed)");
                } else if (!config.placeholders().containsKey(variable) && !config.bindsRelaxed(variable)) {
                    problems.add("service " + module + " sets " + variable + ", which " + module
                            + "/src/main/resources/application.yml (nor " + SHARED_SERVICE_DEFAULTS + ") reads as ${"
                            + variable + ":…} nor binds"
                            + " as a property (reads: " + config.placeholders().keySet() + ")");
                }
            }
            if (config == null) {
                continue;
            }
            AppConfig.PortVariable port = config.portVariable();
            if (port != null && env.containsKey(port.name()) && !env.get(port.name()).equals(port.defaultValue())) {
                problems.add("service " + module + ": " + port.name() + "=" + env.get(port.name())
                        + " but the application defaults to " + port.defaultValue()
                        + " (healthchecks, EXPOSE and the gateway URL assume the default)");
            }
            if (config.placeholders().containsKey("CONSUL_HOST")) {
                checkConsulSettings(p, module, env, problems);
            }
        }
        return problems;
    }

    /**
     * Compose interpolates $NAME and ${NAME} from the host's environment (and .env) when it reads the file; every
     * $ meant for Spring must be written $$. The only variables meant for compose are the ones .env.example
     * documents, each with that file's value as its default, so that "docker compose up" without a .env runs
     * exactly what .env.example describes.
     */
    private static void checkInterpolation(Project p, List<String> problems) {
        p.services().forEach((name, service) -> walkStrings(service, value -> {
            String rest = interpolated(value);
            if (rest == null) {
                return;
            }
            Matcher m = Compose.VARIABLE.matcher("$" + rest);
            String variable = m.lookingAt() ? (m.group(1) != null ? m.group(1) : m.group(4)) : null;
            if (variable == null || !p.envExample.containsKey(variable)) {
                problems.add("service " + name + ": '" + value + "' would be interpolated by compose from the host"
                        + " environment ($" + rest + "); write $$ so that the container sees a literal $, or"
                        + " document the variable in .env.example");
            } else if (!":-".equals(m.group(2)) || !p.envExample.get(variable).equals(m.group(3))) {
                problems.add("service " + name + ": '" + value + "' must be ${" + variable + ":-"
                        + p.envExample.get(variable) + "} (the default .env.example documents)");
            }
        }));
    }

    /** A Consul client's registration: the consul service, quick checks, Consul's deregistration floor, its host. */
    private static void checkConsulSettings(Project p, String module, Map<String, String> env, List<String> problems) {
        String host = env.get("CONSUL_HOST");
        if (host == null || !p.services().containsKey(host)
                || !str(p.services().get(host).get("image")).startsWith("hashicorp/consul:")) {
            problems.add("service " + module + ": CONSUL_HOST must name the consul service, is " + host);
        }
        if (!"8500".equals(env.get("CONSUL_PORT"))) {
            problems.add("service " + module + ": CONSUL_PORT must be 8500, is " + env.get("CONSUL_PORT"));
        }
        Duration interval = duration(env.get("CONSUL_CHECK_INTERVAL"));
        if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0
                || interval.compareTo(Duration.ofSeconds(5)) > 0) {
            problems.add("service " + module + ": CONSUL_CHECK_INTERVAL must be set, 1s..5s (Consul's minimum"
                    + " is 1s; longer hides restarts), is " + env.get("CONSUL_CHECK_INTERVAL"));
        }
        Duration deregister = duration(env.get("CONSUL_DEREGISTER_AFTER"));
        if (deregister == null || deregister.compareTo(Duration.ofMinutes(1)) < 0) {
            problems.add("service " + module + ": CONSUL_DEREGISTER_AFTER must be set and at least 1m"
                    + " (Consul raises anything lower to 1m), is " + env.get("CONSUL_DEREGISTER_AFTER"));
        }
        String serviceHost = env.get("SERVICE_HOST");
        String hostname = unescaped("$${HOSTNAME}");
        if (module.equals(SCALABLE_SERVICE)) {
            if (serviceHost == null || !hostname.equals(unescaped(serviceHost))) {
                problems.add("service " + module + " is scaled: SERVICE_HOST must be $${HOSTNAME} (each replica"
                        + " registers its own container host name), is " + serviceHost);
            }
            String instanceId = env.get("SPRING_CLOUD_CONSUL_DISCOVERY_INSTANCE_ID");
            if (instanceId == null || !unescaped(instanceId).contains(hostname)) {
                problems.add("service " + module + " is scaled: SPRING_CLOUD_CONSUL_DISCOVERY_INSTANCE_ID must"
                        + " contain $${HOSTNAME} (otherwise every replica registers as " + module
                        + "-<port> and they overwrite each other), is " + instanceId);
            }
        } else if (serviceHost == null || !(serviceHost.equals(module) || hostname.equals(unescaped(serviceHost)))) {
            problems.add("service " + module + ": SERVICE_HOST must be the service name or $${HOSTNAME} (the"
                    + " name Consul and the gateway use to reach it), is " + serviceHost);
        }
    }
}
