package dev.reconnect.ops;

import static dev.reconnect.ops.Compose.environment;
import static dev.reconnect.ops.Deployment.MANAGEMENT_PORT_DEFAULTS;
import static dev.reconnect.ops.Deployment.MANAGEMENT_PORT_VARIABLE;
import static dev.reconnect.ops.Deployment.RUNNABLE_MODULES;
import static dev.reconnect.ops.Values.child;
import static dev.reconnect.ops.Values.children;
import static dev.reconnect.ops.Values.deepCopy;
import static dev.reconnect.ops.Values.keyValues;
import static dev.reconnect.ops.Values.list;
import static dev.reconnect.ops.Values.map;
import static dev.reconnect.ops.Values.mutableMap;
import static dev.reconnect.ops.Values.str;
import static dev.reconnect.ops.Values.text;
import static dev.reconnect.ops.Values.xml;
import static dev.reconnect.ops.Values.yaml;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.reconnect.ops.Dockerfile.ImageBuild;
import dev.reconnect.ops.Dockerfile.Stage;
import dev.reconnect.protocol.Json;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The files the checks read (docker-compose.yml, the root Dockerfile, .dockerignore, .env.example, the modules'
 * poms and application.yml, ops/), loaded into mutable structures so that a mistake can break a copy, and what
 * follows from them (a service's image build, ports, jobs).
 */
final class Project {

    /** The one Dockerfile, at the repository root (which is every build's context). */
    static final String DOCKERFILE = "Dockerfile";
    /** The module whose shared settings every service runs with, below its own application.yml. */
    static final String SERVICE_SUPPORT = "service-support";
    static final String SHARED_SERVICE_DEFAULTS = SERVICE_SUPPORT + "/src/main/resources/reconnect-service-defaults.yml";

    /** The ACL job's script; one policy per token: ops/consul/policies/NAME.hcl, applied by the script. */
    static final String ACL_SCRIPT = "ops/consul/bootstrap-acl.sh";
    static final String POLICY_DIR = "ops/consul/policies";
    static final String PROMETHEUS_CONFIG = "ops/prometheus/prometheus.yml";
    /** Grafana's provisioning directory, mounted as a whole; Grafana reads datasources/ and dashboards/ in it. */
    static final String GRAFANA_PROVISIONING = "ops/grafana/provisioning";
    static final String GRAFANA_DATASOURCES = GRAFANA_PROVISIONING + "/datasources";
    static final String GRAFANA_DASHBOARDS = "ops/grafana/dashboards";

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

    /** The repository root: -Dreconnect.root, else the first directory up whose pom lists the devkit module. */
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
        p.dockerfile = readIfPresent(root.resolve(DOCKERFILE));
        p.dockerignore = readIfPresent(root.resolve(".dockerignore"));
        String prometheusConfig = readIfPresent(root.resolve(PROMETHEUS_CONFIG));
        p.prometheus = prometheusConfig == null ? null : map(yaml().load(prometheusConfig));
        for (Path file : filesIn(root.resolve(GRAFANA_DATASOURCES), ".yml")) {
            list(map(yaml().load(Files.readString(file))).get("datasources")).forEach(d -> p.datasources.add(map(d)));
        }
        for (Path file : filesIn(root.resolve(GRAFANA_PROVISIONING + "/dashboards"), ".yml")) {
            list(map(yaml().load(Files.readString(file))).get("providers")).forEach(d -> p.dashboardProviders.add(map(d)));
        }
        for (Path file : filesIn(root.resolve(GRAFANA_DASHBOARDS), ".json")) {
            p.dashboards.put(file.getFileName().toString(), Files.readString(file));
        }
        for (Path file : filesIn(root.resolve(POLICY_DIR), ".hcl")) {
            p.policies.put(file.getFileName().toString().replaceFirst("\\.hcl$", ""), Files.readString(file));
        }
        p.aclScript = readIfPresent(root.resolve(ACL_SCRIPT));
        String envExample = readIfPresent(root.resolve(".env.example"));
        if (envExample != null) {
            Pattern assignment = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
            for (String line : envExample.split("\\R")) {
                Matcher m = assignment.matcher(line.trim());
                if (m.matches()) {
                    p.envExample.put(m.group(1), m.group(2));
                }
            }
        }
        return p;
    }

    private static String readIfPresent(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readString(file) : null;
    }

    private static List<Path> filesIn(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    Path root() {
        return root;
    }

    // ------------------------------------------------------------------------------------------------------------
    // What the files say

    Map<String, Map<String, Object>> services() {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) (Map<?, ?>)
                compose.computeIfAbsent("services", k -> new LinkedHashMap<>());
        return services;
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
            Matcher m = c == '$' ? Compose.VARIABLE.matcher(raw).region(i, raw.length()) : null;
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

    Map<String, Object> scrapeJobOrNull(String name) {
        return list(prometheus == null ? null : prometheus.get("scrape_configs")).stream().map(Values::map)
                .filter(job -> name.equals(str(job.get("job_name")))).findFirst().orElse(null);
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
        Map<String, Stage> stages = Dockerfile.named(dockerfile);
        String target = build.get("target") == null ? Dockerfile.lastStage(stages) : str(build.get("target"));
        return new ImageBuild(service, stages, target, keyValues(build.get("args")));
    }

    /** The service's image build when its target is a stage of the Dockerfile, else null (reported elsewhere). */
    ImageBuild builtImage(String service) {
        ImageBuild build = imageBuild(service);
        return build != null && build.hasTarget() ? build : null;
    }

    boolean isBootModule(String module) {
        return children(child(child(poms.get(module).getDocumentElement(), "build"), "plugins"), "plugin").stream()
                .anyMatch(plugin -> "spring-boot-maven-plugin".equals(text(plugin, "artifactId")));
    }

    /** The server.port default of a module's application.yml (fails the test when there is none). */
    int appPort(String module) {
        AppConfig config = appConfigs.get(module);
        AppConfig.PortVariable port = config == null ? null : config.portVariable();
        assertTrue(port != null, module + "/src/main/resources/application.yml has no server.port: ${VAR:default}");
        return Integer.parseInt(port.defaultValue());
    }

    /** A service's management port: MANAGEMENT_PORT from its environment, else the documented default. */
    int managementPort(String module) {
        String set = environment(services().get(module)).get(MANAGEMENT_PORT_VARIABLE);
        return set == null ? MANAGEMENT_PORT_DEFAULTS.get(module) : Integer.parseInt(set);
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

    /** The services others wait for with service_completed_successfully: one-shot jobs. */
    Set<String> oneShotJobs() {
        Set<String> jobs = new TreeSet<>();
        services().values().forEach(service -> Compose.dependsOn(service).forEach((target, condition) -> {
            if (condition.equals("service_completed_successfully")) {
                jobs.add(target);
            }
        }));
        return jobs;
    }

    /** The compose services built from a module whose application.yml talks to Consul (reads CONSUL_HOST). */
    List<String> consulClients() {
        return RUNNABLE_MODULES.stream().filter(m -> services().containsKey(m) && appConfigs.containsKey(m)
                && appConfigs.get(m).placeholders().containsKey("CONSUL_HOST")).toList();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Breaking a copy: each edit fails the test when it finds nothing to change, so that a mistake cannot pass
    // because its edit no longer applies.

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

    /** Gives the service's healthcheck this test (exec form: "CMD", program, arguments). */
    void healthcheckRuns(String name, String... test) {
        healthcheck(name).put("test", List.of(test));
    }

    Map<String, Object> env(String name) {
        return mutableMap(service(name), "environment");
    }

    Map<String, Object> dependsOn(String name) {
        return mutableMap(service(name), "depends_on");
    }

    /** A service's build arguments (map or "NAME=value" list form), mutable. */
    Map<String, Object> buildArgs(String name) {
        Map<String, Object> build = build(name);
        if (build.get("args") instanceof List<?> l) {
            build.put("args", new LinkedHashMap<String, Object>(keyValues(l)));
        }
        return mutableMap(build, "args");
    }

    /** Sets a property as the module's application.yml (over the shared defaults) would. */
    void setting(String module, String property, String value) {
        AppConfig config = appConfigs.get(module);
        assertTrue(config != null, module + " has no application.yml");
        config.flat().put(property, value);
    }

    void editDockerfile(Function<String, String> edit) {
        String after = edit.apply(dockerfile);
        assertTrue(!after.equals(dockerfile), "the edit did not change the Dockerfile");
        dockerfile = after;
    }

    /** Puts a stage of the Dockerfile on another image (FROM image AS stage), whatever it is FROM now. */
    void rebase(String stage, String image) {
        Pattern from = Pattern.compile("(?mi)^FROM[ \\t]+(?:--\\S+[ \\t]+)*\\S+([ \\t]+AS[ \\t]+"
                + Pattern.quote(stage) + ")[ \\t]*$");
        editDockerfile(t -> from.matcher(t).replaceAll(Matcher.quoteReplacement("FROM " + image) + "$1"));
    }

    void editPolicy(String name, Function<String, String> edit) {
        String rules = policies.get(name);
        assertTrue(rules != null, "no policy " + name);
        String after = edit.apply(rules);
        assertTrue(!after.equals(rules), "the edit did not change policy " + name);
        policies.put(name, after);
    }

    /** Edits CONSUL_LOCAL_CONFIG's JSON (before interpolation: the ${...} sit inside JSON strings). */
    @SuppressWarnings("unchecked")
    void editConsulConfig(Consumer<Map<String, Object>> edit) {
        Map<String, Object> config = Json.MAPPER.readValue(str(env("consul").get("CONSUL_LOCAL_CONFIG")), Map.class);
        edit.accept(config);
        env("consul").put("CONSUL_LOCAL_CONFIG", Json.MAPPER.writeValueAsString(config));
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
}
