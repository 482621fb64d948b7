package dev.reconnect.gateway.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A TCP connect with a short timeout: enough to tell a killed process from a live one. */
public class TcpInstanceProber implements InstanceProber {
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "instance-probe");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public CompletableFuture<Boolean> accepts(Instance instance) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(instance.host(), instance.port()), (int) TIMEOUT.toMillis());
                return true;
            } catch (IOException e) {
                return false;
            }
        }, executor);
    }
}
