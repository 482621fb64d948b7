package dev.reconnect.ops;

import static dev.reconnect.ops.Compose.healthcheckTest;
import static dev.reconnect.ops.Compose.healthcheckTool;
import static dev.reconnect.ops.Compose.parsePort;
import static dev.reconnect.ops.Deployment.MANAGEMENT_PORT_DEFAULTS;
import static dev.reconnect.ops.Deployment.MANAGEMENT_PORT_VARIABLE;
import static dev.reconnect.ops.Deployment.RUNNABLE_MODULES;
import static dev.reconnect.ops.Deployment.SCALABLE_SERVICE;
import static dev.reconnect.ops.Project.DOCKERFILE;
import static dev.reconnect.ops.Values.list;
import static dev.reconnect.ops.Values.map;
import static dev.reconnect.ops.Values.str;

import dev.reconnect.ops.Check.Mistake;
import dev.reconnect.ops.Dockerfile.ImageBuild;
import dev.reconnect.ops.Dockerfile.Resolved;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * How the services are reached and probed: every long-running service has a healthcheck that its image can run, on
 * /readyz of the application's port; the actuator's other endpoints are on a management port of their own that is
 * never published; only the gateway is published on every interface, Consul, Prometheus and Grafana on the host's
 * loopback only, and the scaled ws-service not at all.
 */
class HealthchecksAndPortsTest extends ProjectCheckTest {

    /** The readiness probe on every Spring service's main port (the healthchecks use it; Consul hears it from the service). */
    static final String READINESS_PATH = "/readyz";
    /** Consul's HTTP check notices death only; readiness reaches Consul through the check the service passes itself. */
    static final String LIVENESS_PATH = "/livez";

    /**
     * Tools a healthcheck may call, by runtime base image. eclipse-temurin: the Ubuntu-based images install curl
     * and wget (adoptium/containers Dockerfiles), not the -alpine or -ubi variants, which is why those are
     * excluded. hashicorp/consul: Alpine-based, busybox wget, plus the consul binary. prom/prometheus: built on
     * quay.io/prometheus/busybox, so busybox wget and promtool, no curl. grafana/grafana: Alpine-based, busybox
     * wget (curl is not installed).
     */
    static final Map<String, Set<String>> HEALTHCHECK_TOOLS = Map.of(
            "eclipse-temurin", Set.of("curl", "wget", "java"),
            "hashicorp/consul", Set.of("wget", "consul"),
            "prom/prometheus", Set.of("wget", "promtool"),
            "grafana/grafana", Set.of("wget"));

    /** Published on the host's loopback interface only (127.0.0.1:port:port): service -> port. */
    static final Map<String, Integer> LOOPBACK_ONLY = Map.of("consul", 8500, "prometheus", 9090, "grafana", 3000);

    @Override
    List<Mistake> mistakes() {
        return List.of(
                HEALTHCHECKS.mistake("gateway healthcheck removed", p -> p.service("gateway").remove("healthcheck")),
                HEALTHCHECKS.mistake("consul healthcheck removed", p -> p.service("consul").remove("healthcheck")),
                HEALTHCHECKS.mistake("ws-service healthcheck disabled",
                        p -> p.healthcheck("ws-service").put("disable", true)),
                HEALTHCHECKS.mistake("api-service healthcheck on the wrong port",
                        p -> p.healthcheckRuns("api-service", "CMD", "curl", "-fsS", "http://localhost:8080/readyz")),
                HEALTHCHECKS.mistake("healthcheck on the liveness endpoint",
                        p -> p.healthcheckRuns("gateway", "CMD", "curl", "-fsS", "http://localhost:8080/livez")),
                HEALTHCHECKS.mistake("healthcheck on the actuator path, which moved to the management port",
                        p -> p.healthcheckRuns("ws-service", "CMD", "curl", "-fsS",
                                "http://localhost:8082/actuator/health/readiness")),
                HEALTHCHECKS.mistake("healthcheck on the management port",
                        p -> p.healthcheckRuns("api-service", "CMD", "curl", "-fsS", "http://localhost:9081/readyz")),
                HEALTHCHECKS.mistake("healthcheck with a tool the image lacks",
                        p -> p.healthcheckRuns("consul", "CMD", "nc", "-z", "127.0.0.1", "8500")),
                HEALTHCHECKS.mistake("services on the Alpine JRE, which has no curl",
                        p -> p.rebase("service", "eclipse-temurin:17.0.20_8-jre-alpine")),
                HEALTHCHECKS.mistake("prometheus healthcheck with curl, which its image lacks",
                        p -> p.healthcheckRuns("prometheus", "CMD", "curl", "-fsS", "http://127.0.0.1:9090/-/ready")),
                MANAGEMENT_PORTS.mistake("gateway management port published",
                        p -> p.service("gateway").put("ports", List.of("8080:8080", "9080:9080"))),
                MANAGEMENT_PORTS.mistake("api-service management port published on an ephemeral host port",
                        p -> p.service("api-service").put("ports", List.of("9081"))),
                MANAGEMENT_PORTS.mistake("ws-service management port exposed",
                        p -> p.service("ws-service").put("expose", List.of("8082", "9082"))),
                MANAGEMENT_PORTS.mistake("management port not configurable",
                        p -> p.setting("api-service", "management.server.port", "9081")),
                MANAGEMENT_PORTS.mistake("management port on the main port",
                        p -> p.setting("gateway", "management.server.port", "${MANAGEMENT_PORT:8080}")),
                MANAGEMENT_PORTS.mistake("management port default not the documented one",
                        p -> p.setting("ws-service", "management.server.port", "${MANAGEMENT_PORT:9999}")),
                MANAGEMENT_PORTS.mistake("Consul check on the actuator path", p -> p.setting("ws-service",
                        "spring.cloud.consul.discovery.health-check-path", "/actuator/health/readiness")),
                MANAGEMENT_PORTS.mistake("Consul's HTTP check polling readiness again", p -> p.setting("ws-service",
                        "spring.cloud.consul.discovery.health-check-path", "/readyz")),
                MANAGEMENT_PORTS.mistake("liveness back on Spring Boot's livenessState", p -> p.setting("api-service",
                        "management.endpoint.health.group.liveness.include", "livenessState")),
                MANAGEMENT_PORTS.mistake("Dockerfile HEALTHCHECK on the actuator path",
                        p -> p.editDockerfile(t -> t.replace("/readyz", "/actuator/health/readiness"))),
                MANAGEMENT_PORTS.mistake("Dockerfile HEALTHCHECK removed",
                        p -> p.editDockerfile(t -> t.replaceAll("(?m)^HEALTHCHECK.*\\R.*$", ""))),
                MANAGEMENT_PORTS.mistake("Dockerfile HEALTHCHECK disabled",
                        p -> p.editDockerfile(t -> t.replaceAll("(?m)^HEALTHCHECK.*\\R.*$", "HEALTHCHECK NONE"))),
                MANAGEMENT_PORTS.mistake("Dockerfile HEALTHCHECK on one fixed port for every service",
                        p -> p.editDockerfile(t -> t.replace("localhost:${PORT}/readyz", "localhost:8080/readyz"))),
                MANAGEMENT_PORTS.mistake("Dockerfile HEALTHCHECK reads the build arg, which is gone at run time",
                        p -> p.editDockerfile(t -> t.replace("\"$HEALTHCHECK_URL\"", "http://localhost:${PORT}/readyz"))),
                MANAGEMENT_PORTS.mistake("image exposes the management port",
                        p -> p.editDockerfile(t -> t.replace("EXPOSE ${PORT}", "EXPOSE ${PORT} 9081"))),
                PORTS.mistake("gateway published on another host port",
                        p -> p.service("gateway").put("ports", List.of("8081:8080"))),
                PORTS.mistake("consul UI not published", p -> p.service("consul").remove("ports")),
                PORTS.mistake("ws-service published on the host",
                        p -> p.service("ws-service").put("ports", List.of("8082:8082"))),
                PORTS.mistake("ws-service published on an ephemeral host port",
                        p -> p.service("ws-service").put("ports", List.of("8082"))),
                PORTS.mistake("image built for another port", p -> p.buildArgs("api-service").put("PORT", "8080")),
                PORTS.mistake("Dockerfile exposes one fixed port for every service",
                        p -> p.editDockerfile(t -> t.replace("EXPOSE ${PORT}", "EXPOSE 8080"))),
                PORTS.mistake("client pointed at another gateway port",
                        p -> p.service("client").put("command", List.of("listen", "--gateway", "http://gateway:9090"))),
                LOOPBACK_PORTS.mistake("Consul API on every interface",
                        p -> p.service("consul").put("ports", List.of("8500:8500"))),
                LOOPBACK_PORTS.mistake("Prometheus on every interface",
                        p -> p.service("prometheus").put("ports", List.of("0.0.0.0:9090:9090"))),
                LOOPBACK_PORTS.mistake("Grafana not published", p -> p.service("grafana").remove("ports")));
    }

    static final Check HEALTHCHECKS = new Check("healthchecks", HealthchecksAndPortsTest::checkHealthchecks);

    static List<String> checkHealthchecks(Project p) {
        List<String> problems = new ArrayList<>();
        Set<String> jobs = p.oneShotJobs();
        p.services().forEach((name, service) -> {
            // The client has no port; a one-shot job exits, so it is never "healthy" (others wait for its completion).
            if (name.equals("client") || jobs.contains(name)) {
                return;
            }
            Map<String, Object> healthcheck = map(service.get("healthcheck"));
            List<String> test = healthcheckTest(healthcheck);
            if (healthcheck.isEmpty() || test.isEmpty()) {
                problems.add("service " + name + " has no healthcheck test");
                return;
            }
            if (Boolean.TRUE.equals(healthcheck.get("disable")) || test.get(0).equals("NONE")) {
                problems.add("service " + name + ": healthcheck is disabled");
                return;
            }
            String command = String.join(" ", test);
            String tool = healthcheckTool(test);
            String base = p.runtimeImage(name);
            Set<String> tools = base == null ? null : toolsIn(base);
            if (tools == null) {
                problems.add("service " + name + ": runtime image " + base + " is not in HEALTHCHECK_TOOLS; check which"
                        + " tools it contains and add it");
            } else if (!tools.contains(tool)) {
                problems.add("service " + name + ": healthcheck calls '" + tool + "', which " + base
                        + " does not contain (it has " + new TreeSet<>(tools) + ")");
            }
            if (RUNNABLE_MODULES.contains(name)) {
                String expected = ":" + p.appPort(name) + READINESS_PATH;
                if (!command.contains(expected)) {
                    problems.add("service " + name + ": healthcheck must probe " + READINESS_PATH + " on the application's"
                            + " port (…" + expected + "; the other actuator endpoints are on the management port), is: "
                            + command);
                }
            }
        });
        return problems;
    }

    /** The tools HEALTHCHECK_TOOLS knows the image to contain, or null when it does not know the image. */
    static Set<String> toolsIn(String image) {
        String repository = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int slash = repository.lastIndexOf('/');
        int colon = repository.indexOf(':', slash + 1);
        String tag = colon < 0 ? "" : repository.substring(colon + 1);
        repository = colon < 0 ? repository : repository.substring(0, colon);
        if (repository.equals("eclipse-temurin") && (tag.contains("alpine") || tag.contains("ubi"))) {
            return null;
        }
        return HEALTHCHECK_TOOLS.get(repository);
    }

    static final Check MANAGEMENT_PORTS = new Check("management ports and /readyz",
            HealthchecksAndPortsTest::checkManagementPorts);

    /**
     * The management port convention: every Spring service serves its actuator endpoints (other than
     * /readyz and /livez) on {@code management.server.port: ${MANAGEMENT_PORT:default}}, a port of its
     * own, which compose never publishes or exposes; Consul's HTTP check probes /livez, the compose
     * healthcheck and the image's HEALTHCHECK probe /readyz, all on the main port.
     */
    static List<String> checkManagementPorts(Project p) {
        List<String> problems = new ArrayList<>();
        for (String module : RUNNABLE_MODULES) {
            if (!p.isBootModule(module)) {
                continue;
            }
            AppConfig config = p.appConfigs.get(module);
            if (config == null) {
                problems.add(module + " has no application.yml");
                continue;
            }
            int port = p.appPort(module);
            int expectedManagement = MANAGEMENT_PORT_DEFAULTS.get(module);
            Object raw = config.flat().get("management.server.port");
            Matcher m = raw == null ? null : AppConfig.PLACEHOLDER.matcher(str(raw));
            if (m == null || !m.matches() || !MANAGEMENT_PORT_VARIABLE.equals(m.group(1)) || m.group(2) == null) {
                problems.add(module + "/src/main/resources/application.yml: management.server.port must be ${"
                        + MANAGEMENT_PORT_VARIABLE + ":" + expectedManagement + "}, is " + raw);
            } else if (Integer.parseInt(m.group(2)) != expectedManagement || expectedManagement == port) {
                problems.add(module + ": management port default must be " + expectedManagement + " (not the main port "
                        + port + "), is " + m.group(2));
            }
            Object checkPath = config.flat().get("spring.cloud.consul.discovery.health-check-path");
            if (!LIVENESS_PATH.equals(str(checkPath))) {
                problems.add(module + ": Consul's HTTP check (spring.cloud.consul.discovery.health-check-path) must be "
                        + LIVENESS_PATH + " on the main port, is " + checkPath);
            }
            // Spring Boot's livenessState is BROKEN until the context has started, after the registration: a first
            // run of Consul's check in between would fail a healthy, starting instance.
            Object liveness = config.flat().get("management.endpoint.health.group.liveness.include");
            if (!"ping".equals(str(liveness))) {
                problems.add(module + ": the liveness group behind Consul's check (management.endpoint.health.group"
                        + ".liveness.include) must be ping, is " + liveness);
            }
            Map<String, Object> service = p.services().get(module);
            if (service != null) {
                for (Object entry : list(service.get("ports"))) {
                    int[] mapping = parsePort(entry);
                    if (mapping != null && mapping[1] == expectedManagement) {
                        problems.add("service " + module + " publishes its management port " + expectedManagement
                                + " (" + entry + "); actuator endpoints must stay inside the container network");
                    }
                }
                for (Object exposed : list(service.get("expose"))) {
                    if (str(exposed).equals(String.valueOf(expectedManagement))) {
                        problems.add("service " + module + " exposes its management port " + expectedManagement);
                    }
                }
            }
            ImageBuild build = p.builtImage(module);
            if (build != null) {
                Resolved image = build.image();
                String command = image.healthcheck();
                String expected = "http://localhost:" + port + READINESS_PATH;
                if (command == null || !command.contains(expected) || !command.matches("(?s).*\\bcurl\\b.*")) {
                    problems.add(module + "'s image (" + DOCKERFILE + ", target " + build.target() + "): its HEALTHCHECK"
                            + " must run curl on " + expected + " (as the container's shell sees it), runs " + command
                            + " (written " + image.last("HEALTHCHECK") + ")");
                }
                if (image.exposed().contains(String.valueOf(expectedManagement))) {
                    problems.add(module + "'s image exposes its management port " + expectedManagement + ": "
                            + image.exposed());
                }
            }
        }
        return problems;
    }

    static final Check PORTS = new Check("ports", HealthchecksAndPortsTest::checkPorts);

    static List<String> checkPorts(Project p) {
        List<String> problems = new ArrayList<>();
        expectPublished(p, "gateway", 8080, p.services().containsKey("gateway") ? p.appPort("gateway") : 8080, problems);
        expectPublished(p, "consul", 8500, 8500, problems);
        Map<String, Object> ws = p.services().get(SCALABLE_SERVICE);
        if (ws != null && !list(ws.get("ports")).isEmpty()) {
            problems.add("service " + SCALABLE_SERVICE + " must publish no port (it is scaled; two replicas cannot"
                    + " share a host port, and the gateway reaches it on the project network), has "
                    + ws.get("ports"));
        }
        p.services().forEach((name, service) -> {
            if (!RUNNABLE_MODULES.contains(name) || name.equals("client")) {
                return;
            }
            int port = p.appPort(name);
            for (Object exposed : list(service.get("expose"))) {
                if (!str(exposed).equals(String.valueOf(port))) {
                    problems.add("service " + name + " exposes " + exposed + " but listens on " + port);
                }
            }
            ImageBuild build = p.builtImage(name);
            if (build != null) {
                List<String> exposed = build.image().exposed();
                if (!exposed.equals(List.of(String.valueOf(port)))) {
                    problems.add(name + "'s image (" + DOCKERFILE + ", target " + build.target() + ") must EXPOSE "
                            + port + " only, exposes " + exposed);
                }
            }
        });
        Map<String, Object> client = p.services().get("client");
        if (client != null && p.services().containsKey("gateway")) {
            String command = Compose.words(client, "command");
            String expected = "--gateway http://gateway:" + p.appPort("gateway");
            if (!command.contains(expected)) {
                problems.add("service client must run 'listen " + expected + "', runs '" + command + "'");
            }
        }
        return problems;
    }

    static void expectPublished(Project p, String name, int hostPort, int containerPort, List<String> problems) {
        Map<String, Object> service = p.services().get(name);
        if (service == null) {
            problems.add("service " + name + " is missing");
            return;
        }
        boolean found = list(service.get("ports")).stream().map(Compose::parsePort)
                .anyMatch(m -> m != null && m[0] == hostPort && m[1] == containerPort);
        if (!found) {
            problems.add("service " + name + " must publish host port " + hostPort + " -> container port "
                    + containerPort + ", has " + service.get("ports"));
        }
    }

    static final Check LOOPBACK_PORTS = new Check("loopback-only ports", HealthchecksAndPortsTest::checkLoopbackPorts);

    /** Consul's API and the dashboards are for this machine only: published on 127.0.0.1, never on every interface. */
    static List<String> checkLoopbackPorts(Project p) {
        List<String> problems = new ArrayList<>();
        LOOPBACK_ONLY.forEach((name, port) -> {
            Map<String, Object> service = p.services().get(name);
            if (service == null) {
                problems.add("service " + name + " is missing");
                return;
            }
            List<?> ports = list(service.get("ports"));
            if (ports.isEmpty()) {
                problems.add("service " + name + " must publish 127.0.0.1:" + port + ":" + port);
            }
            for (Object entry : ports) {
                String hostIp = entry instanceof Map<?, ?> m ? str(m.get("host_ip"))
                        : str(entry).split(":").length == 3 ? str(entry).split(":")[0] : "";
                int[] mapping = parsePort(entry);
                if (!hostIp.equals("127.0.0.1") || mapping == null || mapping[0] != port || mapping[1] != port) {
                    problems.add("service " + name + " must publish only 127.0.0.1:" + port + ":" + port + ", has '"
                            + entry + "' (without 127.0.0.1 it listens on every interface of the host)");
                }
            }
        });
        return problems;
    }
}
