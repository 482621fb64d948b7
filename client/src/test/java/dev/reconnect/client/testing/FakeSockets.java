package dev.reconnect.client.testing;

import dev.reconnect.client.transport.HandshakeRejectedException;
import dev.reconnect.client.transport.TransportListener;
import dev.reconnect.client.transport.WebSocketConnection;
import dev.reconnect.client.transport.WebSocketTransport;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** A scripted WebSocket transport: each connect yields a {@link Conn} the test plays the server on. */
public final class FakeSockets implements WebSocketTransport {
    private final List<Conn> connections = new ArrayList<>();
    private Consumer<Conn> onConnect = conn -> { };

    @Override
    public WebSocketConnection connect(URI uri, Duration connectTimeout, TransportListener listener) {
        if (connections.size() > 10_000) {
            throw new AssertionError("too many connect attempts (tight loop?)");
        }
        Conn conn = new Conn(uri, listener);
        connections.add(conn);
        onConnect.accept(conn);
        return conn;
    }

    /** What to do as soon as the client connects (default: nothing; the test drives the connection). */
    public void onConnect(Consumer<Conn> behaviour) {
        this.onConnect = behaviour;
    }

    public List<Conn> connections() {
        return connections;
    }

    public int count() {
        return connections.size();
    }

    public Conn last() {
        if (connections.isEmpty()) {
            throw new AssertionError("no connect attempt was made");
        }
        return connections.get(connections.size() - 1);
    }

    /** The server side of one fake connection. */
    public static final class Conn implements WebSocketConnection {
        public final URI uri;
        private final TransportListener listener;
        private final List<String> sent = new ArrayList<>();
        private boolean aborted;
        private Integer closeCode;

        Conn(URI uri, TransportListener listener) {
            this.uri = uri;
            this.listener = listener;
        }

        // ---- the client's side ----
        @Override
        public void send(String text) {
            sent.add(text);
        }

        @Override
        public void close(int code, String reason) {
            closeCode = code;
        }

        @Override
        public void abort() {
            aborted = true;
        }

        // ---- inspection ----
        public List<Frame> sentFrames() {
            return sent.stream().map(FrameCodec::decode).collect(Collectors.toList());
        }

        public <T extends Frame> List<T> sent(Class<T> type) {
            return sentFrames().stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
        }

        public boolean aborted() {
            return aborted;
        }

        public Integer closedByClientWith() {
            return closeCode;
        }

        // ---- the server's side ----
        public Conn open() {
            listener.onOpen();
            return this;
        }

        /** A welcome that resumes where the client's hello asked, as a server with that head does. */
        public Conn welcome(long head, long heartbeatMillis) {
            List<Frame.Hello> hellos = sent(Frame.Hello.class);
            long asked = hellos.isEmpty() ? 0 : hellos.get(hellos.size() - 1).lastSeq();
            return send(new Frame.Welcome("ws-1", head, asked, heartbeatMillis));
        }

        /** A welcome whose server clamped the resume position (its log's head went backwards). */
        public Conn welcomeResumingFrom(long head, long resumeFrom) {
            return send(new Frame.Welcome("ws-1", head, resumeFrom, 1000));
        }

        /** open + welcome with a 1 s heartbeat. */
        public Conn accept(long head) {
            return open().welcome(head, 1000);
        }

        public Conn send(Frame frame) {
            listener.onText(FrameCodec.encode(frame));
            return this;
        }

        public Conn message(long seq) {
            return send(new Frame.Message(seq, "body " + seq, 0));
        }

        public Conn raw(String text) {
            listener.onText(text);
            return this;
        }

        public Conn ping() {
            return send(new Frame.Ping(0));
        }

        public void serverClose(int code, String reason) {
            listener.onClosed(code, reason);
        }

        public void refuse() {
            listener.onFailure(new ConnectException("Connection refused"));
        }

        public void rejectUpgrade(int status) {
            listener.onFailure(new HandshakeRejectedException(status));
        }
    }
}
