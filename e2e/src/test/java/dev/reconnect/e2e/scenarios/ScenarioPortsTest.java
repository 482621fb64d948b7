package dev.reconnect.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.devkit.scenario.StartOrder;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No two scenario cases share a port, without running any of them: every IT class in e2e, on the
 * emulator and on real Consul, each of its cases with every port it may open (services, a second
 * ws-service, management ports, all of a Consul dev agent's ports), and the demo's defaults. Cases of
 * one class run one after another, but a case whose container or process lingers would otherwise meet
 * the next one; and a developer may run classes side by side or next to a running demo.
 */
class ScenarioPortsTest {
    /** One system some test starts, with the ports it may listen on. */
    record Case(String name, Ports ports, boolean testBlock) {}

    private static final Pattern PORTS_FROM = Pattern.compile("Ports\\.from\\(\\s*([A-Za-z_][A-Za-z0-9_]*|\\d+)\\s*\\)");

    @Test
    void noTwoScenarioCasesShareAPortAndEachStaysInItsBlock() throws Exception {
        List<Case> cases = everyCase();
        List<String> names = cases.stream().map(Case::name).toList();
        // Both halves and every kind of IT are really here, so the check below is not about an empty list.
        assertThat(names).contains("StartOrderIT[REGISTRY_LAST]", "StartOrderOnRealConsulIT[WS_SERVICE_LAST]",
                "ContinuityIT", "ContinuityOnRealConsulIT", "TwoInstanceIT", "TwoInstanceOnRealConsulIT",
                "FaultIT", "SoakIT", "BrowserEndToEndIT", "demo");

        for (Case c : cases) {
            assertThat(new HashSet<>(c.ports().all().values())).as(c.name() + " uses each port once: " + c.ports().all())
                    .hasSize(c.ports().all().size());
            if (c.testBlock()) {
                int base = c.ports().registry();
                assertThat(c.ports().all()).as(c.name() + " stays in its block [" + base + ", " + (base + Ports.BLOCK_SIZE) + ")")
                        .allSatisfy((what, port) -> assertThat(port).isBetween(base, base + Ports.BLOCK_SIZE - 1));
            }
        }
        assertThat(collisions(cases)).as("ports shared between cases").isEmpty();
    }

    @Test
    void theCheckFindsCasesThatMeet() {
        // A block 10 ports on: its gateway is the first block's second ws-service, and so on.
        List<String> found = collisions(List.of(new Case("a", Ports.from(30700), true), new Case("b", Ports.from(30710), true)));
        assertThat(found).isNotEmpty().anyMatch(line -> line.contains("30711") && line.contains("a ") && line.contains("b "));
        // Consul's own ports count: the old layout's serf ports (+40..+42) would land in the block two further on.
        assertThat(collisions(List.of(new Case("a", Ports.from(30700), true), new Case("b", Ports.from(30708), true))))
                .anyMatch(line -> line.contains("registry serf_lan") || line.contains("registry server"));
    }

    @Test
    void theSecondWsInstanceIsWhereTheScenariosStartIt(@TempDir Path runDir) {
        LocalSystem system = new LocalSystem(LocalSystem.findRoot(), Ports.from(30900), runDir);
        try (ScenarioRun run = new ScenarioRun(system, 1, line -> { })) {
            assertThat(run.wsPort(0)).isEqualTo(system.ports().ws(0));
            assertThat(run.wsPort(1)).isEqualTo(system.ports().ws(1));
        }
    }

    /** "port p: X as ..., Y as ..." for every port two cases have in common. */
    static List<String> collisions(List<Case> cases) {
        Map<Integer, String> owner = new LinkedHashMap<>();
        List<String> found = new ArrayList<>();
        for (Case c : cases) {
            c.ports().all().forEach((what, port) -> {
                String here = c.name() + " as " + what;
                String before = owner.putIfAbsent(port, here);
                if (before != null) {
                    found.add("port " + port + ": " + before + ", " + here);
                }
            });
        }
        return found;
    }

    /** Every IT class under e2e/src/test/java, each case with its ports; fails on one it cannot read. */
    static List<Case> everyCase() throws Exception {
        Path sources = LocalSystem.findRoot().resolve("e2e/src/test/java");
        List<Path> itFiles;
        try (Stream<Path> files = Files.walk(sources)) {
            itFiles = files.filter(f -> f.getFileName().toString().endsWith("IT.java")).sorted().toList();
        }
        List<Case> cases = new ArrayList<>();
        for (Path file : itFiles) {
            String className = sources.relativize(file).toString().replace(".java", "").replace(file.getFileSystem().getSeparator(), ".");
            Class<?> type = Class.forName(className);
            String name = type.getSimpleName();
            if (StartOrderScenarios.class.isAssignableFrom(type)) {
                StartOrderScenarios scenarios = (StartOrderScenarios) instantiate(type);
                for (StartOrder order : StartOrder.values()) {
                    cases.add(new Case(name + "[" + order + "]", scenarios.ports(order), true));
                }
            } else {
                Optional<Target> target = declaredTarget(type);
                if (target.isPresent()) {
                    cases.add(new Case(name, target.get().ports(), true));
                } else {
                    cases.addAll(fromSource(name, file));
                }
            }
        }
        cases.add(new Case("demo", Ports.defaults(), false));
        return cases;
    }

    /** The {@link Target} a suite keeps in a field of its own or of a superclass, read from a new instance. */
    private static Optional<Target> declaredTarget(Class<?> type) throws ReflectiveOperationException {
        for (Class<?> declaring = type; declaring != null; declaring = declaring.getSuperclass()) {
            for (Field field : declaring.getDeclaredFields()) {
                if (field.getType() == Target.class && !Modifier.isStatic(field.getModifiers())) {
                    field.setAccessible(true);
                    return Optional.of((Target) field.get(instantiate(type)));
                }
            }
        }
        return Optional.empty();
    }

    /** An IT that starts its system inline: its {@code Ports.from(N)} or {@code Ports.from(CONSTANT)}. */
    private static List<Case> fromSource(String name, Path file) throws IOException {
        String source = Files.readString(file);
        if (!source.contains("LocalSystem")) {
            return List.of(); // starts no system of its own
        }
        if (source.contains("new Ports(") || source.contains("Ports.defaults()")) {
            throw new AssertionError(name + " builds its Ports in a way this test cannot read; use Ports.from(base)"
                    + " or teach ScenarioPortsTest how it picks its ports");
        }
        List<Case> cases = new ArrayList<>();
        Matcher from = PORTS_FROM.matcher(source);
        while (from.find()) {
            cases.add(new Case(name + (cases.isEmpty() ? "" : "#" + cases.size()), Ports.from(value(name, source, from.group(1))), true));
        }
        if (cases.isEmpty()) {
            throw new AssertionError(name + " starts a LocalSystem without Ports.from(base); teach ScenarioPortsTest"
                    + " how it picks its ports");
        }
        return cases;
    }

    private static int value(String name, String source, String token) {
        if (token.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(token);
        }
        Matcher constant = Pattern.compile("static\\s+final\\s+int\\s+" + token + "\\s*=\\s*(\\d+)\\s*;").matcher(source);
        if (!constant.find()) {
            throw new AssertionError(name + ": Ports.from(" + token + ") with no 'static final int " + token + " = <n>;'");
        }
        return Integer.parseInt(constant.group(1));
    }

    private static Object instantiate(Class<?> type) throws ReflectiveOperationException {
        Constructor<?> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        return constructor.newInstance();
    }
}
