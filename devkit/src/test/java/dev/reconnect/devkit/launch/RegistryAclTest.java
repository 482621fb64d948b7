package dev.reconnect.devkit.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACL mode: one fresh token per run, the emulator started with it, every service handed the same one
 * as CONSUL_TOKEN, and the switch that turns it off.
 */
class RegistryAclTest {
    @TempDir
    Path runDir;

    @Test
    void aclIsOnUnlessSwitchedOffAndATypoIsAnError() {
        assertThat(RegistryRunner.aclRequested(null)).isTrue();
        assertThat(RegistryRunner.aclRequested("true")).isTrue();
        assertThat(RegistryRunner.aclRequested("false")).isFalse();
        assertThat(RegistryRunner.aclRequested(" FALSE ")).isFalse();
        assertThatThrownBy(() -> RegistryRunner.aclRequested("off"))
                .isInstanceOf(LaunchException.class).hasMessageContaining(RegistryRunner.ACL_PROPERTY).hasMessageContaining("\"off\"");
        assertThat(RegistryRunner.emulatorWithAcl().enforcesAcl()).isTrue();
        assertThat(RegistryRunner.emulatorWithoutAcl().enforcesAcl()).isFalse();
    }

    @Test
    void eachRunDrawsItsOwnTokenInConsulsSecretIdFormAndGivesItToEveryService() {
        LocalSystem first = new LocalSystem(runDir, Ports.from(30920), runDir.resolve("a"), RegistryRunner.emulatorWithAcl());
        LocalSystem second = new LocalSystem(runDir, Ports.from(30920), runDir.resolve("b"), RegistryRunner.emulatorWithAcl());
        try (first; second) {
            String token = first.aclToken().orElseThrow();
            assertThat(UUID.fromString(token).toString()).isEqualTo(token);
            assertThat(UUID.fromString(token).version()).isEqualTo(4);
            assertThat(second.aclToken()).isPresent().isNotEqualTo(first.aclToken());
            assertThat(first.serviceEnv(30921)).containsEntry("CONSUL_TOKEN", token);
            assertThat(first.serviceEnv(30922, "API_PORT", "30922")).containsEntry("CONSUL_TOKEN", token)
                    .containsEntry("API_PORT", "30922");
            assertThat(first.registryRunner().name()).contains("ACLs on").doesNotContain(token);
        }
    }

    @Test
    void withoutAclNoTokenExistsAndNoServiceGetsOne() {
        try (LocalSystem system = new LocalSystem(runDir, Ports.from(30920), runDir, RegistryRunner.emulatorWithoutAcl())) {
            assertThat(system.aclToken()).isEmpty();
            assertThat(system.serviceEnv(30921)).doesNotContainKey("CONSUL_TOKEN");
        }
    }

    /** The real emulator process: it refuses what lacks the run's token, and close() stops it. */
    @Test
    void theEmulatorEnforcesTheRunsTokenAndStopsWithTheSystem() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        LocalSystem system = new LocalSystem(LocalSystem.findRoot(), new Ports(port, 0, 0, 0), runDir,
                RegistryRunner.emulatorWithAcl());
        String token = system.aclToken().orElseThrow();
        try (system) {
            system.startRegistry();
            String registration = "{\"ID\":\"probe-1\",\"Name\":\"probe\",\"Address\":\"127.0.0.1\",\"Port\":1}";
            assertThat(put(system.registry().resolve("/v1/agent/service/register"), registration, null).statusCode())
                    .as("a registration without the token").isEqualTo(403);
            assertThat(put(system.registry().resolve("/v1/agent/service/register"), registration, token).statusCode())
                    .as("a registration with the run's token").isEqualTo(200);
            assertThat(Http.get(system.registry().resolve("/v1/agent/services"), java.time.Duration.ofSeconds(2))
                    .orElseThrow().body()).as("an anonymous list read").doesNotContain("probe-1");
            assertThat(system.readRegistry("/v1/agent/services").orElseThrow().body()).contains("probe-1");
            assertThat(Files.readString(system.logDir().resolve("consul-emulator.log"))).doesNotContain(token);
        }
        assertThat(system.running()).isEmpty();
        assertThat(Http.get(system.registry().resolve("/v1/status/leader"), java.time.Duration.ofSeconds(1))).isEmpty();
    }

    private static HttpResponse<String> put(URI uri, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("X-Consul-Token", token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
