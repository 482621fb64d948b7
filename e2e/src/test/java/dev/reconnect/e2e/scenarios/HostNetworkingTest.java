package dev.reconnect.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the real-Consul scenarios can reach this machine's 127.0.0.1 through host networking. */
class HostNetworkingTest {
    @Test
    void dockerEngineOnLinuxWithALocalSocketRuns() {
        assertThat(HostNetworking.whyNot("Linux", "Ubuntu 24.04.2 LTS", "linux", "localhost", false)).isEmpty();
    }

    @Test
    void dockerDesktopIsSkippedNamingTheSettingUnlessTheUserOptsIn() {
        assertThat(HostNetworking.whyNot("Mac OS X", "Docker Desktop", "linux", "localhost", false)).hasValueSatisfying(
                why -> assertThat(why).contains("Enable host networking").contains("-D" + HostNetworking.OPT_IN + "=true"));
        // Docker Desktop for Linux runs a VM too.
        assertThat(HostNetworking.whyNot("Linux", "Docker Desktop", "linux", "localhost", false)).isPresent();
        assertThat(HostNetworking.whyNot("Mac OS X", "Docker Desktop", "linux", "localhost", true)).isEmpty();
    }

    @Test
    void aRemoteEngineOrWindowsContainersAreSkippedEvenWithTheOptIn() {
        assertThat(HostNetworking.whyNot("Linux", "Ubuntu", "linux", "10.0.0.5", true))
                .hasValueSatisfying(why -> assertThat(why).contains("another host"));
        assertThat(HostNetworking.whyNot("Windows 11", "Windows Server", "windows", "localhost", true))
                .hasValueSatisfying(why -> assertThat(why).contains("windows"));
    }
}
