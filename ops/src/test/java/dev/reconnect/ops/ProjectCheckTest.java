package dev.reconnect.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.reconnect.ops.Check.Mistake;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every concern's test does with its checks: the real files pass each of them, and each fails on the broken
 * copies its mistakes make, the proof that it checks something. Every check has at least one mistake, and every
 * mistake names a check of the same concern. No Docker engine is involved: the checks read the files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProjectCheckTest {

    private Project project;

    /**
     * This concern's checks: every {@code static final Check} its class declares, so that a new check cannot be left
     * out of the run (and must come with a mistake).
     */
    final List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        for (Field field : getClass().getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (field.getType() == Check.class && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)) {
                try {
                    checks.add((Check) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read check " + field, e);
                }
            }
        }
        assertFalse(checks.isEmpty(), getClass().getSimpleName() + " declares no check");
        return checks;
    }

    /** Broken copies of the project, each with the check among {@link #checks} that must notice it. */
    abstract List<Mistake> mistakes();

    @BeforeAll
    void loadTheRealFiles() throws IOException {
        project = Project.load(Project.findRoot());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checks")
    void theRealFilesPass(Check check) {
        List<String> problems = check.problems().apply(project);
        if (!problems.isEmpty()) {
            fail(check.what() + ": " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems) + "\n");
        }
        assertTrue(mistakes().stream().anyMatch(m -> m.check().equals(check)),
                check.what() + ": no mistake proves that this check can fail");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void everyCheckCatchesItsMistake(Mistake mistake) throws IOException {
        assertTrue(checks().contains(mistake.check()), mistake + ": the check is not one of " + checks());
        Project copy = Project.load(project.root());
        mistake.breakIt().accept(copy);
        assertFalse(mistake.check().problems().apply(copy).isEmpty(),
                mistake.check().what() + " did not notice: " + mistake.what());
    }
}
