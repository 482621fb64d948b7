package dev.reconnect.devkit.bench;

import dev.reconnect.protocol.Frame;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A group of plain {@link ProtocolSocket}s to one address, none of which reconnects: a socket that ends
 * counts as lost, which fails a measurement rather than skewing it.
 */
final class Sockets implements AutoCloseable {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);

    private final List<ProtocolSocket> sockets = new ArrayList<>();
    private final AtomicInteger welcomed = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final List<String> endings = new ArrayList<>();
    private final String what;

    private Sockets(String what) {
        this.what = what;
    }

    /**
     * Opens {@code count} sockets to {@code uri}, each saying hello with {@code lastSeq}; {@code receivers}
     * gives socket i what to do with each message. Returns once every socket is welcomed.
     */
    static Sockets open(String what, HttpClient http, URI uri, int count, long lastSeq, IntFunction<Receiver> receivers) {
        Sockets group = new Sockets(what);
        try {
            for (int i = 0; i < count; i++) {
                Receiver receiver = receivers.apply(i);
                group.sockets.add(ProtocolSocket.open(http, uri, lastSeq, OPEN_TIMEOUT, group.handler(receiver)));
            }
            Waits.until(count + " " + what + " to be welcomed", OPEN_TIMEOUT,
                    () -> group.welcomed.get() + group.ended.get() >= count, group::state);
            group.requireNoneEnded();
            return group;
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /** What a socket does with each message it receives. */
    interface Receiver {
        void message(Frame.Message message, long receivedAtMicros);
    }

    void requireNoneEnded() {
        if (ended.get() > 0) {
            synchronized (endings) {
                throw new BenchException(ended.get() + " of " + sockets.size() + " " + what + " ended: " + endings.get(0));
            }
        }
    }

    private ProtocolSocket.Handler handler(Receiver receiver) {
        return new ProtocolSocket.Handler() {
            @Override
            public void welcome(Frame.Welcome welcome) {
                welcomed.incrementAndGet();
            }

            @Override
            public void message(Frame.Message message, long receivedAtMicros) {
                receiver.message(message, receivedAtMicros);
            }

            @Override
            public void ended(String why) {
                synchronized (endings) {
                    endings.add(why);
                }
                ended.incrementAndGet();
            }
        };
    }

    private String state() {
        return welcomed.get() + " welcomed, " + ended.get() + " ended";
    }

    @Override
    public void close() {
        sockets.forEach(ProtocolSocket::close);
    }
}
