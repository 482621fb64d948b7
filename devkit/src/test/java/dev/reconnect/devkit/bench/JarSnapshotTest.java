package dev.reconnect.devkit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reconnect.devkit.launch.LaunchException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's copy of the built jars: laid out like the repository, copied again only when a jar changed. */
class JarSnapshotTest {
    @TempDir
    Path repository;
    @TempDir
    Path copies;

    private void build(String content) throws IOException {
        for (String jar : JarSnapshot.JARS) {
            Path file = repository.resolve(jar);
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry("content.txt"));
                zip.write((jar + " " + content).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }

    @Test
    void everyJarIsCopiedWhereTheLauncherLooksForItWithItsDigest() throws IOException {
        build("first");
        JarSnapshot snapshot = JarSnapshot.take(repository, copies);
        assertThat(snapshot.root()).isEqualTo(copies);
        for (String jar : JarSnapshot.JARS) {
            assertThat(copies.resolve(jar)).hasSameBinaryContentAs(repository.resolve(jar));
            assertThat(snapshot.digests().get(jar)).startsWith("sha256:").hasSize("sha256:".length() + 16)
                    .isEqualTo(JarSnapshot.digest(repository.resolve(jar)));
        }
    }

    @Test
    void anUnchangedJarIsNotCopiedAgainAndAChangedOneIs() throws IOException {
        build("first");
        JarSnapshot first = JarSnapshot.take(repository, copies);
        Path ws = copies.resolve("ws-service/target/ws-service.jar");
        FileTime copiedAt = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(ws, copiedAt);
        assertThat(JarSnapshot.take(repository, copies).digests()).isEqualTo(first.digests());
        assertThat(Files.getLastModifiedTime(ws)).isEqualTo(copiedAt);

        build("second");
        JarSnapshot second = JarSnapshot.take(repository, copies);
        assertThat(second.digests().get("ws-service/target/ws-service.jar"))
                .isNotEqualTo(first.digests().get("ws-service/target/ws-service.jar"));
        assertThat(ws).hasSameBinaryContentAs(repository.resolve("ws-service/target/ws-service.jar"));
    }

    @Test
    void aMissingJarSaysHowToBuildIt() throws IOException {
        build("first");
        Files.delete(repository.resolve("gateway/target/gateway.jar"));
        assertThatThrownBy(() -> JarSnapshot.take(repository, copies)).isInstanceOf(LaunchException.class)
                .hasMessageContaining("gateway.jar is missing").hasMessageContaining("mvn -B package -DskipTests");
    }

    @Test
    void aJarThatIsNoZipIsRefused() throws IOException {
        build("first");
        Files.writeString(repository.resolve("client-cli/target/client-cli.jar"), "half written");
        assertThatThrownBy(() -> JarSnapshot.take(repository, copies)).isInstanceOf(LaunchException.class)
                .hasMessageContaining("client-cli.jar");
    }
}
