package dev.reconnect.gateway.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A TCP connect with a short timeout: enough to tell a killed process from a live one.
 *
 * <p>One probe per address at a time, shared by everyone who asks meanwhile: when hundreds of
 * proxied sessions end together, hundreds of simultaneous connects would fill the instance's accept
 * queue (a frozen or busy process accepts nothing for a moment) and time out, making a live instance
 * look dead.
 */
public class TcpInstanceProber implements InstanceProber {
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "instance-probe");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();
    private final Predicate<Instance> connect;

    public TcpInstanceProber() {
        this(TcpInstanceProber::connects);
    }

    TcpInstanceProber(Predicate<Instance> connect) {
        this.connect = connect;
    }

    @Override
    public CompletableFuture<Boolean> accepts(Instance instance) {
        CompletableFuture<Boolean> started = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inFlight.putIfAbsent(instance.address(), started);
        if (running != null) {
            return running;
        }
        executor.execute(() -> {
            boolean accepts;
            try {
                accepts = connect.test(instance);
            } catch (RuntimeException e) {
                accepts = false;
            }
            inFlight.remove(instance.address(), started);
            started.complete(accepts);
        });
        return started;
    }

    private static boolean connects(Instance instance) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(instance.host(), instance.port()), (int) TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
