package dev.reconnect.client.it;

import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.ProtocolException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A test-only ws-service: Hello → Welcome, backlog after lastSeq, then live messages, a Ping every
 * heartbeat, an Ack per Publish. {@link #stopGracefully()} closes every session with 1001 "restarting".
 * With {@code dead = true} it plays a gateway whose backend is gone: 101, then close 1002 at once.
 */
final class TestWsServer extends WebSocketServer {
    static final long HEARTBEAT_MILLIS = 200;

    private final TestLog log;
    private final boolean dead;
    private final String instance;
    private final CountDownLatch started = new CountDownLatch(1);
    private final Set<WebSocket> live = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
    final List<Long> hellos = new CopyOnWriteArrayList<>();
    final List<String> connections = new CopyOnWriteArrayList<>();

    TestWsServer(int port, TestLog log, boolean dead, String instance) {
        super(new InetSocketAddress("127.0.0.1", port));
        this.log = log;
        this.dead = dead;
        this.instance = instance;
        setReuseAddr(true);
        setConnectionLostTimeout(0);
    }

    static TestWsServer start(int port, TestLog log, boolean dead, String instance) throws InterruptedException {
        TestWsServer server = new TestWsServer(port, log, dead, instance);
        server.start();
        if (!server.started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("server did not start");
        }
        if (!dead) {
            log.onAppend(seq -> server.deliverLive());
        }
        server.pinger.scheduleAtFixedRate(server::pingAll, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        return server;
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        connections.add(handshake.getResourceDescriptor());
        if (dead) {
            conn.close(CloseCodes.PROTOCOL_ERROR, "");
        }
    }

    @Override
    public void onMessage(WebSocket conn, String text) {
        Frame frame;
        try {
            frame = FrameCodec.decode(text);
        } catch (ProtocolException e) {
            conn.send(FrameCodec.encode(new Frame.Error(e.code(), e.getMessage(), null)));
            return;
        }
        if (frame instanceof Frame.Hello hello) {
            hellos.add(hello.lastSeq());
            synchronized (log) {
                conn.send(FrameCodec.encode(new Frame.Welcome(instance, log.head(), hello.lastSeq() + 1, HEARTBEAT_MILLIS)));
                long sent = hello.lastSeq();
                for (TestLog.Entry entry : log.after(hello.lastSeq())) {
                    conn.send(FrameCodec.encode(new Frame.Message(entry.seq(), entry.body(), 0)));
                    sent = entry.seq();
                }
                conn.setAttachment(sent);
                live.add(conn);
            }
        } else if (frame instanceof Frame.Publish publish) {
            long seq = log.append(publish.key(), publish.body());
            conn.send(FrameCodec.encode(new Frame.Ack(publish.key(), seq)));
        } else {
            conn.send(FrameCodec.encode(new Frame.Error(ErrorCodes.UNEXPECTED, "unexpected " + frame.type(), null)));
        }
    }

    /** Sends every session what it has not had yet, in order (called under the log's lock). */
    private void deliverLive() {
        for (WebSocket conn : live) {
            long sent = conn.<Long>getAttachment();
            for (TestLog.Entry entry : log.after(sent)) {
                if (conn.isOpen()) {
                    conn.send(FrameCodec.encode(new Frame.Message(entry.seq(), entry.body(), 0)));
                }
                sent = entry.seq();
            }
            conn.setAttachment(sent);
        }
    }

    private void pingAll() {
        for (WebSocket conn : live) {
            if (conn.isOpen()) {
                try {
                    conn.send(FrameCodec.encode(new Frame.Ping(System.currentTimeMillis())));
                } catch (RuntimeException e) {
                    // closing
                }
            }
        }
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        live.remove(conn);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        // test server: nothing to do
    }

    void stopGracefully() throws InterruptedException {
        pinger.shutdownNow();
        synchronized (log) {
            log.onAppend(seq -> { });
            for (WebSocket conn : getConnections()) {
                conn.close(CloseCodes.GOING_AWAY, CloseCodes.REASON_RESTARTING);
            }
            live.clear();
        }
        stop(2000);
    }
}
