package dev.reconnect.ops;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One check on the project files: what it looks at (named in its failures) and the problems it finds, none on the
 * real files.
 */
record Check(String what, Function<Project, List<String>> problems) {

    /** A deliberately broken copy of the project that this check must fail on. */
    Mistake mistake(String mistake, Consumer<Project> breakIt) {
        return new Mistake(mistake, this, breakIt);
    }

    @Override
    public String toString() {
        return what;
    }

    /** A way to break the project (tag changed to latest, healthcheck removed, ...) and the check that notices. */
    record Mistake(String what, Check check, Consumer<Project> breakIt) {

        @Override
        public String toString() {
            return what + " -> " + check.what() + " fails";
        }
    }
}
