package dev.reconnect.gateway.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Asks the instance for {@code GET /livez} and takes any HTTP answer, whatever its status, as "alive".
 * A TCP connect alone is not enough: while a killed process is being torn down, the kernel still
 * completes handshakes on its listening socket for a moment after its connections have ended (seen:
 * ~50 ms on a loaded machine, long enough for a dozen "alive" verdicts on a dead instance), and a
 * stopped (SIGSTOP) process accepts connections it will never serve.
 */
public class HttpInstanceProber implements InstanceProber {
    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(1);
    private static final byte[] HTTP = "HTTP/".getBytes(StandardCharsets.US_ASCII);

    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "instance-probe");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public CompletableFuture<Boolean> accepts(Instance instance) {
        return CompletableFuture.supplyAsync(() -> answers(instance), executor);
    }

    private static boolean answers(Instance instance) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(instance.host(), instance.port()), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) ANSWER_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /livez HTTP/1.1\r\nHost: " + instance.host() + ":" + instance.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return Arrays.equals(in.readNBytes(HTTP.length), HTTP);
        } catch (IOException e) {
            return false;
        }
    }
}
