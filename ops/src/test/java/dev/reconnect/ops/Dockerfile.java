package dev.reconnect.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the root Dockerfile as the builder runs it for one service: its stages, the stages a target needs, and each
 * stage's instructions with that service's build arguments substituted where the builder substitutes them
 * ({@link Resolved}).
 */
final class Dockerfile {

    private static final Pattern VARIABLE = Pattern.compile(
            "\\\\\\$|\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");
    /** Instructions whose arguments the builder itself substitutes ARG and ENV values into. */
    private static final Set<String> SUBSTITUTED = Set.of("COPY", "ADD", "ENV", "EXPOSE", "USER", "WORKDIR", "LABEL",
            "VOLUME", "STOPSIGNAL", "RUN");

    private Dockerfile() {
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

        /** Whether the target is a stage of the Dockerfile at all (the build fails otherwise). */
        boolean hasTarget() {
            return stages.containsKey(target);
        }

        /** The target stage as the image is made (its lineage, resolved with the build args). */
        Resolved image() {
            return resolve(stages, target, args);
        }

        /** Every stage the target needs (its lineage and the stages it copies from), each resolved. */
        List<Resolved> needed() {
            return Dockerfile.needed(stages, target).stream().map(name -> resolve(stages, name, args)).toList();
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
            return command.startsWith("[") ? command : expand(command, env);
        }
    }

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
