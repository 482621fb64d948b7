package dev.reconnect.devkit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** ./bench.sh's command line: what it runs by default, what --quick means, and the clear refusals. */
class BenchOptionsTest {

    private static BenchOptions parse(String... args) {
        return BenchOptions.parse(args);
    }

    @Test
    void byDefaultEveryPhaseRunsForOneFiftyTwoHundredAndAThousandClients() {
        BenchOptions options = parse();
        assertThat(options.clients()).containsExactly(1, 50, 200, 1000);
        assertThat(options.phases()).containsExactly("recovery", "relay", "heap");
        assertThat(options.policies()).containsExactly(Policy.values());
        assertThat(options.portBase()).isEqualTo(BenchOptions.DEFAULT_PORT_BASE);
        assertThat(options.seed()).isEmpty();
        assertThat(options.help()).isFalse();
    }

    @Test
    void quickMeansOneAndFiftyClients() {
        assertThat(parse("--quick").clients()).containsExactly(1, 50);
    }

    @Test
    void clientCountsPhasesPortsAndSeedAreTakenAsGiven() {
        BenchOptions options = parse("--clients", "200,1", "--phases", "heap,recovery", "--port-base", "40000",
                "--seed", "7");
        assertThat(options.clients()).containsExactly(200, 1);
        assertThat(options.phases()).containsExactly("recovery", "heap");
        assertThat(options.runs("relay")).isFalse();
        assertThat(options.portBase()).isEqualTo(40_000);
        assertThat(options.seed()).hasValue(7);
        assertThat(parse("-h").help()).isTrue();
    }

    @Test
    void policiesRunInTheTablesOrderWhateverTheOrderGiven() {
        assertThat(parse("--policies", "readiness-poll-1s,ours").policies())
                .containsExactly(Policy.OURS, Policy.READINESS_POLL_1S);
        assertThat(parse("--policies", "ours").policies()).containsExactly(Policy.OURS);
    }

    @Test
    void theDefaultPortBlockHoldsNoneOfTheDemosPorts() {
        assertThat(parse("--port-base", Integer.toString(BenchOptions.DEFAULT_PORT_BASE)).portBase()).isEqualTo(27_400);
    }

    @Test
    void badOptionsAreRefusedWithWhatIsWrong() {
        List<List<String>> cases = List.of(
                List.of("--fast"), List.of("--clients"), List.of("--clients", "--quick"), List.of("--clients", "ten"),
                List.of("--clients", "0"), List.of("--clients", "2001"), List.of("--clients", "50,50"),
                List.of("--clients", "1,"), List.of("--quick", "--clients", "1"), List.of("--phases", "recovery,soak"),
                List.of("--port-base", "80"), List.of("--port-base", "65530"), List.of("--seed", "1.5"),
                List.of("--policies", "ours,naive"), List.of("--policies"));
        for (List<String> args : cases) {
            assertThatThrownBy(() -> parse(args.toArray(String[]::new))).as(String.join(" ", args))
                    .isInstanceOf(IllegalArgumentException.class).message().isNotBlank();
        }
        assertThatThrownBy(() -> parse("--fast")).hasMessageContaining("unknown option \"--fast\"");
        assertThatThrownBy(() -> parse("--clients", "2001")).hasMessageContaining("between 1 and 2000");
        assertThatThrownBy(() -> parse("--quick", "--clients", "1")).hasMessageContaining("either --quick or --clients");
        assertThatThrownBy(() -> parse("--phases", "soak")).hasMessageContaining("recovery, relay, heap");
        assertThatThrownBy(() -> parse("--policies", "naive"))
                .hasMessageContaining("ours, socketio-backoff, readiness-poll-1s");
    }

    @Test
    void aPortBlockOverTheDemosPortsIsRefused() {
        assertThatThrownBy(() -> parse("--port-base", "8070")).hasMessageContaining("8080");
        assertThatThrownBy(() -> parse("--port-base", "8495")).hasMessageContaining("8500");
        assertThatThrownBy(() -> parse("--port-base", "9075")).hasMessageContaining("9080");
    }

    @Test
    void theUsageNamesEveryOptionAndTheExitCodes() {
        assertThat(BenchOptions.USAGE).contains("--clients", "--quick", "--policies", "--phases", "--port-base", "--seed",
                "2 bad usage", "3 a process could not be started");
    }
}
