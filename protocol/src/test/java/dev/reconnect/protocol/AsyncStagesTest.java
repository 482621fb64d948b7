package dev.reconnect.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On two CPUs, CompletableFuture would start a thread for every asynchronous stage (the JDK's HttpClient
 * completes each sendAsync that way); every main's first step makes them run on the common pool. Checked in a
 * fresh JVM that sees two CPUs, since the setting only counts before CompletableFuture is first used.
 */
class AsyncStagesTest {

    @Test
    void onTwoCpusAsynchronousStagesRunOnTheCommonPool() throws Exception {
        assertThat(probe(List.of("-XX:ActiveProcessorCount=2"))).isEqualTo(ForkJoinPool.class.getName());
    }

    @Test
    void anExplicitSettingWinsAndAParallelismOfOneStartsAThreadPerStage() throws Exception {
        // A parallelism of 1 is what the JDK derives on two CPUs: what the first step avoids.
        assertThat(probe(List.of("-XX:ActiveProcessorCount=2", "-D" + AsyncStages.COMMON_POOL_PARALLELISM + "=1")))
                .endsWith("ThreadPerTaskExecutor");
    }

    private static String probe(List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AsyncStagesProbe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            return output;
        } finally {
            process.destroyForcibly();
        }
    }
}
