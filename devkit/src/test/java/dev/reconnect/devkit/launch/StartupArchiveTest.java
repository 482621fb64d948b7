package dev.reconnect.devkit.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.devkit.launch.StartupArchive.Kind;
import dev.reconnect.devkit.launch.StartupArchive.Training;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupArchiveTest {
    private static final List<String> FLAGS = List.of("-XX:+UseSerialGC");
    private static final Training TRAINING = Training.of(List.of("--server.port=0"), Map.of());
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;

    private final List<String> said = new ArrayList<>();

    private StartupArchive archive(Kind kind) {
        return new StartupArchive(JAVA, kind, "test-jdk", said::add);
    }

    @Test
    void theKindFollowsTheJdk() {
        assertThat(Kind.forFeature(11)).isEqualTo(Kind.NONE);
        assertThat(Kind.forFeature(17)).isEqualTo(Kind.DYNAMIC_CDS);
        assertThat(Kind.forFeature(24)).isEqualTo(Kind.DYNAMIC_CDS);
        assertThat(Kind.forFeature(25)).isEqualTo(Kind.AOT_CACHE);
        assertThat(Kind.AOT_CACHE.trainFlag(Path.of("a.aot"))).isEqualTo("-XX:AOTCacheOutput=a.aot");
        assertThat(Kind.AOT_CACHE.useFlag(Path.of("a.aot"))).isEqualTo("-XX:AOTCache=a.aot");
        assertThat(Kind.DYNAMIC_CDS.trainFlag(Path.of("a.jsa"))).isEqualTo("-XX:ArchiveClassesAtExit=a.jsa");
        assertThat(Kind.DYNAMIC_CDS.useFlag(Path.of("a.jsa"))).isEqualTo("-XX:SharedArchiveFile=a.jsa");
    }

    @Test
    void aJarThatIsNotSpringBootsOrAJdkWithoutArchivesOrNoTrainingStartsPlainly() throws Exception {
        Path plain = jar(dir.resolve("tool.jar"), false);
        Path boot = jar(dir.resolve("service.jar"), true);

        assertThat(archive(Kind.DYNAMIC_CDS).launch("tool", plain, FLAGS, TRAINING, Map.of()))
                .containsExactly("-jar", plain.toString());
        assertThat(archive(Kind.NONE).launch("service", boot, FLAGS, TRAINING, Map.of()))
                .containsExactly("-jar", boot.toString());
        assertThat(archive(Kind.AOT_CACHE).launch("service", boot, FLAGS, null, Map.of()))
                .containsExactly("-jar", boot.toString());
        assertThat(said).isEmpty();
        assertThat(dir.resolve("startup")).doesNotExist();
    }

    @Test
    void aRebuiltJarAnotherJdkOrOtherFlagsGetAFolderOfTheirOwn() throws Exception {
        Path boot = jar(dir.resolve("service.jar"), true);
        StartupArchive cds = archive(Kind.DYNAMIC_CDS);
        String key = cds.key(boot, FLAGS);

        assertThat(cds.folderFor(boot, FLAGS)).isEqualTo(dir.resolve("startup").resolve("service-" + key));
        assertThat(cds.key(boot, FLAGS)).isEqualTo(key);
        assertThat(cds.key(boot, List.of("-XX:+UseG1GC"))).isNotEqualTo(key);
        assertThat(new StartupArchive(JAVA, Kind.DYNAMIC_CDS, "another-jdk", said::add).key(boot, FLAGS)).isNotEqualTo(key);
        assertThat(archive(Kind.AOT_CACHE).key(boot, FLAGS)).isNotEqualTo(key);

        FileTime built = Files.getLastModifiedTime(boot);
        jar(boot, true, "stand-IN"); // same size, same time (as a reproducible build leaves them), other content
        Files.setLastModifiedTime(boot, built);
        assertThat(cds.key(boot, FLAGS)).as("rebuilt with a change").isNotEqualTo(key);
    }

    @Test
    void aFailedExtractionStartsPlainlyAndIsNotTriedAgainForTheSameJar() throws Exception {
        // Says it is a Spring Boot jar but has no jarmode support: extraction fails.
        Path boot = jar(dir.resolve("service.jar"), true);
        StartupArchive cds = archive(Kind.DYNAMIC_CDS);

        assertThat(cds.launch("service", boot, FLAGS, TRAINING, Map.of())).containsExactly("-jar", boot.toString());
        assertThat(said).hasSize(2);
        assertThat(said.get(1)).contains("could not make a start-up archive").contains("starting plainly");
        assertThat(cds.folderFor(boot, FLAGS).resolve("failed.txt")).exists();

        said.clear();
        assertThat(cds.launch("service", boot, FLAGS, TRAINING, Map.of())).containsExactly("-jar", boot.toString());
        assertThat(said).as("no second attempt").isEmpty();
    }

    @Test
    void aTrainedArchiveIsUsedAndOneOfTheWrongSizeIsNot() throws Exception {
        Path boot = jar(dir.resolve("service.jar"), true);
        StartupArchive cds = archive(Kind.DYNAMIC_CDS);
        Path folder = cds.folderFor(boot, FLAGS);
        Path extracted = folder.resolve("app").resolve("service.jar");
        Path jsa = folder.resolve("service.jsa");
        Files.createDirectories(extracted.getParent());
        Files.copy(boot, extracted);
        Files.write(jsa, new byte[4096]);
        Files.writeString(folder.resolve("service.jsa.size"), "4096");

        assertThat(cds.launch("service", boot, FLAGS, TRAINING, Map.of()))
                .containsExactly("-XX:SharedArchiveFile=" + jsa, "-jar", extracted.toString());
        assertThat(said).isEmpty();

        Files.write(jsa, new byte[1000]); // cut short, as by a full disk
        assertThat(StartupArchive.usable(jsa)).isFalse();
        // The training start of this stand-in jar fails, so the start is plain; the damaged archive is gone.
        assertThat(cds.launch("service", boot, FLAGS, TRAINING, Map.of())).containsExactly("-jar", boot.toString());
        assertThat(said.get(0)).contains("is damaged");
        assertThat(jsa).doesNotExist();
    }

    @Test
    void aNewBuildKeepsTheTwoMostRecentlyUsedOlderFoldersAndRemovesTheRest() throws Exception {
        Path boot = jar(dir.resolve("service.jar"), true);
        Path startup = Files.createDirectories(dir.resolve("startup"));
        long now = System.currentTimeMillis();
        for (int age = 1; age <= 4; age++) {
            Path older = Files.createDirectories(startup.resolve("service-old" + age).resolve("app"));
            Files.setLastModifiedTime(older.getParent(), FileTime.fromMillis(now - age * 60_000L));
        }
        Path otherJar = Files.createDirectories(startup.resolve("other-old9"));
        Files.setLastModifiedTime(otherJar, FileTime.fromMillis(now - 3_600_000L));

        archive(Kind.DYNAMIC_CDS).launch("service", boot, FLAGS, TRAINING, Map.of());

        try (var left = Files.list(startup)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "service-" + archive(Kind.DYNAMIC_CDS).key(boot, FLAGS), "service-old1", "service-old2", "other-old9");
        }
    }

    /** What the launcher relies on: the running JDK warns about an archive it cannot use and starts anyway. */
    @Test
    void theRunningJdkStartsDespiteACorruptOrForeignArchive() throws Exception {
        Kind kind = Kind.forFeature(Runtime.version().feature());
        if (kind == Kind.NONE) {
            return; // nothing to pass: no archive flag is ever used on this JDK
        }
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path source = Files.writeString(dir.resolve("Hello.java"),
                "public class Hello { public static void main(String[] a) { System.out.println(\"started\"); } }");
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), source.toString()))
                .isZero();
        Path garbage = dir.resolve("garbage" + (kind == Kind.AOT_CACHE ? ".aot" : ".jsa"));
        byte[] noise = new byte[200_000];
        new java.util.Random(7).nextBytes(noise);
        Files.write(garbage, noise);

        for (Path archive : List.of(garbage, dir.resolve("missing.jsa"))) {
            Process java = new ProcessBuilder(JAVA, kind.useFlag(archive), "-cp", classes.toString(), "Hello")
                    .redirectErrorStream(true).start();
            String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(java.exitValue()).as(output).isZero();
            assertThat(output).contains("started");
        }
    }

    private static Path jar(Path file, boolean springBoot) throws IOException {
        return jar(file, springBoot, "stand-in");
    }

    private static Path jar(Path file, boolean springBoot, String content) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (springBoot) {
            manifest.getMainAttributes().putValue("Spring-Boot-Version", "4.0.7");
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry("readme.txt"));
            jar.write(content.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return file;
    }
}
