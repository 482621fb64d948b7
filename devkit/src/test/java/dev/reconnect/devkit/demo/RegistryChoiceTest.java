package dev.reconnect.devkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reconnect.devkit.launch.LaunchException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --registry consul|emulator} and the default choice, with the PATH lookup injected (no Consul here). */
class RegistryChoiceTest {
    private static final Path CONSUL = Path.of("/opt/consul/bin/consul");
    private static final Function<String, Optional<Path>> WITH_CONSUL =
            program -> program.equals("consul") ? Optional.of(CONSUL) : Optional.empty();
    private static final Function<String, Optional<Path>> WITHOUT_CONSUL = program -> Optional.empty();

    @Test
    void theOptionTakesConsulOrEmulatorAndDefaultsToChoosing() {
        assertThat(Demo.Options.parse(new String[] {"--registry", "consul"}).registry()).isEqualTo("consul");
        assertThat(Demo.Options.parse(new String[] {"--once", "--registry", "emulator"}).registry()).isEqualTo("emulator");
        assertThat(Demo.Options.parse(new String[] {"--once"}).registry()).isNull();
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--registry", "etcd"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("consul or emulator").hasMessageContaining("etcd");
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--registry"})).hasMessageContaining("needs a value");
        assertThat(Demo.USAGE).contains("--registry");
    }

    @Test
    void byDefaultAConsulOnThePathWinsElseTheEmulatorAndTheFirstLineSaysWhich() {
        RegistryChoice withConsul = RegistryChoice.choose(null, WITH_CONSUL);
        assertThat(withConsul.runner().enforcesAcl()).isFalse();
        assertThat(withConsul.runner().name()).startsWith("consul agent -dev");
        assertThat(withConsul.description()).contains("consul agent -dev from " + CONSUL).contains("ACLs off");

        RegistryChoice withoutConsul = RegistryChoice.choose(null, WITHOUT_CONSUL);
        assertThat(withoutConsul.runner().name()).startsWith("consul-emulator");
        assertThat(withoutConsul.description()).contains("consul-emulator").contains("no consul on the PATH");
        assertThat(withoutConsul.description()).contains(withoutConsul.runner().enforcesAcl() ? "ACLs on" : "ACLs off");
    }

    @Test
    void anExplicitChoiceIsFollowedAndAMissingConsulSaysWhatToInstall() {
        assertThat(RegistryChoice.choose("emulator", WITH_CONSUL).runner().name()).startsWith("consul-emulator");
        assertThat(RegistryChoice.choose("consul", WITH_CONSUL).runner().name()).contains(CONSUL.toString());
        assertThatThrownBy(() -> RegistryChoice.choose("consul", WITHOUT_CONSUL))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("no consul on the PATH")
                .hasMessageContaining("Install Consul")
                .hasMessageContaining("--registry emulator");
    }

    @Test
    void aMissingConsulExitsWith3BeforeStartingAnything() {
        assertThat(Demo.run(Demo.Options.parse(new String[] {"--once", "--registry", "consul"}),
                WITHOUT_CONSUL)).isEqualTo(3);
    }

    @Test
    void thePathLookupFindsOnlyExecutableFiles(@TempDir Path dir) throws Exception {
        Path notExecutable = Files.createDirectories(dir.resolve("a"));
        Files.writeString(notExecutable.resolve("consul"), "#!/bin/sh\n");
        Path folder = Files.createDirectories(dir.resolve("b").resolve("consul")); // a folder named consul
        Path bin = Files.createDirectories(dir.resolve("c"));
        Path consul = Files.writeString(bin.resolve("consul"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(consul, PosixFilePermissions.fromString("rwxr-xr-x"));
        String path = String.join(File.pathSeparator, "", notExecutable.toString(), folder.getParent().toString(), bin.toString());

        assertThat(RegistryChoice.findOnPath("consul", path)).contains(consul.toAbsolutePath());
        assertThat(RegistryChoice.findOnPath("consul", notExecutable.toString())).isEmpty();
        assertThat(RegistryChoice.findOnPath("consul", null)).isEmpty();
    }
}
