package dev.reconnect.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every main of the project starts with {@code AsyncStages.onTheCommonPool()}: it counts only before the common
 * pool is first made, and without it a 2-CPU machine runs each HttpClient completion on a new thread. The
 * registry emulator is the one exception: it has no HTTP client and does not depend on the protocol module.
 */
class EntryPointsTest {
    private static final Pattern MAIN = Pattern.compile("public static void main\\(String\\[] args\\) \\{\\s*([^;]*;)");
    private static final String FIRST = "AsyncStages.onTheCommonPool();";
    private static final String EXEMPT = "consul-emulator";

    @Test
    void everyMainFirstPutsAsynchronousStagesOnTheCommonPool() throws IOException {
        Path root = Project.findRoot();
        Map<Path, String> mains = mains(root);
        assertThat(mains.keySet()).as("the mains found").hasSizeGreaterThanOrEqualTo(6)
                .anyMatch(p -> p.toString().contains("WsServiceApplication"))
                .anyMatch(p -> p.toString().contains("GatewayApplication"))
                .anyMatch(p -> p.toString().contains("ApiServiceApplication"))
                .anyMatch(p -> p.toString().contains("ClientCli"));
        List<String> problems = new ArrayList<>();
        mains.forEach((path, source) -> problem(path, source).ifPresent(problems::add));
        assertThat(problems).isEmpty();
    }

    @Test
    void aMainThatDoesSomethingElseFirstIsNamed() {
        String late = "public static void main(String[] args) {\n        quietLogging();\n        " + FIRST + "\n    }";
        String missing = "public static void main(String[] args) {\n        SpringApplication.run(App.class, args);\n    }";
        assertThat(problem(Path.of("A.java"), late)).hasValueSatisfying(p -> assertThat(p).contains("A.java", "quietLogging();"));
        assertThat(problem(Path.of("B.java"), missing)).isPresent();
        assertThat(problem(Path.of("C.java"), "public static void main(String[] args) {\n        " + FIRST + "\n    }")).isEmpty();
    }

    private static Optional<String> problem(Path path, String source) {
        Matcher main = MAIN.matcher(source);
        if (!main.find()) {
            return Optional.of(path + ": no main(String[] args) found");
        }
        String first = main.group(1).strip();
        return first.equals(FIRST) ? Optional.empty()
                : Optional.of(path + ": main starts with \"" + first + "\", not " + FIRST);
    }

    private static Map<Path, String> mains(Path root) throws IOException {
        Map<Path, String> mains = new TreeMap<>();
        for (String module : Project.load(root).modules) {
            Path sources = root.resolve(module).resolve("src/main/java");
            if (module.equals(EXEMPT) || !Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    if (source.contains("public static void main(String[] args)")) {
                        mains.put(root.relativize(file), source);
                    }
                }
            }
        }
        return mains;
    }
}
