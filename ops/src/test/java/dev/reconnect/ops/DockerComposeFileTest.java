package dev.reconnect.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import dev.reconnect.protocol.Json;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps docker-compose.yml, the Dockerfile and .dockerignore honest without a Docker engine: it reads the files
 * and checks them against the modules' poms and application.yml files.
 *
 * <p>Every runnable module's image is built from the one Dockerfile at the repository root, with build arguments
 * (MODULE, PORT, ...) and a target stage per compose service. The Dockerfile checks therefore look at each
 * service's image as that service's build makes it: the target stage and the stages it needs, with the service's
 * build arguments substituted where the builder substitutes them ({@link Resolved}).
 *
 * <p>Each check is a function from the project files to a list of problems; the {@code @Test} methods assert
 * that the real files have none, and {@link #everyCheckCatchesItsMistake} proves each check fails on a
 * deliberately broken copy (tag changed to {@code latest}, healthcheck removed, ...).
 *
 * <p>Environment variables (see {@link #checkEnvironment}): a service built from module M may only set
 * <ul>
 *   <li>a {@code ${NAME:default}} placeholder name that M's {@code src/main/resources/application.yml} reads;</li>
 *   <li>a relaxed-binding name of a property path that application.yml sets (upper case, {@code .} and
 *       {@code [i]} become {@code _}, {@code -} is dropped or becomes {@code _}: {@code
 *       spring.cloud.consul.discovery.instance-id} is {@code SPRING_CLOUD_CONSUL_DISCOVERY_INSTANCE_ID} or
 *       {@code ..._INSTANCEID}), or of one of the few Spring Boot properties in {@link #KNOWN_SPRING_PROPERTIES};</li>
 *   <li>a variable the JVM itself reads ({@link #JVM_ENVIRONMENT}).</li>
 * </ul>
 * The client has no application.yml: only the JVM's variables. The consul service (an upstream image) is not
 * checked for environment variables.
 *
 * <p>Operations (see {@link #checkConsulAcl}, {@link #checkServiceTokens}, {@link #checkPrometheus},
 * {@link #checkGrafana}): Consul runs with ACLs and default deny, each service presents a token of its own whose
 * policy (ops/consul/policies) grants write on its own name only; Prometheus scrapes every service's management
 * port on the project network; the provisioned Grafana dashboard queries only series that the scraped modules'
 * code registers. Compose may interpolate only the variables listed in .env.example, with the same defaults.
 */
class DockerComposeFileTest {

    /** Services that must exist in docker-compose.yml. */
    static final List<String> REQUIRED_SERVICES = List.of("consul", "consul-acl", "gateway", "ws-service", "api-service",
            "client", "prometheus", "grafana");

    /**
     * Modules that run as a compose service of the same name, built from the root {@link #DOCKERFILE}; the client
     * service's image is built from the client-cli module ({@link #MODULE_OF_SERVICE}).
     * consul-emulator (a development stand-in for Consul) and devkit (the local launcher) do not run in compose.
     */
    static final List<String> RUNNABLE_MODULES = List.of("api-service", "ws-service", "gateway", "client");
    /** The module a runnable service's image is built from (build arg MODULE), where it is not the service's name. */
    static final Map<String, String> MODULE_OF_SERVICE = Map.of("client", "client-cli");

    /** The module whose shared settings every service runs with, below its own application.yml. */
    static final String SERVICE_SUPPORT = "service-support";
    static final String SHARED_SERVICE_DEFAULTS = "service-support/src/main/resources/reconnect-service-defaults.yml";

    /** The one Dockerfile, at the repository root (which is every build's context). */
    static final String DOCKERFILE = "Dockerfile";

    /**
     * The Dockerfile's first line: the BuildKit Dockerfile frontend, latest 1.x, whatever frontend the local
     * builder bundles (RUN --mount needs it). A parser directive counts only before any comment or instruction.
     */
    static final Pattern SYNTAX_DIRECTIVE = Pattern.compile("# syntax=docker/dockerfile:1(\\.\\d+)*");

    /** Maven's repository in the maven image (root's ~/.m2): what the build's cache mount must cover. */
    static final Set<String> MAVEN_REPOSITORY_MOUNTS = Set.of("/root/.m2", "/root/.m2/repository");

    /** The service that may be scaled ({@code docker compose up --scale ws-service=2}). */
    static final String SCALABLE_SERVICE = "ws-service";

    /** Spring Boot properties a service may set from the environment although its application.yml does not list them. */
    static final Set<String> KNOWN_SPRING_PROPERTIES = Set.of("spring.profiles.active", "logging.level.root");

    /** Environment variables read by the JVM rather than by Spring. */
    static final Set<String> JVM_ENVIRONMENT = Set.of("JAVA_TOOL_OPTIONS");

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

    /** The one-shot job that creates the Consul ACL policies and tokens, and its script. */
    static final String ACL_JOB = "consul-acl";
    static final String ACL_SCRIPT = "ops/consul/bootstrap-acl.sh";
    /** One policy per token: ops/consul/policies/NAME.hcl, created by {@code apply NAME "$VARIABLE"} in the script. */
    static final String POLICY_DIR = "ops/consul/policies";
    /** The variable a service reads its Consul ACL token from (spring.cloud.consul.token: ${CONSUL_TOKEN:}). */
    static final String CONSUL_TOKEN_VARIABLE = "CONSUL_TOKEN";

    static final String PROMETHEUS_CONFIG = "ops/prometheus/prometheus.yml";
    static final String PROMETHEUS_PATH = "/actuator/prometheus";
    static final String GRAFANA_DATASOURCES = "ops/grafana/provisioning/datasources";
    static final String GRAFANA_DASHBOARDS = "ops/grafana/dashboards";
    /** Series Prometheus writes itself, per target: the only ones a dashboard may query that no code registers. */
    static final Set<String> PROMETHEUS_OWN_SERIES = Set.of("up");
    /** What the dashboard must show (readiness, passing instances, sessions, backend ends, publish rate, log head). */
    static final List<String> DASHBOARD_SERIES = List.of("gateway_readiness_ready",
            "gateway_readiness_passing_instances", "ws_sessions", "gateway_websocket_backend_ends_total",
            "log_appends_seconds_count", "log_head");

    static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Compose interpolation: ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?err}, and $NAME. */
    static final Pattern COMPOSE_VARIABLE = Pattern.compile(
            "\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");

    /** The readiness probe on every Spring service's main port (Consul's check and the healthchecks use it). */
    static final String READINESS_PATH = "/readyz";

    /** The variable that moves a service's actuator endpoints (other than /readyz, /livez) to a port of their own. */
    static final String MANAGEMENT_PORT_VARIABLE = "MANAGEMENT_PORT";

    /** The documented management port defaults. */
    static final Map<String, Integer> MANAGEMENT_PORT_DEFAULTS = Map.of("gateway", 9080, "api-service", 9081,
            "ws-service", 9082);

    /** Spring Boot's layers, in the order the Dockerfile must copy them (least to most often changed). */
    static final List<String> BOOT_LAYERS = List.of("dependencies", "spring-boot-loader", "snapshot-dependencies",
            "application");

    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");
    static final Pattern EXACT_VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");
    static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    private static Project project;

    @BeforeAll
    static void load() throws IOException {
        project = Project.load(findRoot());
    }

    // ------------------------------------------------------------------------------------------------------------
    // The checks on the real files

    @Test
    void requiredServicesExist() {
        assertNoProblems("docker-compose.yml services", checkServicesExist(project));
    }

    @Test
    void everyRunnableModuleHasAServiceBuiltFromTheDockerfile() {
        assertNoProblems("runnable modules in docker-compose.yml", checkRunnableModules(project));
    }

    @Test
    void buildArgumentsAreTheOnesTheDockerfileDeclares() {
        assertNoProblems("build args", checkBuildArgs(project));
    }

    @Test
    void imagesArePinnedToExactTags() {
        assertNoProblems("image pins (compose image: and Dockerfile FROM)", checkImagePins(project));
    }

    @Test
    void buildContextsAndDockerfilesExist() {
        assertNoProblems("build contexts and Dockerfiles", checkBuildPaths(project));
    }

    @Test
    void everyServiceButTheClientHasAWorkingHealthcheck() {
        assertNoProblems("healthchecks", checkHealthchecks(project));
    }

    @Test
    void managementPortsAreSeparateAndNeverPublished() {
        assertNoProblems("management ports and /readyz", checkManagementPorts(project));
    }

    @Test
    void portsArePublishedAsDesigned() {
        assertNoProblems("ports", checkPorts(project));
    }

    @Test
    void environmentVariablesAreOnesTheServicesRead() {
        assertNoProblems("environment variables", checkEnvironment(project));
    }

    @Test
    void startupOrderIsStaggered() {
        assertNoProblems("depends_on order", checkStartupOrder(project));
    }

    @Test
    void apiServiceDataIsOnANamedVolume() {
        assertNoProblems("api-service data volume", checkDataVolume(project));
    }

    @Test
    void servicesHaveARestartPolicy() {
        assertNoProblems("restart policies", checkRestartPolicies(project));
    }

    @Test
    void dockerfileBuildsEachModuleWithACachedRepositoryAndRunsItAsNonRoot() {
        assertNoProblems("Dockerfile", checkDockerfile(project));
    }

    @Test
    void consulRunsWithAclsAndDefaultDeny() {
        assertNoProblems("Consul ACLs", checkConsulAcl(project));
    }

    @Test
    void consulPrometheusAndGrafanaArePublishedOnLoopbackOnly() {
        assertNoProblems("loopback-only ports", checkLoopbackPorts(project));
    }

    @Test
    void everyServiceHasItsOwnLeastPrivilegeConsulToken() {
        assertNoProblems("Consul tokens and policies", checkServiceTokens(project));
    }

    @Test
    void prometheusScrapesEveryServicesManagementPort() {
        assertNoProblems("Prometheus", checkPrometheus(project));
    }

    @Test
    void grafanaDashboardQueriesOnlySeriesTheCodeRegisters() {
        assertNoProblems("Grafana", checkGrafana(project));
    }

    @Test
    void dockerignoreKeepsBuildOutputOut() {
        assertNoProblems(".dockerignore", checkDockerignore(project));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Each check must fail on a broken copy: the proof that it checks something.

    static Stream<Arguments> mistakes() {
        return Stream.of(
                mistake("consul service removed", "checkServicesExist", p -> p.services().remove("consul")),
                mistake("client service removed", "checkRunnableModules", p -> p.services().remove("client")),
                mistake("gateway built from a Dockerfile of its own", "checkRunnableModules",
                        p -> p.build("gateway").put("dockerfile", "gateway/Dockerfile")),
                mistake("client built from its module directory", "checkRunnableModules",
                        p -> p.build("client").put("context", "./client")),
                mistake("target that is no stage of the Dockerfile", "checkRunnableModules",
                        p -> p.build("ws-service").put("target", "runtime")),
                // The build arguments each service passes against the ARGs of the stages its target builds.
                mistake("build arg misspelt", "checkBuildArgs", p -> {
                    p.buildArgs("api-service").remove("MODULE");
                    p.buildArgs("api-service").put("MODUL", "api-service");
                }),
                mistake("client given a PORT, which only the service stage declares", "checkBuildArgs",
                        p -> p.buildArgs("client").put("PORT", "8080")),
                mistake("required build arg missing", "checkBuildArgs", p -> p.buildArgs("ws-service").remove("PORT")),
                mistake("required build arg empty", "checkBuildArgs", p -> p.buildArgs("gateway").put("MODULE", "")),
                mistake("build arg the Dockerfile no longer declares", "checkBuildArgs",
                        p -> p.editDockerfile(t -> t.replace("ARG DATA_DIR=\"\"\n", ""))),
                mistake("consul image tag latest", "checkImagePins",
                        p -> p.service("consul").put("image", "hashicorp/consul:latest")),
                mistake("consul image without tag", "checkImagePins",
                        p -> p.service("consul").put("image", "hashicorp/consul")),
                mistake("consul image with a floating minor tag", "checkImagePins",
                        p -> p.service("consul").put("image", "hashicorp/consul:1.20")),
                mistake("runtime FROM with a floating tag", "checkImagePins",
                        p -> p.editDockerfile(t -> t.replace("FROM eclipse-temurin:17.0.20_8-jre-noble AS service",
                                "FROM eclipse-temurin:17-jre-noble AS service"))),
                mistake("build FROM latest", "checkImagePins",
                        p -> p.editDockerfile(t -> t.replace("FROM maven:3.9.16-eclipse-temurin-17 AS",
                                "FROM maven:latest AS"))),
                mistake("build FROM a floating Maven minor", "checkImagePins",
                        p -> p.editDockerfile(t -> t.replace("FROM maven:3.9.16-eclipse-temurin-17 AS",
                                "FROM maven:3.9-eclipse-temurin-17 AS"))),
                mistake("base image from a build arg", "checkImagePins",
                        p -> p.editDockerfile(t -> t.replace("FROM maven:3.9.16-eclipse-temurin-17 AS",
                                "FROM maven:${MAVEN_TAG} AS"))),
                mistake("client and services on different JREs", "checkImagePins",
                        p -> p.editDockerfile(t -> t.replace("FROM eclipse-temurin:17.0.20_8-jre-noble AS client",
                                "FROM eclipse-temurin:17.0.13_11-jre AS client"))),
                mistake("Dockerfile path that does not exist", "checkBuildPaths",
                        p -> p.build("api-service").put("dockerfile", "api-service/Dockerfile.missing")),
                mistake("build context that does not exist", "checkBuildPaths",
                        p -> p.build("api-service").put("context", "./nowhere")),
                mistake("gateway healthcheck removed", "checkHealthchecks",
                        p -> p.service("gateway").remove("healthcheck")),
                mistake("consul healthcheck removed", "checkHealthchecks",
                        p -> p.service("consul").remove("healthcheck")),
                mistake("ws-service healthcheck disabled", "checkHealthchecks",
                        p -> p.healthcheck("ws-service").put("disable", true)),
                mistake("api-service healthcheck on the wrong port", "checkHealthchecks",
                        p -> p.healthcheck("api-service").put("test",
                                List.of("CMD", "curl", "-fsS", "http://localhost:8080/readyz"))),
                mistake("healthcheck on the liveness endpoint", "checkHealthchecks",
                        p -> p.healthcheck("gateway").put("test",
                                List.of("CMD", "curl", "-fsS", "http://localhost:8080/livez"))),
                mistake("healthcheck on the actuator path, which moved to the management port", "checkHealthchecks",
                        p -> p.healthcheck("ws-service").put("test",
                                List.of("CMD", "curl", "-fsS", "http://localhost:8082/actuator/health/readiness"))),
                mistake("healthcheck on the management port", "checkHealthchecks",
                        p -> p.healthcheck("api-service").put("test",
                                List.of("CMD", "curl", "-fsS", "http://localhost:9081/readyz"))),
                mistake("gateway management port published", "checkManagementPorts",
                        p -> p.service("gateway").put("ports", List.of("8080:8080", "9080:9080"))),
                mistake("api-service management port published on an ephemeral host port", "checkManagementPorts",
                        p -> p.service("api-service").put("ports", List.of("9081"))),
                mistake("ws-service management port exposed", "checkManagementPorts",
                        p -> p.service("ws-service").put("expose", List.of("8082", "9082"))),
                mistake("management port not configurable", "checkManagementPorts",
                        p -> p.appConfigs.get("api-service").flat().put("management.server.port", "9081")),
                mistake("management port on the main port", "checkManagementPorts",
                        p -> p.appConfigs.get("gateway").flat().put("management.server.port", "${MANAGEMENT_PORT:8080}")),
                mistake("management port default not the documented one", "checkManagementPorts",
                        p -> p.appConfigs.get("ws-service").flat().put("management.server.port", "${MANAGEMENT_PORT:9999}")),
                mistake("Consul check on the actuator path", "checkManagementPorts",
                        p -> p.appConfigs.get("ws-service").flat().put(
                                "spring.cloud.consul.discovery.health-check-path", "/actuator/health/readiness")),
                mistake("Dockerfile HEALTHCHECK on the actuator path", "checkManagementPorts",
                        p -> p.editDockerfile(t -> t.replace("/readyz", "/actuator/health/readiness"))),
                mistake("Dockerfile HEALTHCHECK removed", "checkManagementPorts",
                        p -> p.editDockerfile(t -> t.replaceAll("(?m)^HEALTHCHECK.*\\R.*$", ""))),
                mistake("Dockerfile HEALTHCHECK disabled", "checkManagementPorts",
                        p -> p.editDockerfile(t -> t.replaceAll("(?m)^HEALTHCHECK.*\\R.*$", "HEALTHCHECK NONE"))),
                mistake("Dockerfile HEALTHCHECK on one fixed port for every service", "checkManagementPorts",
                        p -> p.editDockerfile(t -> t.replace("localhost:${PORT}/readyz", "localhost:8080/readyz"))),
                mistake("Dockerfile HEALTHCHECK reads the build arg, which is gone at run time", "checkManagementPorts",
                        p -> p.editDockerfile(t -> t.replace("\"$HEALTHCHECK_URL\"", "http://localhost:${PORT}/readyz"))),
                mistake("image exposes the management port", "checkManagementPorts",
                        p -> p.editDockerfile(t -> t.replace("EXPOSE ${PORT}", "EXPOSE ${PORT} 9081"))),
                mistake("healthcheck with a tool the image lacks", "checkHealthchecks",
                        p -> p.healthcheck("consul").put("test",
                                List.of("CMD", "nc", "-z", "127.0.0.1", "8500"))),
                mistake("services on the Alpine JRE, which has no curl", "checkHealthchecks",
                        p -> p.editDockerfile(t -> t.replace("FROM eclipse-temurin:17.0.20_8-jre-noble AS service",
                                "FROM eclipse-temurin:17.0.20_8-jre-alpine AS service"))),
                mistake("gateway published on another host port", "checkPorts",
                        p -> p.service("gateway").put("ports", List.of("8081:8080"))),
                mistake("consul UI not published", "checkPorts", p -> p.service("consul").remove("ports")),
                mistake("ws-service published on the host", "checkPorts",
                        p -> p.service("ws-service").put("ports", List.of("8082:8082"))),
                mistake("ws-service published on an ephemeral host port", "checkPorts",
                        p -> p.service("ws-service").put("ports", List.of("8082"))),
                mistake("image built for another port", "checkPorts", p -> p.buildArgs("api-service").put("PORT", "8080")),
                mistake("Dockerfile exposes one fixed port for every service", "checkPorts",
                        p -> p.editDockerfile(t -> t.replace("EXPOSE ${PORT}", "EXPOSE 8080"))),
                mistake("client pointed at another gateway port", "checkPorts",
                        p -> p.service("client").put("command", List.of("listen", "--gateway", "http://gateway:9090"))),
                mistake("unknown variable", "checkEnvironment", p -> p.env("api-service").put("FOO_BAR", "1")),
                mistake("variable of another service", "checkEnvironment",
                        p -> p.env("api-service").put("WS_STARTUP_DELAY", "5s")),
                mistake("SPRING_ name of no property", "checkEnvironment",
                        p -> p.env("gateway").put("SPRING_CLOUD_CONSUL_DISCOVERY_NO_SUCH_THING", "x")),
                mistake("client given a service variable", "checkEnvironment",
                        p -> p.service("client").put("environment", new LinkedHashMap<>(Map.of("CONSUL_HOST", "consul")))),
                mistake("port variable not the application's default", "checkEnvironment",
                        p -> p.env("api-service").put("API_PORT", "9999")),
                mistake("deregister-after under Consul's minimum", "checkEnvironment",
                        p -> p.env("ws-service").put("CONSUL_DEREGISTER_AFTER", "30s")),
                mistake("CONSUL_HOST not a service", "checkEnvironment",
                        p -> p.env("gateway").put("CONSUL_HOST", "localhost")),
                mistake("$ interpolated by compose instead of Spring", "checkEnvironment",
                        p -> p.env("ws-service").put("SERVICE_HOST", "${HOSTNAME}")),
                mistake("scaled instance id not unique per container", "checkEnvironment",
                        p -> p.env("ws-service").remove("SPRING_CLOUD_CONSUL_DISCOVERY_INSTANCE_ID")),
                mistake("client waits for ws-service", "checkStartupOrder",
                        p -> p.dependsOn("client").put("ws-service", Map.of("condition", "service_started"))),
                mistake("gateway waits for ws-service", "checkStartupOrder",
                        p -> p.dependsOn("gateway").put("ws-service", Map.of("condition", "service_healthy"))),
                mistake("client waits for a healthy gateway", "checkStartupOrder",
                        p -> p.dependsOn("client").put("gateway", Map.of("condition", "service_healthy"))),
                mistake("api-service does not wait for consul to be healthy", "checkStartupOrder",
                        p -> p.dependsOn("api-service").put("consul", Map.of("condition", "service_started"))),
                mistake("ws-service does not wait for api-service", "checkStartupOrder",
                        p -> p.dependsOn("ws-service").remove("api-service")),
                mistake("ws-service without warm-up", "checkStartupOrder",
                        p -> p.env("ws-service").remove("WS_STARTUP_DELAY")),
                mistake("api-service data on a bind mount", "checkDataVolume",
                        p -> p.service("api-service").put("volumes", List.of("./data:/data"))),
                mistake("api-service data directory outside the volume", "checkDataVolume",
                        p -> p.env("api-service").put("API_DATA_DIR", "/tmp/api")),
                mistake("restart policy removed", "checkRestartPolicies",
                        p -> p.service("gateway").remove("restart")),
                mistake("api-service's image does not create its data directory", "checkDataVolume",
                        p -> p.buildArgs("api-service").remove("DATA_DIR")),
                mistake("api-service's image creates another data directory", "checkDataVolume",
                        p -> p.buildArgs("api-service").put("DATA_DIR", "/var/lib/api")),
                mistake("no syntax directive", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("# syntax=docker/dockerfile:1\n", ""))),
                mistake("syntax directive below a comment, where it is ignored", "checkDockerfile",
                        p -> p.editDockerfile(t -> "# One Dockerfile\n" + t)),
                mistake("no cache mount for Maven's repository", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("--mount=type=cache,target=/root/.m2,sharing=locked ", ""))),
                mistake("cache mount on a directory Maven does not use", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("target=/root/.m2,", "target=/tmp/m2,"))),
                mistake("a bind mount instead of a cache", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("--mount=type=cache,", "--mount=type=bind,"))),
                mistake("a second Maven run without the cache", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("WORKDIR /workspace\n",
                                "WORKDIR /workspace\nRUN mvn -B -q help:evaluate -Dexpression=project.version\n"))),
                mistake("Dockerfile runs as root", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("USER 10001:10001", "USER root"))),
                mistake("client stage without USER", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replaceFirst("USER 10001:10001\n", ""))),
                mistake("Dockerfile misses a needed module's sources", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("COPY service-support/src service-support/src\n", ""))),
                mistake("Dockerfile misses the gateway's test-scope module", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("COPY consul-emulator/src consul-emulator/src\n", ""))),
                mistake("Dockerfile copies a fixed module's sources", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("COPY ${MODULE}/src ${MODULE}/src", "COPY gateway/src gateway/src"))),
                mistake("Dockerfile misses a module pom", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("COPY devkit/pom.xml devkit/\n", ""))),
                mistake("Dockerfile builds a fixed module", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("-pl \"$MODULE\" -am package", "-pl gateway -am package"))),
                mistake("service built with another module's name", "checkDockerfile",
                        p -> p.buildArgs("ws-service").put("MODULE", "api-service")),
                mistake("Boot jar under another name", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("\"$MODULE/target/$MODULE.jar\"", "\"$MODULE/target/app.jar\""))),
                mistake("services run on the Maven build image", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("FROM eclipse-temurin:17.0.20_8-jre-noble AS service",
                                "FROM build AS service"))),
                mistake("Boot service built as the client", "checkDockerfile", p -> p.build("gateway").put("target", "client")),
                mistake("client built as a service (no target: the last stage)", "checkDockerfile",
                        p -> p.build("client").remove("target")),
                mistake("client image with a HEALTHCHECK on a port it does not have", "checkDockerfile",
                        p -> p.editDockerfile(t -> t.replace("ENTRYPOINT [\"java\", \"-jar\", \"/app/client-cli.jar\"]",
                                "HEALTHCHECK CMD curl -fsS http://localhost:8080/readyz\n"
                                        + "ENTRYPOINT [\"java\", \"-jar\", \"/app/client-cli.jar\"]"))),
                mistake("Boot layers copied out of order", "checkDockerfile",
                        p -> p.editDockerfile(t -> t
                                .replace("extracted/dependencies/ ./", "extracted/TMP/ ./")
                                .replace("extracted/application/ ./", "extracted/dependencies/ ./")
                                .replace("extracted/TMP/ ./", "extracted/application/ ./"))),
                mistake(".dockerignore lets target/ in", "checkDockerignore",
                        p -> p.dockerignore = p.dockerignore.replace("**/target", "")),
                // Operations: Consul ACLs
                mistake("ACLs default to allow", "checkConsulAcl",
                        p -> p.editConsulConfig(c -> map(c.get("acl")).put("default_policy", "allow"))),
                mistake("ACLs disabled", "checkConsulAcl",
                        p -> p.editConsulConfig(c -> map(c.get("acl")).put("enabled", false))),
                mistake("no ACL configuration", "checkConsulAcl",
                        p -> p.env("consul").remove("CONSUL_LOCAL_CONFIG")),
                mistake("consul-acl works with another management token than Consul's", "checkConsulAcl",
                        p -> p.env("consul-acl").put("CONSUL_HTTP_TOKEN", "11111111-1111-4111-8111-111111111111")),
                mistake("agent token not the one consul-acl creates", "checkConsulAcl",
                        p -> p.editConsulConfig(c -> map(map(c.get("acl")).get("tokens")).put("agent",
                                "11111111-1111-4111-8111-111111111111"))),
                mistake("Consul back to an in-memory dev agent", "checkConsulAcl",
                        p -> p.service("consul").put("command", List.of("agent", "-dev", "-client=0.0.0.0"))),
                mistake("Consul state not on a named volume", "checkConsulAcl", p -> p.service("consul").remove("volumes")),
                mistake("Consul API on every interface", "checkLoopbackPorts",
                        p -> p.service("consul").put("ports", List.of("8500:8500"))),
                mistake("Prometheus on every interface", "checkLoopbackPorts",
                        p -> p.service("prometheus").put("ports", List.of("0.0.0.0:9090:9090"))),
                mistake("Grafana not published", "checkLoopbackPorts", p -> p.service("grafana").remove("ports")),
                mistake("gateway without a Consul token", "checkServiceTokens",
                        p -> p.env("gateway").remove(CONSUL_TOKEN_VARIABLE)),
                mistake("two services share a token", "checkServiceTokens",
                        p -> p.env("ws-service").put(CONSUL_TOKEN_VARIABLE, p.env("api-service").get(CONSUL_TOKEN_VARIABLE))),
                mistake("a service given the management token", "checkServiceTokens",
                        p -> p.env("api-service").put(CONSUL_TOKEN_VARIABLE, p.env("consul-acl").get("CONSUL_HTTP_TOKEN"))),
                mistake("a token the job never creates", "checkServiceTokens",
                        p -> p.env("gateway").put(CONSUL_TOKEN_VARIABLE, "11111111-1111-4111-8111-111111111111")),
                mistake("the job no longer creates ws-service's token", "checkServiceTokens",
                        p -> p.aclScript = p.aclScript.replaceAll("(?m)^apply ws-service .*$", "")),
                mistake("gateway's policy cannot read ws-service", "checkServiceTokens",
                        p -> p.policies.put("gateway", p.policies.get("gateway").replace("\"ws-service\"", "\"nothing\""))),
                mistake("ws-service's policy cannot read api-service (its log)", "checkServiceTokens",
                        p -> p.policies.put("ws-service", p.policies.get("ws-service").replace("service \"api-service\"",
                                "service \"other\""))),
                mistake("policy without node read for a service that reads health", "checkServiceTokens",
                        p -> p.policies.put("gateway", p.policies.get("gateway").replace("node_prefix", "# node_prefix"))),
                mistake("api-service may write every service", "checkServiceTokens",
                        p -> p.policies.put("api-service", p.policies.get("api-service")
                                + "service_prefix \"\" {\n  policy = \"write\"\n}\n")),
                mistake("a service policy with key-value write", "checkServiceTokens",
                        p -> p.policies.put("ws-service", p.policies.get("ws-service")
                                + "key_prefix \"\" { policy = \"write\" }\n")),
                mistake("gateway's policy missing", "checkServiceTokens", p -> p.policies.remove("gateway")),
                mistake("application does not read CONSUL_TOKEN", "checkServiceTokens",
                        p -> p.appConfigs.get("api-service").placeholders().remove(CONSUL_TOKEN_VARIABLE)),
                mistake("gateway does not wait for the ACL job", "checkStartupOrder",
                        p -> p.dependsOn("gateway").remove(ACL_JOB)),
                mistake("ws-service waits only for the ACL job to start", "checkStartupOrder",
                        p -> p.dependsOn("ws-service").put(ACL_JOB, Map.of("condition", "service_started"))),
                mistake("ACL job does not wait for a healthy consul", "checkStartupOrder",
                        p -> p.dependsOn(ACL_JOB).put("consul", Map.of("condition", "service_started"))),
                mistake("ACL job restarted after it succeeded", "checkRestartPolicies",
                        p -> p.service(ACL_JOB).put("restart", "unless-stopped")),
                mistake("compose variable not listed in .env.example", "checkEnvironment",
                        p -> p.env("grafana").put("GF_SERVER_DOMAIN", "${GRAFANA_DOMAIN:-localhost}")),
                mistake("compose default differs from .env.example", "checkEnvironment",
                        p -> p.env("gateway").put(CONSUL_TOKEN_VARIABLE, "${CONSUL_GATEWAY_TOKEN:-11111111-1111-4111-8111-111111111111}")),
                mistake("compose variable without a default", "checkEnvironment",
                        p -> p.env("gateway").put(CONSUL_TOKEN_VARIABLE, "${CONSUL_GATEWAY_TOKEN}")),
                // Operations: Prometheus and Grafana
                mistake("prometheus image latest", "checkImagePins",
                        p -> p.service("prometheus").put("image", "prom/prometheus:latest")),
                mistake("grafana image with a floating major tag", "checkImagePins",
                        p -> p.service("grafana").put("image", "grafana/grafana:13")),
                mistake("prometheus healthcheck with curl, which its image lacks", "checkHealthchecks",
                        p -> p.healthcheck("prometheus").put("test",
                                List.of("CMD", "curl", "-fsS", "http://127.0.0.1:9090/-/ready"))),
                mistake("ws-service scraped on its public port", "checkPrometheus",
                        p -> p.scrapeJob("ws-service").put("dns_sd_configs",
                                List.of(Map.of("names", List.of("ws-service"), "type", "A", "port", 8082)))),
                mistake("gateway not scraped", "checkPrometheus",
                        p -> list(p.prometheus.get("scrape_configs")).remove(p.scrapeJob("gateway"))),
                mistake("api-service scraped on another host", "checkPrometheus",
                        p -> p.scrapeJob("api-service").put("static_configs",
                                List.of(Map.of("targets", List.of("gateway:9081"))))),
                mistake("scraped on the metrics endpoint", "checkPrometheus",
                        p -> p.scrapeJob("gateway").put("metrics_path", "/actuator/metrics")),
                mistake("scaled ws-service scraped as one static target", "checkPrometheus",
                        p -> {
                            p.scrapeJob("ws-service").remove("dns_sd_configs");
                            p.scrapeJob("ws-service").put("static_configs", List.of(Map.of("targets", List.of("ws-service:9082"))));
                        }),
                mistake("prometheus endpoint not exposed", "checkPrometheus",
                        p -> p.appConfigs.get("ws-service").flat().put("management.endpoints.web.exposure.include",
                                "health,info,metrics")),
                mistake("prometheus config not mounted", "checkPrometheus", p -> p.service("prometheus").remove("volumes")),
                mistake("dashboard queries a meter no code registers", "checkGrafana",
                        p -> p.editDashboard(t -> t.replace("\"ws_sessions\"", "\"ws_reconnects_total\""))),
                mistake("dashboard queries a counter without _total", "checkGrafana",
                        p -> p.editDashboard(t -> t.replace("gateway_websocket_backend_ends_total", "gateway_websocket_backend_ends"))),
                mistake("dashboard queries a gauge as a counter", "checkGrafana",
                        p -> p.editDashboard(t -> t.replace("sum(ws_sessions)", "sum(rate(ws_sessions_total[1m]))"))),
                mistake("dashboard queries a timer without its unit", "checkGrafana",
                        p -> p.editDashboard(t -> t.replace("log_appends_seconds_count", "log_appends_count"))),
                mistake("dashboard not valid JSON", "checkGrafana", p -> p.editDashboard(t -> t.replaceFirst("}\\s*$", ""))),
                mistake("no dashboard", "checkGrafana", p -> p.dashboards.clear()),
                mistake("dashboard on another datasource", "checkGrafana",
                        p -> p.editDashboard(t -> t.replace("\"uid\": \"prometheus\"", "\"uid\": \"elsewhere\""))),
                mistake("dashboard without the log head", "checkGrafana",
                        p -> p.editDashboard(t -> t.replace("log_head", "log_reads_waiting"))),
                mistake("datasource not the compose Prometheus", "checkGrafana",
                        p -> p.editDatasource(d -> d.put("url", "http://localhost:9090"))),
                mistake("dashboards not mounted", "checkGrafana", p -> p.service("grafana").remove("volumes")));
    }

    @ParameterizedTest(name = "{0} -> {1} fails")
    @MethodSource("mistakes")
    void everyCheckCatchesItsMistake(String mistake, String check, Consumer<Project> breakIt) throws IOException {
        Project copy = Project.load(project.root());
        breakIt.accept(copy);
        Function<Project, List<String>> checker = CHECKS.get(check);
        assertTrue(checker != null, "no check named " + check);
        List<String> problems = checker.apply(copy);
        assertFalse(problems.isEmpty(), check + " did not notice: " + mistake);
    }

    static Arguments mistake(String mistake, String check, Consumer<Project> breakIt) {
        return Arguments.of(mistake, check, breakIt);
    }

    static final Map<String, Function<Project, List<String>>> CHECKS = Map.ofEntries(
            Map.entry("checkServicesExist", DockerComposeFileTest::checkServicesExist),
            Map.entry("checkRunnableModules", DockerComposeFileTest::checkRunnableModules),
            Map.entry("checkImagePins", DockerComposeFileTest::checkImagePins),
            Map.entry("checkBuildPaths", DockerComposeFileTest::checkBuildPaths),
            Map.entry("checkHealthchecks", DockerComposeFileTest::checkHealthchecks),
            Map.entry("checkManagementPorts", DockerComposeFileTest::checkManagementPorts),
            Map.entry("checkPorts", DockerComposeFileTest::checkPorts),
            Map.entry("checkEnvironment", DockerComposeFileTest::checkEnvironment),
            Map.entry("checkStartupOrder", DockerComposeFileTest::checkStartupOrder),
            Map.entry("checkDataVolume", DockerComposeFileTest::checkDataVolume),
            Map.entry("checkRestartPolicies", DockerComposeFileTest::checkRestartPolicies),
            Map.entry("checkBuildArgs", DockerComposeFileTest::checkBuildArgs),
            Map.entry("checkDockerfile", DockerComposeFileTest::checkDockerfile),
            Map.entry("checkDockerignore", DockerComposeFileTest::checkDockerignore),
            Map.entry("checkConsulAcl", DockerComposeFileTest::checkConsulAcl),
            Map.entry("checkLoopbackPorts", DockerComposeFileTest::checkLoopbackPorts),
            Map.entry("checkServiceTokens", DockerComposeFileTest::checkServiceTokens),
            Map.entry("checkPrometheus", DockerComposeFileTest::checkPrometheus),
            Map.entry("checkGrafana", DockerComposeFileTest::checkGrafana));

    // ------------------------------------------------------------------------------------------------------------
    // Checks

    static List<String> checkServicesExist(Project p) {
        List<String> problems = new ArrayList<>();
        for (String name : REQUIRED_SERVICES) {
            if (!p.services().containsKey(name)) {
                problems.add("service '" + name + "' is missing");
            }
        }
        return problems;
    }

    static List<String> checkRunnableModules(Project p) {
        List<String> problems = new ArrayList<>();
        for (String module : p.modules) {
            if (p.isBootModule(module) && !RUNNABLE_MODULES.contains(module)) {
                problems.add("module " + module + " is a Spring Boot application but not in RUNNABLE_MODULES: "
                        + "give it a service built from the Dockerfile");
            }
        }
        for (String module : RUNNABLE_MODULES) {
            Map<String, Object> service = p.services().get(module);
            if (service == null) {
                problems.add("module " + module + " has no service '" + module + "'");
                continue;
            }
            Map<String, Object> build = map(service.get("build"));
            if (build.isEmpty()) {
                problems.add("service " + module + " has no build section (it must be built from the sources)");
                continue;
            }
            Path dockerfile = p.dockerfilePath(build);
            Path expected = p.root().resolve(DOCKERFILE).normalize();
            if (!expected.equals(dockerfile)) {
                problems.add("service " + module + " builds from " + p.root().relativize(dockerfile) + ", expected the"
                        + " one " + DOCKERFILE + " at the repository root (with build args saying which module)");
            }
            if (!p.root().equals(p.contextPath(build))) {
                problems.add("service " + module + ": build context must be the repository root '.' (the Dockerfile"
                        + " needs the parent pom and the shared modules)");
            }
            ImageBuild image = p.imageBuild(module);
            if (image != null && !image.stages().containsKey(image.target())) {
                problems.add("service " + module + ": build target '" + image.target() + "' is no stage of the"
                        + " Dockerfile (stages: " + image.stages().keySet() + ")");
            }
        }
        return problems;
    }

    /**
     * The build args each service passes are ARGs of the stages its target builds, and every ARG those stages declare
     * without a default is given a value. An argument no stage declares is ignored with a mere warning (a misspelt
     * name builds an image without it); a required one left out builds with an empty value.
     */
    static List<String> checkBuildArgs(Project p) {
        List<String> problems = new ArrayList<>();
        for (String service : p.services().keySet()) {
            ImageBuild image = p.imageBuild(service);
            if (image == null || !image.stages().containsKey(image.target())) {
                continue;
            }
            Set<String> declared = new TreeSet<>();
            Set<String> required = new TreeSet<>();
            for (Resolved stage : image.needed()) {
                declared.addAll(stage.declared());
                required.addAll(stage.required());
            }
            for (String arg : image.args().keySet()) {
                if (!declared.contains(arg)) {
                    problems.add("service " + service + " passes build arg " + arg + ", which no stage of target '"
                            + image.target() + "' declares (it declares " + declared + ")");
                }
            }
            for (String arg : required) {
                if (image.args().getOrDefault(arg, "").isBlank()) {
                    problems.add("service " + service + " must pass build arg " + arg + " (an ARG without a default in"
                            + " the stages target '" + image.target() + "' builds)");
                }
            }
        }
        return problems;
    }

    static List<String> checkImagePins(Project p) {
        List<String> problems = new ArrayList<>();
        p.services().forEach((name, service) -> {
            Object image = service.get("image");
            if (image != null) {
                String why = unpinned(str(image));
                if (why != null) {
                    problems.add("service " + name + ": image '" + image + "' " + why);
                }
            }
        });
        if (p.dockerfile != null) {
            Set<String> stages = new LinkedHashSet<>();
            for (List<Instruction> stage : Dockerfile.stages(p.dockerfile)) {
                From from = From.parse(stage.get(0).args());
                if (!stages.contains(from.image())) {
                    String why = unpinned(from.image());
                    if (why != null) {
                        problems.add(DOCKERFILE + ": FROM " + from.image() + " " + why);
                    }
                }
                if (from.alias() != null) {
                    stages.add(from.alias());
                }
            }
        }
        // One JRE for every image: a bump of the runtime image then reaches the client and the services together.
        Map<String, String> runtimes = new LinkedHashMap<>();
        for (String module : RUNNABLE_MODULES) {
            if (p.imageBuild(module) != null) {
                runtimes.put(module, p.runtimeImage(module));
            }
        }
        if (new LinkedHashSet<>(runtimes.values()).size() > 1) {
            problems.add(DOCKERFILE + ": the run stages must share one runtime image, are " + runtimes);
        }
        return problems;
    }

    /** Why an image reference is not pinned to an exact version, or null when it is. */
    static String unpinned(String image) {
        if (image.contains("$")) {
            return "is built from a variable; pin it literally";
        }
        if (image.contains("@sha256:")) {
            return null;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.indexOf(':', slash + 1);
        if (colon < 0) {
            return "has no tag (that means latest)";
        }
        String tag = image.substring(colon + 1);
        if (tag.equalsIgnoreCase("latest") || tag.contains("latest")) {
            return "uses a latest tag";
        }
        if (!EXACT_VERSION.matcher(tag).find()) {
            return "has tag '" + tag + "', which floats; use an exact major.minor.patch tag";
        }
        return null;
    }

    static List<String> checkBuildPaths(Project p) {
        List<String> problems = new ArrayList<>();
        p.services().forEach((name, service) -> {
            Object raw = service.get("build");
            if (raw == null) {
                return;
            }
            Map<String, Object> build = map(raw);
            Path context = p.contextPath(build);
            if (!Files.isDirectory(context)) {
                problems.add("service " + name + ": build context " + context + " does not exist");
                return;
            }
            Path dockerfile = p.dockerfilePath(build);
            if (!Files.isRegularFile(dockerfile)) {
                problems.add("service " + name + ": Dockerfile " + dockerfile + " does not exist");
            }
        });
        return problems;
    }

    static List<String> checkHealthchecks(Project p) {
        List<String> problems = new ArrayList<>();
        p.services().forEach((name, service) -> {
            // The client has no port; a one-shot job exits, so it is never "healthy" (others wait for its completion).
            if (name.equals("client") || oneShotJobs(p).contains(name)) {
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
                int port = p.appPort(name);
                String expected = ":" + port + READINESS_PATH;
                if (!command.contains(expected)) {
                    problems.add("service " + name + ": healthcheck must probe " + READINESS_PATH + " on the application's"
                            + " port (…" + expected + "; the other actuator endpoints are on the management port), is: "
                            + command);
                }
            }
        });
        return problems;
    }

    /**
     * The management port convention: every Spring service serves its actuator endpoints (other than
     * /readyz and /livez) on {@code management.server.port: ${MANAGEMENT_PORT:default}}, a port of its
     * own, which compose never publishes or exposes; Consul's HTTP check, the compose healthcheck and
     * the image's HEALTHCHECK all probe /readyz on the main port.
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
            Matcher m = raw == null ? null : PLACEHOLDER.matcher(str(raw));
            if (m == null || !m.matches() || !MANAGEMENT_PORT_VARIABLE.equals(m.group(1)) || m.group(2) == null) {
                problems.add(module + "/src/main/resources/application.yml: management.server.port must be ${"
                        + MANAGEMENT_PORT_VARIABLE + ":" + expectedManagement + "}, is " + raw);
            } else if (Integer.parseInt(m.group(2)) != expectedManagement || expectedManagement == port) {
                problems.add(module + ": management port default must be " + expectedManagement + " (not the main port "
                        + port + "), is " + m.group(2));
            }
            Object checkPath = config.flat().get("spring.cloud.consul.discovery.health-check-path");
            if (!READINESS_PATH.equals(str(checkPath))) {
                problems.add(module + ": Consul's HTTP check (spring.cloud.consul.discovery.health-check-path) must be "
                        + READINESS_PATH + " on the main port, is " + checkPath);
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
            ImageBuild build = p.imageBuild(module);
            if (build != null && build.stages().containsKey(build.target())) {
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
            ImageBuild build = p.imageBuild(name);
            if (build != null && build.stages().containsKey(build.target())) {
                List<String> exposed = build.image().exposed();
                if (!exposed.equals(List.of(String.valueOf(port)))) {
                    problems.add(name + "'s image (" + DOCKERFILE + ", target " + build.target() + ") must EXPOSE "
                            + port + " only, exposes " + exposed);
                }
            }
        });
        Map<String, Object> client = p.services().get("client");
        if (client != null && p.services().containsKey("gateway")) {
            String command = String.join(" ", list(client.get("command")).stream().map(DockerComposeFileTest::str)
                    .toList());
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
        List<int[]> published = new ArrayList<>();
        for (Object entry : list(service.get("ports"))) {
            int[] mapping = parsePort(entry);
            if (mapping != null) {
                published.add(mapping);
            }
        }
        boolean found = published.stream().anyMatch(m -> m[0] == hostPort && m[1] == containerPort);
        if (!found) {
            problems.add("service " + name + " must publish host port " + hostPort + " -> container port "
                    + containerPort + ", has " + service.get("ports"));
        }
    }

    /** {host, container} from "H:C", "IP:H:C", "C" (host -1) or the long syntax; null if unreadable. */
    static int[] parsePort(Object entry) {
        try {
            if (entry instanceof Map<?, ?> m) {
                Object published = m.get("published");
                return new int[] {published == null ? -1 : Integer.parseInt(str(published)),
                        Integer.parseInt(str(m.get("target")))};
            }
            String[] parts = str(entry).replaceAll("/(tcp|udp)$", "").split(":");
            int container = Integer.parseInt(parts[parts.length - 1]);
            int host = parts.length == 1 ? -1 : Integer.parseInt(parts[parts.length - 2]);
            return new int[] {host, container};
        } catch (RuntimeException e) {
            return null;
        }
    }

    static List<String> checkEnvironment(Project p) {
        List<String> problems = new ArrayList<>();
        // Compose interpolates $NAME and ${NAME} from the host's environment (and .env) when it reads the file; every
        // $ meant for Spring must be written $$. The only variables meant for compose are the ones .env.example
        // documents, each with that file's value as its default, so that "docker compose up" without a .env runs
        // exactly what .env.example describes.
        p.services().forEach((name, service) -> walkStrings(service, value -> {
            String unescaped = compose$(value);
            if (unescaped == null) {
                return;
            }
            Matcher m = COMPOSE_VARIABLE.matcher("$" + unescaped);
            String variable = m.lookingAt() ? (m.group(1) != null ? m.group(1) : m.group(4)) : null;
            if (variable == null || !p.envExample.containsKey(variable)) {
                problems.add("service " + name + ": '" + value + "' would be interpolated by compose from the host"
                        + " environment ($" + unescaped + "); write $$ so that the container sees a literal $, or"
                        + " document the variable in .env.example");
            } else if (!":-".equals(m.group(2)) || !p.envExample.get(variable).equals(m.group(3))) {
                problems.add("service " + name + ": '" + value + "' must be ${" + variable + ":-"
                        + p.envExample.get(variable) + "} (the default .env.example documents)");
            }
        }));
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
            PortVariable port = config.portVariable();
            if (port != null && env.containsKey(port.name()) && !env.get(port.name()).equals(port.defaultValue())) {
                problems.add("service " + module + ": " + port.name() + "=" + env.get(port.name())
                        + " but the application defaults to " + port.defaultValue()
                        + " (healthchecks, EXPOSE and the gateway URL assume the default)");
            }
            if (config.placeholders().containsKey("CONSUL_HOST")) {
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
                String hostname = compose$$("$${HOSTNAME}");
                if (module.equals(SCALABLE_SERVICE)) {
                    if (serviceHost == null || !hostname.equals(compose$$(serviceHost))) {
                        problems.add("service " + module + " is scaled: SERVICE_HOST must be $${HOSTNAME} (each replica"
                                + " registers its own container host name), is " + serviceHost);
                    }
                    String instanceId = env.get("SPRING_CLOUD_CONSUL_DISCOVERY_INSTANCE_ID");
                    if (instanceId == null || !compose$$(instanceId).contains(hostname)) {
                        problems.add("service " + module + " is scaled: SPRING_CLOUD_CONSUL_DISCOVERY_INSTANCE_ID must"
                                + " contain $${HOSTNAME} (otherwise every replica registers as " + module
                                + "-<port> and they overwrite each other), is " + instanceId);
                    }
                } else if (serviceHost == null
                        || !(serviceHost.equals(module) || hostname.equals(compose$$(serviceHost)))) {
                    problems.add("service " + module + ": SERVICE_HOST must be the service name or $${HOSTNAME} (the"
                            + " name Consul and the gateway use to reach it), is " + serviceHost);
                }
            }
        }
        return problems;
    }

    static List<String> checkStartupOrder(Project p) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, String>> deps = new LinkedHashMap<>();
        p.services().forEach((name, service) -> deps.put(name, dependsOn(service)));
        deps.forEach((name, targets) -> targets.keySet().forEach(target -> {
            if (!deps.containsKey(target)) {
                problems.add("service " + name + " depends on unknown service " + target);
            }
        }));
        if (!deps.getOrDefault("consul", Map.of()).isEmpty()) {
            problems.add("consul must start first (no depends_on), has " + deps.get("consul"));
        }
        expectDependency(deps, "api-service", "consul", "service_healthy", problems);
        expectDependency(deps, "gateway", "consul", "service_healthy", problems);
        expectDependency(deps, "client", "gateway", "service_started", problems);
        expectDependency(deps, "ws-service", "api-service", "service_healthy", problems);
        // Every service with a Consul token waits until the job has created it: with default deny, a service that
        // registers before its token exists is refused, and Spring Cloud Consul swallows the 403.
        expectDependency(deps, ACL_JOB, "consul", "service_healthy", problems);
        for (String service : consulClients(p)) {
            expectDependency(deps, service, ACL_JOB, "service_completed_successfully", problems);
        }
        for (String waiter : List.of("gateway", "client")) {
            if (closure(deps, waiter).contains("ws-service")) {
                problems.add(waiter + " must not wait for ws-service (directly or through another service): the client"
                        + " is meant to be seen waiting on readiness while ws-service starts");
            }
        }
        Set<String> wsClosure = closure(deps, "ws-service");
        for (String earlier : List.of("consul", "api-service", "gateway")) {
            if (!wsClosure.contains(earlier)) {
                problems.add("ws-service must start last: it does not wait for " + earlier);
            }
        }
        Map<String, Object> ws = p.services().get("ws-service");
        Duration delay = ws == null ? null : duration(environment(ws).get("WS_STARTUP_DELAY"));
        if (delay == null || delay.isZero()) {
            problems.add("ws-service must have a WS_STARTUP_DELAY warm-up (registered but not yet ready), has "
                    + (ws == null ? null : environment(ws).get("WS_STARTUP_DELAY")));
        }
        return problems;
    }

    static void expectDependency(Map<String, Map<String, String>> deps, String service, String target,
                                 String condition, List<String> problems) {
        String actual = deps.getOrDefault(service, Map.of()).get(target);
        if (!condition.equals(actual)) {
            problems.add(service + " must depend on " + target + " with condition " + condition + ", has "
                    + (actual == null ? "no dependency" : actual));
        }
    }

    static Set<String> closure(Map<String, Map<String, String>> deps, String start) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(deps.getOrDefault(start, Map.of()).keySet());
        while (!todo.isEmpty()) {
            String next = todo.remove(0);
            if (seen.add(next)) {
                todo.addAll(deps.getOrDefault(next, Map.of()).keySet());
            }
        }
        return seen;
    }

    static List<String> checkDataVolume(Project p) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> api = p.services().get("api-service");
        if (api == null) {
            return List.of("service api-service is missing");
        }
        String dataDir = environment(api).get("API_DATA_DIR");
        if (dataDir == null) {
            return List.of("api-service must set API_DATA_DIR (its H2 files) to a directory on a named volume");
        }
        Set<String> named = map(p.compose.get("volumes")).keySet();
        boolean onNamedVolume = false;
        for (Object entry : list(api.get("volumes"))) {
            String source;
            String target;
            if (entry instanceof Map<?, ?> m) {
                source = str(m.get("source"));
                target = str(m.get("target"));
                if (!"volume".equals(str(m.get("type")))) {
                    continue;
                }
            } else {
                String[] parts = str(entry).split(":");
                if (parts.length < 2) {
                    continue;
                }
                source = parts[0];
                target = parts[1];
            }
            if (named.contains(source) && (dataDir.equals(target) || dataDir.startsWith(target + "/"))) {
                onNamedVolume = true;
            }
        }
        if (!onNamedVolume) {
            problems.add("API_DATA_DIR=" + dataDir + " is not on a named volume (declared under top-level volumes:"
                    + " " + named + "), api-service mounts " + api.get("volumes"));
        }
        // A fresh named volume takes the owner of the image's directory it is mounted on; without that directory
        // (owned by the user the image runs as) the volume is root's and the non-root service cannot write its log.
        ImageBuild build = p.imageBuild("api-service");
        if (build != null && build.stages().containsKey(build.target())) {
            Pattern chown = Pattern.compile("\\bchown\\s+\\S+\\s+\"?" + Pattern.quote(dataDir) + "\"?(\\s|;|$)");
            if (build.image().all("RUN").stream().noneMatch(run -> chown.matcher(run).find())) {
                problems.add("api-service's image must create API_DATA_DIR " + dataDir + " owned by the app user (build"
                        + " arg DATA_DIR: " + build.args().get("DATA_DIR") + ")");
            }
        }
        return problems;
    }

    static List<String> checkRestartPolicies(Project p) {
        List<String> problems = new ArrayList<>();
        Set<String> allowed = Set.of("always", "unless-stopped", "on-failure");
        Set<String> jobs = oneShotJobs(p);
        p.services().forEach((name, service) -> {
            String restart = str(service.get("restart"));
            if (jobs.contains(name)) {
                // "always" or "unless-stopped" would start the job again each time it exits 0, forever.
                if (!restart.isEmpty() && !restart.equals("no")) {
                    problems.add("service " + name + " is a one-shot job (others wait for it to complete): restart"
                            + " must be \"no\", is '" + restart + "'");
                }
                return;
            }
            if (!allowed.contains(restart.replaceAll(":\\d+$", ""))) {
                problems.add("service " + name + " needs a restart policy (" + allowed + "), has '" + restart + "'");
            }
        });
        return problems;
    }

    /**
     * The one Dockerfile, as each runnable module's service builds it (its target and build args): BuildKit syntax;
     * every pom and the sources 'mvn -pl MODULE -am' needs; that build with Maven's repository on a cache mount; a
     * non-root user; a Boot service as its layers with the JarLauncher; the client as its shaded jar, with no port
     * and so no EXPOSE or HEALTHCHECK.
     */
    static List<String> checkDockerfile(Project p) {
        List<String> problems = new ArrayList<>();
        if (p.dockerfile == null) {
            return List.of(DOCKERFILE + " is missing at the repository root");
        }
        String firstLine = p.dockerfile.lines().findFirst().orElse("").trim();
        if (!SYNTAX_DIRECTIVE.matcher(firstLine).matches()) {
            problems.add(DOCKERFILE + ": the first line must be '# syntax=docker/dockerfile:1' (the BuildKit frontend"
                    + " for RUN --mount; below a comment or an instruction it is an ordinary comment), is '" + firstLine
                    + "'");
        }
        for (String service : RUNNABLE_MODULES) {
            ImageBuild build = p.imageBuild(service);
            if (build == null || !build.stages().containsKey(build.target())) {
                continue; // checkRunnableModules reports it
            }
            String module = MODULE_OF_SERVICE.getOrDefault(service, service);
            if (!module.equals(build.args().get("MODULE"))) {
                problems.add(service + "'s image must be built from module " + module + " (build arg MODULE), is "
                        + build.args().get("MODULE"));
                continue;
            }
            String where = service + "'s image (" + DOCKERFILE + ", target " + build.target() + ", args " + build.args()
                    + "): ";
            Resolved image = build.image();
            List<Resolved> needed = build.needed();
            if (Dockerfile.lineage(build.stages(), build.target()).stream().anyMatch(s -> s.instructions().stream()
                    .anyMatch(i -> i.keyword().equals("RUN") && i.args().matches(".*\\bmvn\\b.*")))) {
                problems.add(where + "the run stage must not be based on the Maven build stage (a JRE only)");
            }
            Set<String> copied = new LinkedHashSet<>();
            // A set: the stages a target needs share ancestors (layers is FROM build), each resolved with its lineage.
            Set<String> mavenRuns = new LinkedHashSet<>();
            for (Resolved stage : needed) {
                for (Instruction i : stage.instructions()) {
                    if (i.keyword().equals("COPY") && Dockerfile.copyFrom(i.args()) == null) {
                        List<String> args = Dockerfile.args(i.args());
                        args.subList(0, args.size() - 1).stream().filter(a -> !a.startsWith("--"))
                                .map(a -> a.replaceAll("/$", "")).forEach(copied::add);
                    }
                    if (i.keyword().equals("RUN") && i.args().matches(".*\\bmvn\\b.*")) {
                        mavenRuns.add(i.args());
                    }
                }
            }
            for (String source : copied) {
                if (!Files.exists(p.root().resolve(source))) {
                    problems.add(where + "COPY " + source + " does not exist in the build context");
                }
            }
            for (String m : p.modules) {
                if (!copied.contains(m + "/pom.xml")) {
                    problems.add(where + "must COPY " + m + "/pom.xml (the root pom lists every module)");
                }
            }
            if (!copied.contains("pom.xml")) {
                problems.add(where + "must COPY the root pom.xml");
            }
            Set<String> sources = new LinkedHashSet<>(p.alsoMake(module));
            sources.add(module);
            for (String needs : sources) {
                if (!copied.contains(needs + "/src")) {
                    problems.add(where + "must COPY " + needs + "/src (mvn -pl " + module + " -am builds " + needs + ")");
                }
            }
            boolean packages = mavenRuns.stream().anyMatch(run -> run.contains(" package")
                    && run.matches(".*-pl\\s+\"?" + Pattern.quote(module) + "\"?\\s.*") && run.contains("-am"));
            if (!packages) {
                problems.add(where + "must build with 'mvn … -pl " + module + " -am package', runs " + mavenRuns);
            }
            // Every Maven run: one without the cache would download the whole repository into a layer of its own.
            for (String run : mavenRuns) {
                boolean cached = Dockerfile.mounts(run).stream().anyMatch(m -> "cache".equals(m.get("type"))
                        && MAVEN_REPOSITORY_MOUNTS.contains(m.getOrDefault("target",
                        m.getOrDefault("dst", m.get("destination")))));
                if (!cached) {
                    problems.add(where + "RUN " + run + " must have Maven's repository on a BuildKit cache mount"
                            + " (--mount=type=cache,target=/root/.m2), so that the images share one download");
                }
            }
            String user = image.last("USER");
            if (user == null || user.split(":")[0].equals("root") || user.split(":")[0].equals("0")) {
                problems.add(where + "must run as a non-root USER, has " + user);
            }
            String entrypoint = image.last("ENTRYPOINT");
            entrypoint = entrypoint == null ? "" : entrypoint;
            if (p.isBootModule(module)) {
                String jar = module + "/target/" + finalName(p, module) + ".jar";
                boolean extracts = needed.stream().flatMap(r -> r.all("RUN").stream()).anyMatch(run ->
                        run.contains("-Djarmode=tools") && run.contains(" extract") && run.contains("--layers")
                                && run.contains("--launcher") && Dockerfile.args(run).contains(jar));
                if (!extracts) {
                    problems.add(where + "must extract the layers of " + jar + ": java -Djarmode=tools -jar " + jar
                            + " extract --layers --launcher --destination …");
                }
                List<String> layers = new ArrayList<>();
                for (Instruction i : image.instructions()) {
                    Matcher m = Pattern.compile("extracted/([a-z-]+)/?\\s").matcher(i.args() + " ");
                    if (i.keyword().equals("COPY") && m.find()) {
                        layers.add(m.group(1));
                    }
                }
                if (!layers.equals(BOOT_LAYERS)) {
                    problems.add(where + "must copy the layers in the order " + BOOT_LAYERS + ", copies " + layers);
                }
                if (!entrypoint.contains("org.springframework.boot.loader.launch.JarLauncher")) {
                    problems.add(where + "ENTRYPOINT must start org.springframework.boot.loader.launch.JarLauncher, is "
                            + entrypoint);
                }
            } else {
                boolean copiesJar = image.all("COPY").stream().anyMatch(c -> c.contains(module + "/target/" + module
                        + ".jar"));
                if (!copiesJar || !entrypoint.contains(module + ".jar")) {
                    problems.add(where + "must copy and run " + module + "/target/" + module + ".jar (its shaded jar)");
                }
                // The CLI listens on no port: an EXPOSE would be false, a HEALTHCHECK would find nothing to probe and
                // mark a working client unhealthy.
                if (!image.exposed().isEmpty() || image.healthcheck() != null) {
                    problems.add(where + "has no port: must EXPOSE nothing and have no HEALTHCHECK, has EXPOSE "
                            + image.exposed() + ", HEALTHCHECK " + image.last("HEALTHCHECK"));
                }
            }
        }
        return problems;
    }

    /** A module's jar name without .jar: its pom's build/finalName, else artifactId-version as Maven names it. */
    static String finalName(Project p, String module) {
        Element pom = p.poms.get(module).getDocumentElement();
        String name = text(child(pom, "build"), "finalName");
        return name != null ? name : text(pom, "artifactId") + "-" + text(pom, "version");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Operations: Consul ACLs, per-service tokens, Prometheus, Grafana

    /**
     * Consul enforces ACLs with default deny (so a request without a valid token can read and write nothing), the
     * management and agent tokens in its configuration are the ones the ACL job works with and creates, and its ACL
     * state survives a restart (a -dev agent keeps it in memory: every service would be locked out after one).
     */
    static List<String> checkConsulAcl(Project p) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> consul = p.services().get("consul");
        Map<String, Object> job = p.services().get(ACL_JOB);
        if (consul == null || job == null) {
            return List.of("services consul and " + ACL_JOB + " are both needed, have " + p.services().keySet());
        }
        Map<String, Object> config = p.consulConfig();
        if (config == null) {
            return List.of("consul: CONSUL_LOCAL_CONFIG must hold Consul's ACL configuration as JSON, is "
                    + environment(consul).get("CONSUL_LOCAL_CONFIG"));
        }
        Map<String, Object> acl = map(config.get("acl"));
        if (!Boolean.TRUE.equals(acl.get("enabled"))) {
            problems.add("consul: acl.enabled must be true, is " + acl.get("enabled"));
        }
        if (!"deny".equals(acl.get("default_policy"))) {
            problems.add("consul: acl.default_policy must be deny (anything no token grants is refused), is "
                    + acl.get("default_policy"));
        }
        Map<String, Object> tokens = map(acl.get("tokens"));
        Map<String, String> jobEnv = environment(job);
        expectSameToken("acl.tokens.initial_management", str(tokens.get("initial_management")),
                ACL_JOB + "'s CONSUL_HTTP_TOKEN", p.resolve(jobEnv.get("CONSUL_HTTP_TOKEN")), problems);
        expectSameToken("acl.tokens.agent", str(tokens.get("agent")),
                ACL_JOB + "'s CONSUL_AGENT_TOKEN", p.resolve(jobEnv.get("CONSUL_AGENT_TOKEN")), problems);
        List<String> command = list(consul.get("command")).stream().map(DockerComposeFileTest::str).toList();
        if (command.contains("-dev")) {
            problems.add("consul: not a -dev agent (it keeps ACL policies and tokens in memory; after a restart every"
                    + " service is locked out), runs " + command);
        }
        boolean dataOnVolume = list(consul.get("volumes")).stream().map(DockerComposeFileTest::str)
                .anyMatch(v -> v.endsWith(":/consul/data")
                        && map(p.compose.get("volumes")).containsKey(v.substring(0, v.indexOf(':'))));
        if (!dataOnVolume) {
            problems.add("consul: /consul/data (ACL state, registrations) must be on a named volume, mounts "
                    + consul.get("volumes"));
        }
        if (!str(job.get("image")).equals(str(consul.get("image")))) {
            problems.add(ACL_JOB + " must run the consul image (its CLI), runs " + job.get("image"));
        }
        String runs = String.join(" ", list(job.get("entrypoint")).stream().map(DockerComposeFileTest::str).toList())
                + " " + String.join(" ", list(job.get("command")).stream().map(DockerComposeFileTest::str).toList());
        String script = ACL_SCRIPT.substring(ACL_SCRIPT.lastIndexOf('/') + 1);
        if (p.aclScript == null || !runs.contains(script)) {
            problems.add(ACL_JOB + " must run " + ACL_SCRIPT + " (exists: " + (p.aclScript != null) + "), runs " + runs);
        }
        return problems;
    }

    static void expectSameToken(String what, String value, String otherWhat, String other, List<String> problems) {
        String resolved = value;
        if (!UUID.matcher(resolved).matches()) {
            problems.add("consul: " + what + " must be a UUID, is '" + value + "'");
        } else if (!resolved.equals(other)) {
            problems.add("consul: " + what + " (" + resolved + ") must be " + otherWhat + " (" + other + ")");
        }
    }

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

    /**
     * Each service that talks to Consul presents a token of its own (CONSUL_TOKEN, read by its application.yml),
     * created by the ACL job with a policy in ops/consul/policies/SERVICE.hcl that grants exactly: write on its own
     * name, read on the services it looks up ({@link #LOOKUP_PROPERTIES}), and node read when it reads any (health
     * answers are filtered by node:read). Nothing else: no prefix-wide write, no key-value, no operator.
     */
    static List<String> checkServiceTokens(Project p) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> job = p.services().get(ACL_JOB);
        if (job == null || p.aclScript == null) {
            return List.of("service " + ACL_JOB + " and " + ACL_SCRIPT + " are needed");
        }
        Map<String, String> jobEnv = environment(job);
        Map<String, String> applied = new LinkedHashMap<>();
        Matcher apply = Pattern.compile("(?m)^\\s*apply\\s+(\\S+)\\s+\"\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?\"").matcher(p.aclScript);
        while (apply.find()) {
            applied.put(apply.group(1), apply.group(2));
        }
        for (String name : applied.keySet()) {
            if (!p.policies.containsKey(name)) {
                problems.add(ACL_SCRIPT + " applies " + POLICY_DIR + "/" + name + ".hcl, which does not exist");
            }
        }
        String management = p.resolve(jobEnv.get("CONSUL_HTTP_TOKEN"));
        Map<String, String> owners = new LinkedHashMap<>();
        for (String module : consulClients(p)) {
            AppConfig config = p.appConfigs.get(module);
            if (!config.placeholders().containsKey(CONSUL_TOKEN_VARIABLE)) {
                problems.add(module + "'s settings (its application.yml over " + SHARED_SERVICE_DEFAULTS + ") must read ${"
                        + CONSUL_TOKEN_VARIABLE
                        + ":} (spring.cloud.consul.token): with default deny, a service without its token is refused");
            }
            String token = p.resolve(environment(p.services().get(module)).get(CONSUL_TOKEN_VARIABLE));
            if (token.isEmpty()) {
                problems.add("service " + module + " must be given its Consul token as " + CONSUL_TOKEN_VARIABLE);
                continue;
            }
            if (!UUID.matcher(token).matches()) {
                problems.add("service " + module + ": " + CONSUL_TOKEN_VARIABLE + " must be a UUID, is '" + token + "'");
            }
            if (token.equals(management)) {
                problems.add("service " + module + " is given the management token; it needs a token of its own");
            }
            String owner = owners.putIfAbsent(token, module);
            if (owner != null) {
                problems.add("services " + owner + " and " + module + " share a Consul token; each needs its own");
            }
            String variable = applied.get(module);
            if (variable == null) {
                problems.add(ACL_SCRIPT + " creates no token for " + module + " (apply " + module + " \"$VARIABLE\")");
            } else if (!token.equals(p.resolve(jobEnv.get(variable)))) {
                problems.add("service " + module + "'s " + CONSUL_TOKEN_VARIABLE + " (" + token + ") is not the token "
                        + ACL_JOB + " creates for it (" + variable + "=" + p.resolve(jobEnv.get(variable)) + ")");
            }
            String rules = p.policies.get(module);
            if (rules == null) {
                problems.add(POLICY_DIR + "/" + module + ".hcl is missing");
                continue;
            }
            Set<String> reads = new LinkedHashSet<>();
            String lookup = LOOKUP_PROPERTIES.get(module);
            if (lookup != null) {
                for (String service : str(config.flat().get(lookup)).split(",")) {
                    if (!service.isBlank()) {
                        reads.add(service.trim());
                    }
                }
            }
            Set<String> wanted = new LinkedHashSet<>();
            wanted.add("service \"" + module + "\" write");
            reads.forEach(service -> wanted.add("service \"" + service + "\" read"));
            if (!reads.isEmpty()) {
                wanted.add("node_prefix \"\" read");
            }
            Set<String> granted = policyRules(rules);
            for (String rule : wanted) {
                if (!granted.contains(rule)) {
                    problems.add(POLICY_DIR + "/" + module + ".hcl must grant " + rule + ", grants " + granted);
                }
            }
            for (String rule : granted) {
                if (!wanted.contains(rule)) {
                    problems.add(POLICY_DIR + "/" + module + ".hcl grants " + rule + ", more than " + module
                            + " needs (" + wanted + ")");
                }
            }
        }
        return problems;
    }

    /** Which property of a module's application.yml names the services it looks up in Consul. */
    static final Map<String, String> LOOKUP_PROPERTIES = Map.of("gateway", "registry.required-services",
            "ws-service", "ws.log-service");

    /** An ACL policy's rules as "resource \"segment\" access" and "resource access", comments dropped. */
    static Set<String> policyRules(String hcl) {
        String text = hcl.replaceAll("(?m)(#|//).*$", "");
        Set<String> rules = new LinkedHashSet<>();
        Matcher block = Pattern.compile("([a-z_]+)\\s+\"([^\"]*)\"\\s*\\{([^}]*)}").matcher(text);
        while (block.find()) {
            Matcher policy = Pattern.compile("policy\\s*=\\s*\"(\\w+)\"").matcher(block.group(3));
            rules.add(block.group(1) + " \"" + block.group(2) + "\" " + (policy.find() ? policy.group(1) : "?"));
        }
        Matcher top = Pattern.compile("(?m)^\\s*([a-z_]+)\\s*=\\s*\"(\\w+)\"").matcher(text.replaceAll("\\{[^}]*}", ""));
        while (top.find()) {
            rules.add(top.group(1) + " " + top.group(2));
        }
        return rules;
    }

    /**
     * Prometheus scrapes /actuator/prometheus on every Spring service's management port, by service name on the
     * project network (the port is never published); the scaled service through DNS service discovery, which
     * returns one address per replica, so that every replica is scraped.
     */
    static List<String> checkPrometheus(Project p) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> prometheus = p.services().get("prometheus");
        if (prometheus == null || p.prometheus == null) {
            return List.of("service prometheus and " + PROMETHEUS_CONFIG + " are needed");
        }
        if (!mounts(prometheus, PROMETHEUS_CONFIG, "/etc/prometheus/prometheus.yml")) {
            problems.add("service prometheus must mount ./" + PROMETHEUS_CONFIG + " on /etc/prometheus/prometheus.yml,"
                    + " mounts " + prometheus.get("volumes"));
        }
        for (String module : RUNNABLE_MODULES) {
            if (!p.isBootModule(module) || !p.services().containsKey(module)) {
                continue;
            }
            String exposed = str(p.appConfigs.get(module).flat().get("management.endpoints.web.exposure.include"));
            if (!Arrays.asList(exposed.split("\\s*,\\s*")).contains("prometheus")) {
                problems.add(module + ": management.endpoints.web.exposure.include must list prometheus, is " + exposed);
            }
            int port = managementPort(p, module);
            Map<String, Object> job = p.scrapeJobOrNull(module);
            if (job == null) {
                problems.add(PROMETHEUS_CONFIG + ": no scrape job named " + module);
                continue;
            }
            if (!PROMETHEUS_PATH.equals(str(job.get("metrics_path")))) {
                problems.add(PROMETHEUS_CONFIG + ": job " + module + " must scrape " + PROMETHEUS_PATH + ", scrapes "
                        + job.get("metrics_path"));
            }
            List<String> targets = new ArrayList<>();
            for (Object c : list(job.get("static_configs"))) {
                list(map(c).get("targets")).forEach(target -> targets.add(str(target)));
            }
            for (Object c : list(job.get("dns_sd_configs"))) {
                Map<String, Object> dns = map(c);
                String type = str(dns.get("type"));
                for (Object name : list(dns.get("names"))) {
                    targets.add((type.equals("A") ? "" : "(" + (type.isEmpty() ? "SRV" : type) + ")") + name + ":"
                            + str(dns.get("port")));
                }
            }
            if (!targets.equals(List.of(module + ":" + port))) {
                problems.add(PROMETHEUS_CONFIG + ": job " + module + " must target " + module + ":" + port
                        + " (its management port; A records for dns_sd_configs), targets " + targets);
            }
            if (module.equals(SCALABLE_SERVICE) && list(job.get("dns_sd_configs")).isEmpty()) {
                problems.add(PROMETHEUS_CONFIG + ": job " + module + " is scaled: use dns_sd_configs (type A) so that"
                        + " every replica is scraped; a static target reaches one replica, not always the same");
            }
        }
        return problems;
    }

    /**
     * The provisioned Grafana: its datasource is the compose Prometheus, the provider loads the mounted dashboards,
     * and every dashboard is valid JSON whose queries name only series that exist: a meter the scraped modules'
     * code registers, in its Prometheus form ({@link #meterCatalog}), or one Prometheus writes itself.
     */
    static List<String> checkGrafana(Project p) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> grafana = p.services().get("grafana");
        if (grafana == null) {
            return List.of("service grafana is missing");
        }
        if (!mounts(grafana, "ops/grafana/provisioning", "/etc/grafana/provisioning")) {
            problems.add("service grafana must mount ./ops/grafana/provisioning on /etc/grafana/provisioning, mounts "
                    + grafana.get("volumes"));
        }
        String dashboardDir = list(grafana.get("volumes")).stream().map(DockerComposeFileTest::str)
                .filter(v -> v.startsWith("./" + GRAFANA_DASHBOARDS + ":")).map(v -> v.split(":")[1]).findFirst()
                .orElse(null);
        if (dashboardDir == null) {
            problems.add("service grafana must mount ./" + GRAFANA_DASHBOARDS + ", mounts " + grafana.get("volumes"));
        } else if (p.dashboardProviders.stream().noneMatch(d -> dashboardDir.equals(str(map(d.get("options")).get("path"))))) {
            problems.add("no dashboard provider in ops/grafana/provisioning/dashboards loads " + dashboardDir);
        }
        Map<String, Object> datasource = p.datasources.stream().filter(d -> "prometheus".equals(d.get("type")))
                .findFirst().orElse(null);
        if (datasource == null || !"http://prometheus:9090".equals(str(datasource.get("url")))
                || str(datasource.get("uid")).isEmpty()) {
            problems.add(GRAFANA_DATASOURCES + ": a prometheus datasource with a fixed uid and url http://prometheus:9090"
                    + " (the compose service) is needed, has " + p.datasources);
        }
        String uid = datasource == null ? null : str(datasource.get("uid"));
        if (p.dashboards.isEmpty()) {
            problems.add("no dashboard JSON in " + GRAFANA_DASHBOARDS);
        }
        Map<String, String> catalog = meterCatalog(p);
        Set<String> used = new LinkedHashSet<>();
        p.dashboards.forEach((file, text) -> {
            Object dashboard;
            try {
                dashboard = Json.MAPPER.readValue(text, Object.class);
            } catch (RuntimeException e) {
                problems.add(GRAFANA_DASHBOARDS + "/" + file + " is not valid JSON: " + e.getMessage());
                return;
            }
            walkMaps(dashboard, node -> {
                Map<String, Object> ds = map(node.get("datasource"));
                if ("prometheus".equals(ds.get("type")) && !str(ds.get("uid")).equals(uid)) {
                    problems.add(file + ": '" + node.get("title") + "' uses datasource uid " + ds.get("uid")
                            + ", the provisioned one is " + uid);
                }
                if (node.get("expr") instanceof String expr) {
                    for (String series : seriesIn(expr)) {
                        used.add(series);
                        if (!catalog.containsKey(series) && !PROMETHEUS_OWN_SERIES.contains(series)) {
                            problems.add(file + ": '" + expr + "' queries " + series + ", which no scraped module"
                                    + " registers (known: " + new TreeSet<>(catalog.keySet()) + ")");
                        }
                    }
                }
            });
        });
        for (String series : DASHBOARD_SERIES) {
            if (!used.contains(series)) {
                problems.add("the dashboards must show " + series + ", they query " + used);
            }
        }
        return problems;
    }

    /** Metric names in a PromQL expression: strings, label matchers, ranges, label lists and $variables removed. */
    static Set<String> seriesIn(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\{?\\w+}?", " ");
        Set<String> keywords = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
                "or", "unless", "offset", "inf", "nan");
        Set<String> series = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(s);
        while (m.find()) {
            String name = m.group();
            boolean call = s.substring(m.end()).matches("(?s)\\s*\\(.*");
            if (!call && !keywords.contains(name.toLowerCase(Locale.ROOT))) {
                series.add(name);
            }
        }
        return series;
    }

    /**
     * Every Prometheus series the scraped modules (and the modules they build on) register, with where it comes
     * from: Micrometer meters created with {@code X.builder("name")} or {@code registry.counter(NAME, ...)}, the
     * name a literal or a String constant. Prometheus forms (Micrometer's PrometheusNamingConvention): dots and
     * dashes become underscores; a counter gets _total; a timer _seconds_count, _seconds_sum, _seconds_max (and
     * _seconds_bucket); a distribution summary _count, _sum, _max, _bucket; a gauge with a base unit gets _unit
     * unless its name already ends with it.
     */
    static Map<String, String> meterCatalog(Project p) {
        Set<String> modules = new LinkedHashSet<>();
        for (Object job : list(p.prometheus == null ? null : p.prometheus.get("scrape_configs"))) {
            String name = str(map(job).get("job_name"));
            if (p.modules.contains(name)) {
                modules.add(name);
                modules.addAll(p.alsoMake(name));
            }
        }
        Map<String, String> constants = new LinkedHashMap<>();
        Map<Path, String> sources = new LinkedHashMap<>();
        for (String module : modules) {
            Path dir = p.root().resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file);
                    sources.put(file, text);
                    String type = file.getFileName().toString().replace(".java", "");
                    Matcher c = Pattern.compile("static\\s+final\\s+String\\s+(\\w+)\\s*=\\s*\"([^\"]+)\"\\s*;").matcher(text);
                    while (c.find()) {
                        constants.put(type + "#" + c.group(1), c.group(2));
                        constants.putIfAbsent(c.group(1), c.group(2));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        Map<String, String> catalog = new LinkedHashMap<>();
        Pattern builder = Pattern.compile("\\b(Gauge|Counter|Timer|DistributionSummary|LongTaskTimer|FunctionCounter"
                + "|FunctionTimer|TimeGauge)\\.builder\\(\\s*(\"[^\"]+\"|[A-Za-z_][\\w.]*)");
        Pattern shortcut = Pattern.compile("\\.(counter|gauge|timer|summary)\\(\\s*(\"[^\"]+\"|[A-Z_][A-Za-z0-9_.]*)");
        sources.forEach((file, text) -> {
            String type = file.getFileName().toString().replace(".java", "");
            for (Pattern pattern : List.of(builder, shortcut)) {
                Matcher m = pattern.matcher(text);
                while (m.find()) {
                    String ref = m.group(2);
                    String name = ref.startsWith("\"") ? ref.substring(1, ref.length() - 1)
                            : constants.getOrDefault(type + "#" + ref, constants.get(ref.substring(ref.lastIndexOf('.') + 1)));
                    if (name == null) {
                        continue;
                    }
                    String kind = switch (m.group(1)) {
                        case "counter", "Counter", "FunctionCounter" -> "counter";
                        case "timer", "Timer", "FunctionTimer" -> "timer";
                        case "summary", "DistributionSummary" -> "summary";
                        case "LongTaskTimer" -> "longtask";
                        default -> "gauge";
                    };
                    int register = text.indexOf(".register(", m.end());
                    String chain = register < 0 ? "" : text.substring(m.end(), register);
                    Matcher unit = Pattern.compile("\\.baseUnit\\(\\s*\"([^\"]+)\"").matcher(chain);
                    String base = name.replaceAll("[^a-zA-Z0-9_:]", "_");
                    String where = p.root().relativize(file) + " (" + m.group(1) + " " + name + ")";
                    List<String> forms = switch (kind) {
                        case "counter" -> List.of(base + "_total");
                        case "timer" -> List.of(base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max",
                                base + "_seconds_bucket");
                        case "summary" -> List.of(base + "_count", base + "_sum", base + "_max", base + "_bucket");
                        case "longtask" -> List.of(base + "_seconds_active_count", base + "_seconds_duration_sum",
                                base + "_seconds_max");
                        default -> List.of(unit.find() && !base.endsWith("_" + unit.group(1)) ? base + "_" + unit.group(1)
                                : base);
                    };
                    forms.forEach(form -> catalog.putIfAbsent(form, where));
                }
            }
        });
        return catalog;
    }

    /** The services others wait for with service_completed_successfully: one-shot jobs. */
    static Set<String> oneShotJobs(Project p) {
        Set<String> jobs = new TreeSet<>();
        p.services().values().forEach(service -> dependsOn(service).forEach((target, condition) -> {
            if (condition.equals("service_completed_successfully")) {
                jobs.add(target);
            }
        }));
        return jobs;
    }

    /** The compose services built from a module whose application.yml talks to Consul (reads CONSUL_HOST). */
    static List<String> consulClients(Project p) {
        return RUNNABLE_MODULES.stream().filter(m -> p.services().containsKey(m) && p.appConfigs.containsKey(m)
                && p.appConfigs.get(m).placeholders().containsKey("CONSUL_HOST")).toList();
    }

    /** A service's management port: MANAGEMENT_PORT from its environment, else the documented default. */
    static int managementPort(Project p, String module) {
        String set = environment(p.services().get(module)).get(MANAGEMENT_PORT_VARIABLE);
        return set == null ? MANAGEMENT_PORT_DEFAULTS.get(module) : Integer.parseInt(set);
    }

    /** True when the service bind-mounts ./source (relative to the repository root) on target. */
    static boolean mounts(Map<String, Object> service, String source, String target) {
        return list(service.get("volumes")).stream().map(DockerComposeFileTest::str).map(v -> v.replaceFirst(":ro$", ""))
                .anyMatch(v -> v.equals("./" + source + ":" + target));
    }

    @SuppressWarnings("unchecked")
    static void walkMaps(Object value, Consumer<Map<String, Object>> visit) {
        if (value instanceof Map<?, ?> m) {
            visit.accept((Map<String, Object>) m);
            m.values().forEach(v -> walkMaps(v, visit));
        } else if (value instanceof Collection<?> c) {
            c.forEach(v -> walkMaps(v, visit));
        }
    }

    static List<String> checkDockerignore(Project p) {
        List<String> problems = new ArrayList<>();
        if (p.dockerignore == null) {
            return List.of(".dockerignore is missing at the repository root");
        }
        Set<String> lines = new LinkedHashSet<>(Arrays.asList(p.dockerignore.split("\\R")));
        for (String required : List.of("**/target", ".git", ".demo", "data")) {
            if (!lines.contains(required)) {
                problems.add(".dockerignore must contain the line " + required);
            }
        }
        return problems;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reading the files

    static Path findRoot() {
        String configured = System.getProperty("reconnect.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>devkit</module>")) {
                    return dir;
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("repository root (the pom listing <module>devkit</module>) not found above "
                + Path.of("").toAbsolutePath());
    }

    /** The files the checks read, loaded into mutable structures so that a test can break a copy. */
    static final class Project {
        private final Path root;
        final Map<String, Object> compose;
        final List<String> modules;
        final Map<String, Document> poms = new LinkedHashMap<>();
        /** The root Dockerfile's text, or null when there is none. */
        String dockerfile;
        final Map<String, AppConfig> appConfigs = new LinkedHashMap<>();
        String dockerignore;
        /** ops/: Prometheus's configuration, Grafana's provisioning and dashboards (file name -> text), ACL files. */
        Map<String, Object> prometheus;
        final List<Map<String, Object>> datasources = new ArrayList<>();
        final List<Map<String, Object>> dashboardProviders = new ArrayList<>();
        final Map<String, String> dashboards = new LinkedHashMap<>();
        /** ops/consul/policies: policy name (file name without .hcl) -> rules. */
        final Map<String, String> policies = new LinkedHashMap<>();
        String aclScript;
        /** .env.example: the variables compose may interpolate, with their documented values. */
        final Map<String, String> envExample = new LinkedHashMap<>();

        private Project(Path root, Map<String, Object> compose, List<String> modules) {
            this.root = root;
            this.compose = compose;
            this.modules = modules;
        }

        static Project load(Path root) throws IOException {
            Path composeFile = root.resolve("docker-compose.yml");
            if (!Files.isRegularFile(composeFile)) {
                fail("docker-compose.yml is missing at " + composeFile);
            }
            Map<String, Object> compose;
            try (Reader reader = Files.newBufferedReader(composeFile)) {
                compose = map(yaml().load(reader));
            }
            Document rootPom = xml(root.resolve("pom.xml"));
            List<String> modules = children(child(rootPom.getDocumentElement(), "modules"), "module").stream()
                    .map(Node::getTextContent).map(String::trim).toList();
            Project p = new Project(root, deepCopy(compose), modules);
            for (String module : modules) {
                p.poms.put(module, xml(root.resolve(module).resolve("pom.xml")));
            }
            for (String module : modules) {
                Path yml = root.resolve(module).resolve("src/main/resources/application.yml");
                if (Files.isRegularFile(yml)) {
                    // What the service runs with: service-support's shared defaults (for the modules that depend
                    // on it), overridden key by key by the module's own application.yml, as Spring reads them.
                    boolean shared = p.alsoMake(module).contains(SERVICE_SUPPORT);
                    p.appConfigs.put(module, shared ? AppConfig.read(root.resolve(SHARED_SERVICE_DEFAULTS), yml)
                            : AppConfig.read(yml));
                }
            }
            Path dockerfile = root.resolve(DOCKERFILE);
            p.dockerfile = Files.isRegularFile(dockerfile) ? Files.readString(dockerfile) : null;
            Path ignore = root.resolve(".dockerignore");
            p.dockerignore = Files.isRegularFile(ignore) ? Files.readString(ignore) : null;
            Path prometheusConfig = root.resolve(PROMETHEUS_CONFIG);
            p.prometheus = Files.isRegularFile(prometheusConfig) ? map(yaml().load(Files.readString(prometheusConfig))) : null;
            for (Path file : filesIn(root.resolve(GRAFANA_DATASOURCES), ".yml")) {
                list(map(yaml().load(Files.readString(file))).get("datasources")).forEach(d -> p.datasources.add(map(d)));
            }
            for (Path file : filesIn(root.resolve("ops/grafana/provisioning/dashboards"), ".yml")) {
                list(map(yaml().load(Files.readString(file))).get("providers")).forEach(d -> p.dashboardProviders.add(map(d)));
            }
            for (Path file : filesIn(root.resolve(GRAFANA_DASHBOARDS), ".json")) {
                p.dashboards.put(file.getFileName().toString(), Files.readString(file));
            }
            for (Path file : filesIn(root.resolve(POLICY_DIR), ".hcl")) {
                p.policies.put(file.getFileName().toString().replaceFirst("\\.hcl$", ""), Files.readString(file));
            }
            Path script = root.resolve(ACL_SCRIPT);
            p.aclScript = Files.isRegularFile(script) ? Files.readString(script) : null;
            Path envExample = root.resolve(".env.example");
            if (Files.isRegularFile(envExample)) {
                for (String line : Files.readAllLines(envExample)) {
                    Matcher m = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$").matcher(line.trim());
                    if (m.matches()) {
                        p.envExample.put(m.group(1), m.group(2));
                    }
                }
            }
            return p;
        }

        private static List<Path> filesIn(Path dir, String suffix) throws IOException {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
            }
        }

        /**
         * A value as the container gets it without a .env: ${NAME:-default} and ${NAME-default} become the default,
         * ${NAME} and $NAME the .env.example value (empty when not listed there), $$ becomes $. Null becomes "".
         */
        String resolve(String raw) {
            if (raw == null) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '$' && i + 1 < raw.length() && raw.charAt(i + 1) == '$') {
                    out.append('$');
                    i++;
                    continue;
                }
                Matcher m = c == '$' ? COMPOSE_VARIABLE.matcher(raw).region(i, raw.length()) : null;
                if (m != null && m.lookingAt()) {
                    String name = m.group(1) != null ? m.group(1) : m.group(4);
                    boolean hasDefault = m.group(2) != null && m.group(2).endsWith("-");
                    out.append(hasDefault ? m.group(3) : envExample.getOrDefault(name, ""));
                    i = m.end() - 1;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        /** Consul's CONSUL_LOCAL_CONFIG as the agent reads it (interpolated), or null when absent or not JSON. */
        Map<String, Object> consulConfig() {
            Map<String, Object> consul = services().get("consul");
            String raw = consul == null ? null : environment(consul).get("CONSUL_LOCAL_CONFIG");
            if (raw == null || raw.isBlank()) {
                return null;
            }
            try {
                return map(Json.MAPPER.readValue(resolve(raw), Map.class));
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** Edits CONSUL_LOCAL_CONFIG's JSON (before interpolation: the ${...} sit inside JSON strings). */
        @SuppressWarnings("unchecked")
        void editConsulConfig(Consumer<Map<String, Object>> edit) {
            Map<String, Object> config = Json.MAPPER.readValue(str(env("consul").get("CONSUL_LOCAL_CONFIG")), Map.class);
            edit.accept(config);
            env("consul").put("CONSUL_LOCAL_CONFIG", Json.MAPPER.writeValueAsString(config));
        }

        Map<String, Object> scrapeJobOrNull(String name) {
            return list(prometheus == null ? null : prometheus.get("scrape_configs")).stream().map(DockerComposeFileTest::map)
                    .filter(job -> name.equals(str(job.get("job_name")))).findFirst().orElse(null);
        }

        Map<String, Object> scrapeJob(String name) {
            Map<String, Object> job = scrapeJobOrNull(name);
            assertTrue(job != null, "no scrape job " + name);
            return job;
        }

        void editDashboard(Function<String, String> edit) {
            assertTrue(!dashboards.isEmpty(), "no dashboard to edit");
            boolean changed = false;
            for (Map.Entry<String, String> entry : dashboards.entrySet()) {
                String after = edit.apply(entry.getValue());
                changed |= !after.equals(entry.getValue());
                entry.setValue(after);
            }
            assertTrue(changed, "the edit did not change any dashboard");
        }

        void editDatasource(Consumer<Map<String, Object>> edit) {
            assertTrue(!datasources.isEmpty(), "no datasource to edit");
            edit.accept(datasources.get(0));
        }

        Path root() {
            return root;
        }

        Map<String, Map<String, Object>> services() {
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) (Map<?, ?>)
                    compose.computeIfAbsent("services", k -> new LinkedHashMap<>());
            return services;
        }

        Map<String, Object> service(String name) {
            Map<String, Object> service = services().get(name);
            assertTrue(service != null, "service " + name + " missing");
            return service;
        }

        Map<String, Object> build(String name) {
            return mutableMap(service(name), "build");
        }

        Map<String, Object> healthcheck(String name) {
            return mutableMap(service(name), "healthcheck");
        }

        Map<String, Object> env(String name) {
            return mutableMap(service(name), "environment");
        }

        Map<String, Object> dependsOn(String name) {
            return mutableMap(service(name), "depends_on");
        }

        void editDockerfile(Function<String, String> edit) {
            String after = edit.apply(dockerfile);
            assertTrue(!after.equals(dockerfile), "the edit did not change the Dockerfile");
            dockerfile = after;
        }

        /** A service's build arguments (map or "NAME=value" list form), mutable. */
        @SuppressWarnings("unchecked")
        Map<String, Object> buildArgs(String name) {
            Map<String, Object> build = build(name);
            if (build.get("args") instanceof List<?> l) {
                Map<String, Object> args = new LinkedHashMap<>();
                l.forEach(entry -> {
                    String[] kv = str(entry).split("=", 2);
                    args.put(kv[0], kv.length > 1 ? kv[1] : "");
                });
                build.put("args", args);
            }
            return mutableMap(build, "args");
        }

        Path contextPath(Map<String, Object> build) {
            Object context = build.get("context");
            return root.resolve(context == null ? "." : str(context)).normalize();
        }

        Path dockerfilePath(Map<String, Object> build) {
            Object dockerfile = build.get("dockerfile");
            return contextPath(build).resolve(dockerfile == null ? "Dockerfile" : str(dockerfile)).normalize();
        }

        /** The runtime base image of a service: its image:, or the image its build's target stage is FROM. */
        String runtimeImage(String service) {
            Map<String, Object> s = services().get(service);
            if (s.get("build") != null) {
                ImageBuild build = imageBuild(service);
                return build == null ? null : Dockerfile.baseImage(build.stages(), build.target());
            }
            return s.get("image") == null ? null : str(s.get("image"));
        }

        /** How a service's image is built from the root Dockerfile, or null when it is built from anything else. */
        ImageBuild imageBuild(String service) {
            Map<String, Object> s = services().get(service);
            if (s == null || s.get("build") == null || dockerfile == null
                    || !dockerfilePath(map(s.get("build"))).equals(root.resolve(DOCKERFILE).normalize())) {
                return null;
            }
            Map<String, Object> build = map(s.get("build"));
            Map<String, String> args = new LinkedHashMap<>();
            Object raw = build.get("args");
            if (raw instanceof Map<?, ?> m) {
                m.forEach((k, v) -> args.put(str(k), str(v)));
            } else {
                list(raw).forEach(entry -> {
                    String[] kv = str(entry).split("=", 2);
                    args.put(kv[0], kv.length > 1 ? kv[1] : "");
                });
            }
            Map<String, Stage> stages = Dockerfile.named(dockerfile);
            String target = build.get("target") == null ? Dockerfile.lastStage(stages) : str(build.get("target"));
            return new ImageBuild(service, stages, target, args);
        }

        boolean isBootModule(String module) {
            return children(child(child(poms.get(module).getDocumentElement(), "build"), "plugins"), "plugin").stream()
                    .anyMatch(plugin -> "spring-boot-maven-plugin".equals(text(plugin, "artifactId")));
        }

        /** The server.port default of a module's application.yml (fails the test when there is none). */
        int appPort(String module) {
            AppConfig config = appConfigs.get(module);
            PortVariable port = config == null ? null : config.portVariable();
            assertTrue(port != null, module + "/src/main/resources/application.yml has no server.port: ${VAR:default}");
            return Integer.parseInt(port.defaultValue());
        }

        /** The modules 'mvn -pl module -am' builds besides the module itself: its reactor dependencies, transitively. */
        Set<String> alsoMake(String module) {
            Map<String, String> byArtifactId = new LinkedHashMap<>();
            poms.forEach((dir, pom) -> byArtifactId.put(text(pom.getDocumentElement(), "artifactId"), dir));
            Set<String> result = new LinkedHashSet<>();
            List<String> todo = new ArrayList<>(List.of(module));
            while (!todo.isEmpty()) {
                String next = todo.remove(0);
                for (Element dependency : children(child(poms.get(next).getDocumentElement(), "dependencies"),
                        "dependency")) {
                    String group = text(dependency, "groupId");
                    String dir = byArtifactId.get(text(dependency, "artifactId"));
                    if (dir != null && ("dev.reconnect".equals(group) || "${project.groupId}".equals(group))
                            && result.add(dir)) {
                        todo.add(dir);
                    }
                }
            }
            result.remove(module);
            return result;
        }
    }

    /** What a module's application.yml reads from the environment and which property paths it sets. */
    record AppConfig(Map<String, String> placeholders, Set<String> propertyPaths, Map<String, Object> flat) {
        /** The files in ascending precedence: a key in a later one overrides the same key in an earlier one. */
        static AppConfig read(Path... ymls) throws IOException {
            Map<String, String> placeholders = new LinkedHashMap<>();
            Map<String, Object> flat = new LinkedHashMap<>();
            for (Path yml : ymls) {
                String text = Files.readString(yml);
                Matcher m = PLACEHOLDER.matcher(text);
                while (m.find()) {
                    placeholders.put(m.group(1), m.group(2));
                }
                for (Object document : yaml().loadAll(text)) {
                    flatten("", document, flat);
                }
            }
            Set<String> paths = new LinkedHashSet<>(flat.keySet());
            paths.addAll(KNOWN_SPRING_PROPERTIES);
            return new AppConfig(placeholders, paths, flat);
        }

        private static void flatten(String prefix, Object value, Map<String, Object> out) {
            if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> flatten(prefix.isEmpty() ? str(k) : prefix + "." + k, v, out));
            } else if (value instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    flatten(prefix + "[" + i + "]", list.get(i), out);
                }
            } else {
                out.put(prefix, value);
            }
        }

        /** True when the variable is a relaxed-binding environment name of a property this yml sets (or a known one). */
        boolean bindsRelaxed(String variable) {
            for (String path : propertyPaths) {
                String base = path.replaceAll("\\[(\\d+)]", ".$1").replace('.', '_').toUpperCase(Locale.ROOT);
                if (variable.equals(base.replace("-", "")) || variable.equals(base.replace('-', '_'))) {
                    return true;
                }
            }
            return false;
        }

        /** server.port: ${NAME:default}, or null. */
        PortVariable portVariable() {
            Object raw = flat.get("server.port");
            Matcher m = raw == null ? null : PLACEHOLDER.matcher(str(raw));
            return m != null && m.matches() && m.group(2) != null ? new PortVariable(m.group(1), m.group(2)) : null;
        }
    }

    record PortVariable(String name, String defaultValue) {
    }

    record Instruction(String keyword, String args) {
    }

    record From(String image, String alias) {
        static From parse(String args) {
            List<String> words = new ArrayList<>(Arrays.asList(args.trim().split("\\s+")));
            words.removeIf(w -> w.startsWith("--"));
            String alias = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2) : null;
            return new From(words.get(0), alias);
        }
    }

    /** A build stage: its name (the FROM alias, or its index), what it is FROM, and its other instructions. */
    record Stage(String name, String base, List<Instruction> instructions) {
    }

    /** One compose service's image: the Dockerfile's stages, the target stage compose builds, the build args. */
    record ImageBuild(String service, Map<String, Stage> stages, String target, Map<String, String> args) {

        /** The target stage as the image is made (its lineage, resolved with the build args). */
        Resolved image() {
            return Dockerfile.resolve(stages, target, args);
        }

        /** Every stage the target needs (its lineage and the stages it copies from), each resolved. */
        List<Resolved> needed() {
            return Dockerfile.needed(stages, target).stream().map(name -> Dockerfile.resolve(stages, name, args)).toList();
        }
    }

    /**
     * The instructions of a stage and of the stages it is FROM, as the builder runs them for one set of build
     * arguments: ARG and ENV values substituted where the builder substitutes them (COPY, ADD, ENV, EXPOSE, USER,
     * WORKDIR, LABEL, VOLUME) and where RUN's shell does (build arguments are environment variables of RUN); CMD,
     * ENTRYPOINT and HEALTHCHECK kept as written, since they are expanded, if at all, by a shell at run time, which
     * sees only {@link #env}.
     *
     * @param declared every ARG the stages declare; {@code required} those without a default
     */
    record Resolved(List<Instruction> instructions, Map<String, String> env, Set<String> declared,
                    Set<String> required) {

        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
        }

        /** The last instruction of a kind (what the image keeps for USER, ENTRYPOINT, HEALTHCHECK), or null. */
        String last(String keyword) {
            List<String> found = all(keyword);
            return found.isEmpty() ? null : found.get(found.size() - 1);
        }

        /** The ports the image exposes (every EXPOSE, protocol suffix dropped). */
        List<String> exposed() {
            return all("EXPOSE").stream().flatMap(a -> Arrays.stream(a.trim().split("\\s+"))).filter(w -> !w.isEmpty())
                    .map(w -> w.replaceAll("/(tcp|udp)$", "")).toList();
        }

        /**
         * The HEALTHCHECK's command as the container runs it: a shell-form command expanded with the image's
         * environment; an exec form (CMD [...]) unexpanded. Null when there is none or it is NONE.
         */
        String healthcheck() {
            String args = last("HEALTHCHECK");
            if (args == null) {
                return null;
            }
            String rest = args.trim();
            while (rest.startsWith("--")) {
                int space = rest.indexOf(' ');
                rest = space < 0 ? "" : rest.substring(space + 1).trim();
            }
            if (rest.toUpperCase(Locale.ROOT).startsWith("NONE") || !rest.toUpperCase(Locale.ROOT).startsWith("CMD")) {
                return null;
            }
            String command = rest.substring(3).trim();
            return command.startsWith("[") ? command : Dockerfile.expand(command, env);
        }
    }

    static final class Dockerfile {
        private static final Pattern VARIABLE = Pattern.compile(
                "\\\\\\$|\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");
        /** Instructions whose arguments the builder itself substitutes ARG and ENV values into. */
        private static final Set<String> SUBSTITUTED = Set.of("COPY", "ADD", "ENV", "EXPOSE", "USER", "WORKDIR", "LABEL",
                "VOLUME", "STOPSIGNAL", "RUN");

        /** Instructions grouped by stage (each list starts with its FROM); continuations joined, comments dropped. */
        static List<List<Instruction>> stages(String text) {
            List<List<Instruction>> stages = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : text.split("\\R")) {
                String trimmed = line.trim();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                current.append(trimmed);
                String instruction = current.toString().trim();
                current.setLength(0);
                if (instruction.isEmpty()) {
                    continue;
                }
                String[] parts = instruction.split("\\s+", 2);
                Instruction i = new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : "");
                if (i.keyword().equals("FROM")) {
                    stages.add(new ArrayList<>());
                }
                if (stages.isEmpty()) {
                    if (i.keyword().equals("ARG")) {
                        continue;
                    }
                    throw new IllegalStateException("Dockerfile instruction before FROM: " + instruction);
                }
                stages.get(stages.size() - 1).add(i);
            }
            return stages;
        }

        /** The stages by name (a FROM alias, or the stage's index as the builder also accepts). */
        static Map<String, Stage> named(String text) {
            Map<String, Stage> result = new LinkedHashMap<>();
            List<List<Instruction>> stages = stages(text);
            for (int n = 0; n < stages.size(); n++) {
                From from = From.parse(stages.get(n).get(0).args());
                String name = from.alias() != null ? from.alias() : String.valueOf(n);
                result.put(name, new Stage(name, from.image(), stages.get(n).subList(1, stages.get(n).size())));
            }
            return result;
        }

        /** The stage a build without --target makes: the last one. */
        static String lastStage(Map<String, Stage> stages) {
            return stages.keySet().stream().reduce((a, b) -> b).orElse(null);
        }

        /** The stage and the stages it is FROM, first ancestor first; empty when the name is no stage. */
        static List<Stage> lineage(Map<String, Stage> stages, String name) {
            List<Stage> chain = new ArrayList<>();
            Stage stage = stages.get(name);
            while (stage != null && !chain.contains(stage)) {
                chain.add(0, stage);
                stage = stages.get(stage.base());
            }
            return chain;
        }

        /** The external image a stage ends up on (following FROM through other stages), or null. */
        static String baseImage(Map<String, Stage> stages, String name) {
            List<Stage> chain = lineage(stages, name);
            return chain.isEmpty() ? null : chain.get(0).base();
        }

        /** Every stage building the target needs: its lineage and, transitively, the stages it COPYs --from. */
        static Set<String> needed(Map<String, Stage> stages, String target) {
            Set<String> result = new LinkedHashSet<>();
            List<String> todo = new ArrayList<>(List.of(target));
            while (!todo.isEmpty()) {
                for (Stage stage : lineage(stages, todo.remove(0))) {
                    if (result.add(stage.name())) {
                        stage.instructions().stream().filter(i -> i.keyword().equals("COPY"))
                                .map(i -> copyFrom(i.args())).filter(stages::containsKey).forEach(todo::add);
                    }
                }
            }
            return result;
        }

        /** The stage a COPY takes its files from (--from=NAME), or null for the build context. */
        static String copyFrom(String args) {
            Matcher m = Pattern.compile("--from=(\\S+)").matcher(args);
            return m.find() ? m.group(1) : null;
        }

        /** A stage's lineage run with these build arguments (see {@link Resolved}). */
        static Resolved resolve(Map<String, Stage> stages, String name, Map<String, String> buildArgs) {
            Map<String, String> vars = new LinkedHashMap<>();
            Map<String, String> env = new LinkedHashMap<>();
            Set<String> declared = new LinkedHashSet<>();
            Set<String> required = new LinkedHashSet<>();
            List<Instruction> out = new ArrayList<>();
            for (Stage stage : lineage(stages, name)) {
                for (Instruction i : stage.instructions()) {
                    String args = SUBSTITUTED.contains(i.keyword()) ? expand(i.args(), vars) : i.args();
                    if (i.keyword().equals("ARG")) {
                        String[] kv = i.args().trim().split("=", 2);
                        declared.add(kv[0]);
                        if (kv.length == 1) {
                            required.add(kv[0]);
                        }
                        String value = buildArgs.containsKey(kv[0]) ? buildArgs.get(kv[0])
                                : kv.length > 1 ? unquote(expand(kv[1], vars)) : vars.get(kv[0]);
                        if (value != null) {
                            vars.put(kv[0], value);
                        }
                    } else if (i.keyword().equals("ENV")) {
                        Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)").matcher(args);
                        while (m.find()) {
                            vars.put(m.group(1), unquote(m.group(2)));
                            env.put(m.group(1), unquote(m.group(2)));
                        }
                    }
                    out.add(new Instruction(i.keyword(), args));
                }
            }
            return new Resolved(out, env, declared, required);
        }

        /** Shell-style substitution of $NAME, ${NAME}, ${NAME:-word}, ${NAME:+word} (and without the colon). */
        static String expand(String text, Map<String, String> vars) {
            Matcher m = VARIABLE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String replacement;
                if (m.group().equals("\\$")) {
                    replacement = "$";
                } else {
                    String name = m.group(1) != null ? m.group(1) : m.group(4);
                    String value = vars.get(name);
                    String op = m.group(2);
                    boolean empty = value == null || (op != null && op.startsWith(":") && value.isEmpty());
                    if (op == null) {
                        replacement = value == null ? "" : value;
                    } else if (op.endsWith("-")) {
                        replacement = empty ? m.group(3) : value;
                    } else {
                        replacement = empty ? "" : m.group(3);
                    }
                }
                m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            return out.toString();
        }

        static String unquote(String value) {
            return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                    ? value.substring(1, value.length() - 1) : value;
        }

        /** Arguments of COPY/ADD in shell or exec (JSON array) form, quotes removed. */
        static List<String> args(String args) {
            String trimmed = args.trim();
            if (trimmed.startsWith("[")) {
                return Arrays.stream(trimmed.substring(1, trimmed.length() - 1).split(","))
                        .map(s -> s.trim().replaceAll("^\"|\"$", "")).toList();
            }
            return Arrays.stream(trimmed.split("\\s+")).map(Dockerfile::unquote).toList();
        }

        /** The options of each RUN --mount=... flag (type=cache,target=/x -> {type: cache, target: /x}). */
        static List<Map<String, String>> mounts(String runArgs) {
            List<Map<String, String>> result = new ArrayList<>();
            for (String word : runArgs.trim().split("\\s+")) {
                if (!word.startsWith("--")) {
                    break;
                }
                if (word.startsWith("--mount=")) {
                    Map<String, String> options = new LinkedHashMap<>();
                    for (String option : word.substring("--mount=".length()).split(",")) {
                        String[] kv = option.split("=", 2);
                        options.put(kv[0], kv.length > 1 ? kv[1] : "true");
                    }
                    result.add(options);
                }
            }
            return result;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Small helpers

    static void assertNoProblems(String what, List<String> problems) {
        if (!problems.isEmpty()) {
            fail(what + ": " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems) + "\n");
        }
    }

    /** A healthcheck's test as a list: the string form means CMD-SHELL. */
    static List<String> healthcheckTest(Map<String, Object> healthcheck) {
        Object test = healthcheck.get("test");
        if (test instanceof List<?> l) {
            return l.stream().map(DockerComposeFileTest::str).toList();
        }
        return test == null ? List.of() : List.of("CMD-SHELL", str(test));
    }

    /** The program a healthcheck runs first. */
    static String healthcheckTool(List<String> test) {
        String command = switch (test.get(0)) {
            case "CMD" -> test.size() > 1 ? test.get(1) : "";
            case "CMD-SHELL" -> test.size() > 1 ? test.get(1) : "";
            default -> test.get(0);
        };
        String first = command.trim().split("\\s+")[0];
        return first.substring(first.lastIndexOf('/') + 1);
    }

    static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    static Document xml(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + file + ": " + e, e);
        }
    }

    static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        if (parent == null) {
            return result;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                result.add(e);
            }
        }
        return result;
    }

    static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static List<?> list(Object o) {
        if (o instanceof List<?> l) {
            return l;
        }
        return o == null ? List.of() : List.of(o);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> mutableMap(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (!(value instanceof Map)) {
            value = new LinkedHashMap<String, Object>();
            parent.put(key, value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return value;
    }

    /** A service's environment as NAME -> raw value, from the map or the list ("NAME=value") form. */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(str(k), str(v)));
        } else {
            for (Object entry : list(raw)) {
                String[] kv = str(entry).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return env;
    }

    /** depends_on as target -> condition (the list form means service_started). */
    static Map<String, String> dependsOn(Map<String, Object> service) {
        Map<String, String> deps = new LinkedHashMap<>();
        Object raw = service.get("depends_on");
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                Object condition = map(v).get("condition");
                deps.put(str(k), condition == null ? "service_started" : str(condition));
            });
        } else {
            list(raw).forEach(target -> deps.put(str(target), "service_started"));
        }
        return deps;
    }

    static void walkStrings(Object value, Consumer<String> visit) {
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                visit.accept(str(k));
                walkStrings(v, visit);
            });
        } else if (value instanceof Collection<?> c) {
            c.forEach(v -> walkStrings(v, visit));
        } else if (value instanceof String s) {
            visit.accept(s);
        }
    }

    /** The text after the first $ compose would interpolate ($ not written as $$), or null if there is none. */
    static String compose$(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == '$') {
                if (i + 1 < value.length() && value.charAt(i + 1) == '$') {
                    i++;
                } else {
                    return value.substring(i + 1);
                }
            }
        }
        return null;
    }

    /** The value the container sees: compose turns $$ into $. */
    static String compose$$(String value) {
        return value.replace("$$", "$");
    }

    /** Go-style duration ("2s", "1m", "1m30s", "500ms"), or null when absent or unreadable. */
    static Duration duration(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = DURATION_PART.matcher(value.trim());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        return end == value.trim().length() ? total : null;
    }
}
