package dev.reconnect.devkit.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Starts a Spring Boot jar faster from its second start on: the jar is extracted once (Spring Boot's
 * {@code -Djarmode=tools extract}, so that the application's classes come from plain jars on the class
 * path, which the JVM can archive) and a class-data archive is trained once by a start that stops right
 * after the context refresh ({@code -Dspring.context.exit=onRefresh}): a JDK AOT cache on JDK 25 and later
 * ({@code -XX:AOTCacheOutput}, then {@code -XX:AOTCache}), a dynamic CDS archive on JDK 13 to 24
 * ({@code -XX:ArchiveClassesAtExit}, then {@code -XX:SharedArchiveFile}), nothing on older JDKs.
 *
 * <p>Everything lives in {@code <module>/target/startup/<jar>-<key>/}, where the key covers the jar's
 * content, the JDK and the JVM flags: a rebuilt jar or another JDK gets a new folder (all but the two most
 * recently used older ones are removed), so an extracted copy never runs stale code. An archive the JVM
 * cannot use (another JDK's, a rebuilt jar's, a corrupt one) only makes it warn and start without it
 * ({@code -Xshare:auto}, the default, and the AOT cache's default mode "auto"), with one exception that is
 * checked here: JDK 17 crashes on a dynamic archive cut short, so an archive is used only at the size it
 * was written with. When extracting or training fails, the start is a plain
 * {@code java -jar} of the original, and the failure is remembered in that folder so that later starts
 * do not pay for a second attempt.
 *
 * <p>Off with {@code RECONNECT_STARTUP_ARCHIVE=off} (or {@code -Dreconnect.startup-archive=off}).
 */
final class StartupArchive {
    /** Kinds of archive, by what the running JDK offers. */
    enum Kind {
        /** JDK 25+: JEP 483/514 ahead-of-time cache, trained in one step. */
        AOT_CACHE(".aot"),
        /** JDK 13-24: dynamic AppCDS archive written when the training JVM exits. */
        DYNAMIC_CDS(".jsa"),
        NONE("");

        private final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }

        static Kind forFeature(int feature) {
            return feature >= 25 ? AOT_CACHE : feature >= 13 ? DYNAMIC_CDS : NONE;
        }

        /** The flag that makes the training JVM write {@code archive}. */
        String trainFlag(Path archive) {
            return switch (this) {
                case AOT_CACHE -> "-XX:AOTCacheOutput=" + archive;
                case DYNAMIC_CDS -> "-XX:ArchiveClassesAtExit=" + archive;
                case NONE -> throw new IllegalStateException("no archive on this JDK");
            };
        }

        /** The flag that makes a JVM start from {@code archive}. */
        String useFlag(Path archive) {
            return switch (this) {
                case AOT_CACHE -> "-XX:AOTCache=" + archive;
                case DYNAMIC_CDS -> "-XX:SharedArchiveFile=" + archive;
                case NONE -> throw new IllegalStateException("no archive on this JDK");
            };
        }
    }

    /**
     * What the training start needs besides the real start's environment: arguments (ports 0, so it can
     * never meet a running process) and environment overrides (a throw-away data folder, say).
     */
    record Training(List<String> args, Map<String, String> env) {
        static Training of(List<String> args, Map<String, String> env) {
            return new Training(List.copyOf(args), Map.copyOf(env));
        }
    }

    static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(3);
    private static final String FAILED_MARKER = "failed.txt";
    private static final int KEPT_OLDER = 2;

    private final String javaBinary;
    private final Kind kind;
    private final String jdkIdentity;
    private final Consumer<String> say;

    StartupArchive(String javaBinary, Kind kind, String jdkIdentity, Consumer<String> say) {
        this.javaBinary = javaBinary;
        this.kind = kind;
        this.jdkIdentity = jdkIdentity;
        this.say = say;
    }

    /** For the JDK this JVM runs on (the one the launcher starts processes with); none when switched off. */
    static StartupArchive forRunningJdk(String javaBinary, Consumer<String> say) {
        String setting = System.getProperty("reconnect.startup-archive",
                Optional.ofNullable(System.getenv("RECONNECT_STARTUP_ARCHIVE")).orElse("on"));
        Kind kind = "off".equalsIgnoreCase(setting) ? Kind.NONE : Kind.forFeature(Runtime.version().feature());
        return new StartupArchive(javaBinary, kind,
                System.getProperty("java.home") + "|" + System.getProperty("java.vm.version"), say);
    }

    Kind kind() {
        return kind;
    }

    /**
     * The part of the command after the JVM flags that starts {@code jar}: {@code [-XX:..., -jar, extracted]}
     * when an archive is (or has just been made) available, else {@code [-jar, jar]}. Blocks for the one
     * training start the first time; never fails because of the archive.
     */
    List<String> launch(String name, Path jar, List<String> jvmFlags, Training training, Map<String, String> env) {
        if (kind == Kind.NONE || training == null || !isSpringBootJar(jar)) {
            return List.of("-jar", jar.toString());
        }
        try {
            Path dir = folderFor(jar, jvmFlags);
            Path extracted = dir.resolve("app").resolve(jar.getFileName());
            Path archive = dir.resolve(stem(jar) + kind.suffix);
            if (!usable(archive) && !Files.isRegularFile(dir.resolve(FAILED_MARKER))) {
                prepare(name, jar, jvmFlags, training, env, dir, extracted, archive);
            }
            if (usable(archive) && Files.isRegularFile(extracted)) {
                Files.setLastModifiedTime(dir, FileTime.fromMillis(System.currentTimeMillis())); // see removeOlderFolders
                return List.of(kind.useFlag(archive), "-jar", extracted.toString());
            }
        } catch (IOException | UncheckedIOException e) {
            say.accept(name + ": no start-up archive (" + e.getMessage() + "); starting " + jar.getFileName() + " plainly");
        }
        return List.of("-jar", jar.toString());
    }

    /** Under a lock: another launcher (the demo, a parallel test) may be making the same archive. */
    private void prepare(String name, Path jar, List<String> jvmFlags, Training training, Map<String, String> env,
                         Path dir, Path extracted, Path archive) throws IOException {
        Files.createDirectories(dir);
        // The file lock keeps other processes out; within this JVM a second lock would throw instead of wait.
        synchronized (StartupArchive.class) {
            prepareLocked(name, jar, jvmFlags, training, env, dir, extracted, archive);
        }
    }

    private void prepareLocked(String name, Path jar, List<String> jvmFlags, Training training, Map<String, String> env,
                               Path dir, Path extracted, Path archive) throws IOException {
        try (FileChannel lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.lock()) {
            if (usable(archive) || Files.isRegularFile(dir.resolve(FAILED_MARKER))) {
                return; // made (or given up) by whoever held the lock before
            }
            if (Files.exists(archive)) {
                say.accept(name + ": the start-up archive " + archive + " is damaged (not the size it was written with):"
                        + " making it again");
                Files.delete(archive);
            }
            removeOlderFolders(jar, dir);
            long started = System.nanoTime();
            say.accept(name + ": first start of " + jar.getFileName() + " on this JDK: extracting it and training a "
                    + (kind == Kind.AOT_CACHE ? "JDK AOT cache" : "CDS archive") + " once, for faster starts from now on");
            Optional<String> failure = extract(jar, dir, extracted)
                    .or(() -> train(jvmFlags, training, env, dir, extracted, archive));
            if (failure.isPresent()) {
                Files.deleteIfExists(archive);
                Files.writeString(dir.resolve(FAILED_MARKER), failure.get() + "\n");
                say.accept(name + ": could not make a start-up archive (" + failure.get() + "); starting plainly, now and"
                        + " until the jar changes (details in " + dir.resolve(FAILED_MARKER) + ")");
            } else {
                say.accept(name + ": start-up archive ready after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms: " + archive);
            }
        }
    }

    private Optional<String> extract(Path jar, Path dir, Path extracted) {
        if (Files.isRegularFile(extracted)) {
            return Optional.empty();
        }
        Path partial = dir.resolve("app.partial");
        try {
            deleteTree(partial);
            Optional<String> failure = run(List.of(javaBinary, "-Djarmode=tools", "-jar", jar.toString(), "extract",
                    "--destination", partial.toString()), Map.of(), dir.resolve("extract.log"), "extracting the jar");
            if (failure.isPresent()) {
                return failure;
            }
            deleteTree(extracted.getParent());
            Files.move(partial, extracted.getParent(), StandardCopyOption.ATOMIC_MOVE);
            return Files.isRegularFile(extracted) ? Optional.empty()
                    : Optional.of("the extracted folder has no " + extracted.getFileName());
        } catch (IOException e) {
            return Optional.of("extracting the jar: " + e.getMessage());
        }
    }

    private Optional<String> train(List<String> jvmFlags, Training training, Map<String, String> env, Path dir,
                                   Path extracted, Path archive) {
        // Written under another name first: a start must never pick up a half-written archive.
        Path partial = dir.resolve("training" + kind.suffix);
        try {
            Files.deleteIfExists(partial);
            List<String> command = new ArrayList<>();
            command.add(javaBinary);
            command.addAll(jvmFlags);
            command.add(kind.trainFlag(partial));
            command.add("-Dspring.context.exit=onRefresh");
            command.add("-jar");
            command.add(extracted.toString());
            command.addAll(training.args());
            Map<String, String> trainingEnv = new HashMap<>(env);
            trainingEnv.putAll(training.env());
            Optional<String> failure = run(command, trainingEnv, dir.resolve("training.log"), "the training start");
            if (failure.isPresent()) {
                return failure;
            }
            if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
                return Optional.of("the training start wrote no archive (see " + dir.resolve("training.log") + ")");
            }
            Files.writeString(sizeFile(archive), Long.toString(Files.size(partial)));
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("training: " + e.getMessage());
        }
    }

    private static Optional<String> run(List<String> command, Map<String, String> env, Path log, String what) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = null;
        try {
            process = builder.start();
            if (!process.waitFor(TRAINING_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                return Optional.of(what + " did not end within " + TRAINING_TIMEOUT.toSeconds() + " s (see " + log + ")");
            }
            return process.exitValue() == 0 ? Optional.empty()
                    : Optional.of(what + " exited with " + process.exitValue() + " (see " + log + ")");
        } catch (IOException e) {
            return Optional.of(what + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(what + " was interrupted");
        } finally {
            if (process != null && process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /**
     * The archive exists and has the size it was written with. JDK 17 does not check a dynamic archive's
     * length: one cut short (a full disk, an interrupted copy) crashes the JVM with SIGBUS at start instead
     * of being skipped with a warning, as a wrong or corrupt one is.
     */
    static boolean usable(Path archive) {
        try {
            Path size = sizeFile(archive);
            return Files.isRegularFile(archive) && Files.isRegularFile(size)
                    && Files.size(archive) == Long.parseLong(Files.readString(size).trim());
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static Path sizeFile(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".size");
    }

    /** {@code <module>/target/startup/<jar stem>-<key>}, beside the jar (under target/, so git ignores it). */
    Path folderFor(Path jar, List<String> jvmFlags) throws IOException {
        return jar.toAbsolutePath().getParent().resolve("startup").resolve(stem(jar) + "-" + key(jar, jvmFlags));
    }

    /**
     * Changes whenever the jar's content changes, or the JDK, the kind of archive or the JVM flags do. The
     * content is known by every entry's name, size and CRC from the jar's central directory (a few
     * milliseconds): not by the file's time, which reproducible builds set to a fixed value, nor its size,
     * which a small change may leave alone.
     */
    String key(Path jar, List<String> jvmFlags) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((jdkIdentity + "|" + kind + "|" + String.join(" ", jvmFlags)).getBytes(StandardCharsets.UTF_8));
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    digest.update(("|" + entry.getName() + ":" + entry.getSize() + ":" + entry.getCrc())
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Keeps the folders of the {@value #KEPT_OLDER} most recently used older builds of the jar, whose
     * processes (a demo, another test run) may still be running from them, and removes the rest: every
     * rebuild would otherwise leave about 100 MB behind.
     */
    private static void removeOlderFolders(Path jar, Path current) throws IOException {
        List<Path> older;
        try (Stream<Path> siblings = Files.list(current.getParent())) {
            older = siblings.filter(p -> !p.equals(current) && p.getFileName().toString().startsWith(stem(jar) + "-"))
                    .sorted(Comparator.comparing(StartupArchive::lastUsed).reversed()).toList();
        }
        for (Path stale : older.subList(Math.min(KEPT_OLDER, older.size()), older.size())) {
            deleteTree(stale);
        }
    }

    private static FileTime lastUsed(Path folder) {
        try {
            return Files.getLastModifiedTime(folder);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static boolean isSpringBootJar(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() != null
                    && file.getManifest().getMainAttributes().getValue("Spring-Boot-Version") != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static String stem(Path jar) {
        String file = jar.getFileName().toString();
        return file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
