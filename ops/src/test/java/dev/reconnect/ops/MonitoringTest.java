package dev.reconnect.ops;

import static dev.reconnect.ops.Compose.mounts;
import static dev.reconnect.ops.Deployment.RUNNABLE_MODULES;
import static dev.reconnect.ops.Deployment.SCALABLE_SERVICE;
import static dev.reconnect.ops.Project.GRAFANA_DASHBOARDS;
import static dev.reconnect.ops.Project.GRAFANA_DATASOURCES;
import static dev.reconnect.ops.Project.GRAFANA_PROVISIONING;
import static dev.reconnect.ops.Project.PROMETHEUS_CONFIG;
import static dev.reconnect.ops.Values.list;
import static dev.reconnect.ops.Values.map;
import static dev.reconnect.ops.Values.str;
import static dev.reconnect.ops.Values.strings;
import static dev.reconnect.ops.Values.walkMaps;

import dev.reconnect.ops.Check.Mistake;
import dev.reconnect.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Prometheus scrapes every Spring service's management port on the project network, and the provisioned Grafana
 * dashboard queries only series that the scraped modules' code registers.
 */
class MonitoringTest extends ProjectCheckTest {

    static final String PROMETHEUS_PATH = "/actuator/prometheus";
    /** Series Prometheus writes itself, per target: the only ones a dashboard may query that no code registers. */
    static final Set<String> PROMETHEUS_OWN_SERIES = Set.of("up");
    /** What the dashboard must show (readiness, passing instances, sessions, backend ends, publish rate, log head). */
    static final List<String> DASHBOARD_SERIES = List.of("gateway_readiness_ready",
            "gateway_readiness_passing_instances", "ws_sessions", "gateway_websocket_backend_ends_total",
            "log_appends_seconds_count", "log_head");

    @Override
    List<Mistake> mistakes() {
        return List.of(
                PROMETHEUS.mistake("ws-service scraped on its public port", p -> p.scrapeJob("ws-service").put(
                        "dns_sd_configs", List.of(Map.of("names", List.of("ws-service"), "type", "A", "port", 8082)))),
                PROMETHEUS.mistake("gateway not scraped",
                        p -> list(p.prometheus.get("scrape_configs")).remove(p.scrapeJob("gateway"))),
                PROMETHEUS.mistake("api-service scraped on another host", p -> p.scrapeJob("api-service").put(
                        "static_configs", List.of(Map.of("targets", List.of("gateway:9081"))))),
                PROMETHEUS.mistake("scraped on the metrics endpoint",
                        p -> p.scrapeJob("gateway").put("metrics_path", "/actuator/metrics")),
                PROMETHEUS.mistake("scaled ws-service scraped as one static target", p -> {
                    p.scrapeJob("ws-service").remove("dns_sd_configs");
                    p.scrapeJob("ws-service").put("static_configs", List.of(Map.of("targets", List.of("ws-service:9082"))));
                }),
                PROMETHEUS.mistake("prometheus endpoint not exposed", p -> p.setting("ws-service",
                        "management.endpoints.web.exposure.include", "health,info,metrics")),
                PROMETHEUS.mistake("prometheus config not mounted", p -> p.service("prometheus").remove("volumes")),
                GRAFANA.mistake("dashboard queries a meter no code registers",
                        p -> p.editDashboard(t -> t.replace("\"ws_sessions\"", "\"ws_reconnects_total\""))),
                GRAFANA.mistake("dashboard queries a counter without _total", p -> p.editDashboard(
                        t -> t.replace("gateway_websocket_backend_ends_total", "gateway_websocket_backend_ends"))),
                GRAFANA.mistake("dashboard queries a gauge as a counter",
                        p -> p.editDashboard(t -> t.replace("sum(ws_sessions)", "sum(rate(ws_sessions_total[1m]))"))),
                GRAFANA.mistake("dashboard queries a timer without its unit",
                        p -> p.editDashboard(t -> t.replace("log_appends_seconds_count", "log_appends_count"))),
                GRAFANA.mistake("dashboard not valid JSON", p -> p.editDashboard(t -> t.replaceFirst("}\\s*$", ""))),
                GRAFANA.mistake("no dashboard", p -> p.dashboards.clear()),
                GRAFANA.mistake("dashboard on another datasource",
                        p -> p.editDashboard(t -> t.replace("\"uid\": \"prometheus\"", "\"uid\": \"elsewhere\""))),
                GRAFANA.mistake("dashboard without the log head",
                        p -> p.editDashboard(t -> t.replace("log_head", "log_reads_waiting"))),
                GRAFANA.mistake("datasource not the compose Prometheus",
                        p -> p.editDatasource(d -> d.put("url", "http://localhost:9090"))),
                GRAFANA.mistake("dashboards not mounted", p -> p.service("grafana").remove("volumes")));
    }

    static final Check PROMETHEUS = new Check("Prometheus", MonitoringTest::checkPrometheus);

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
            int port = p.managementPort(module);
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
                targets.addAll(strings(map(c).get("targets")));
            }
            for (Object c : list(job.get("dns_sd_configs"))) {
                Map<String, Object> dns = map(c);
                String type = str(dns.get("type"));
                for (String name : strings(dns.get("names"))) {
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

    static final Check GRAFANA = new Check("Grafana", MonitoringTest::checkGrafana);

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
        if (!mounts(grafana, GRAFANA_PROVISIONING, "/etc/grafana/provisioning")) {
            problems.add("service grafana must mount ./" + GRAFANA_PROVISIONING + " on /etc/grafana/provisioning, mounts "
                    + grafana.get("volumes"));
        }
        String dashboardDir = strings(grafana.get("volumes")).stream()
                .filter(v -> v.startsWith("./" + GRAFANA_DASHBOARDS + ":")).map(v -> v.split(":")[1]).findFirst()
                .orElse(null);
        if (dashboardDir == null) {
            problems.add("service grafana must mount ./" + GRAFANA_DASHBOARDS + ", mounts " + grafana.get("volumes"));
        } else if (p.dashboardProviders.stream().noneMatch(d -> dashboardDir.equals(str(map(d.get("options")).get("path"))))) {
            problems.add("no dashboard provider in " + GRAFANA_PROVISIONING + "/dashboards loads " + dashboardDir);
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
                    int register = text.indexOf(".register(", m.end());
                    String chain = register < 0 ? "" : text.substring(m.end(), register);
                    String where = p.root().relativize(file) + " (" + m.group(1) + " " + name + ")";
                    prometheusForms(m.group(1), name, chain).forEach(form -> catalog.putIfAbsent(form, where));
                }
            }
        });
        return catalog;
    }

    /** The series a meter of this kind (builder or shortcut name) appears as, its builder chain giving a base unit. */
    private static List<String> prometheusForms(String kind, String name, String chain) {
        String base = name.replaceAll("[^a-zA-Z0-9_:]", "_");
        return switch (kind) {
            case "counter", "Counter", "FunctionCounter" -> List.of(base + "_total");
            case "timer", "Timer", "FunctionTimer" -> List.of(base + "_seconds_count", base + "_seconds_sum",
                    base + "_seconds_max", base + "_seconds_bucket");
            case "summary", "DistributionSummary" -> List.of(base + "_count", base + "_sum", base + "_max",
                    base + "_bucket");
            case "LongTaskTimer" -> List.of(base + "_seconds_active_count", base + "_seconds_duration_sum",
                    base + "_seconds_max");
            default -> {
                Matcher unit = Pattern.compile("\\.baseUnit\\(\\s*\"([^\"]+)\"").matcher(chain);
                yield List.of(unit.find() && !base.endsWith("_" + unit.group(1)) ? base + "_" + unit.group(1) : base);
            }
        };
    }
}
