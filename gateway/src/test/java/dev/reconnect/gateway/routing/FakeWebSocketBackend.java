package dev.reconnect.gateway.routing;

import dev.reconnect.support.testing.RawFrame;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WebSocket backend on raw sockets, so that a test can end a connection exactly as a killed
 * process, a reset or a misbehaving server would: with or without a close frame, with a given code,
 * with a frame of any size, and with or without still accepting connections afterwards.
 */
final class FakeWebSocketBackend implements AutoCloseable {
    interface Script {
        void run(Connection connection) throws IOException;
    }

    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)\\s*$");

    private final ServerSocket server;
    private final Script script;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private volatile boolean dying;

    FakeWebSocketBackend(Script script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        Thread acceptor = new Thread(this::accept, "fake-ws-backend-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int handshakes() {
        return handshakes.get();
    }

    /** As a killed process: nothing listens any more, and every open connection is reset. */
    void kill() {
        stopListening();
        resetEveryConnection();
    }

    /**
     * As a killed process while the kernel tears it down: every open connection is reset, yet the
     * listening socket still completes handshakes for a moment, with nobody left to answer on them.
     */
    void dieSlowly() {
        dying = true;
        resetEveryConnection();
    }

    /** Closed with a zero linger: the peer gets a reset, as from a process that no longer exists. */
    private void resetEveryConnection() {
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    void stopListening() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        kill();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread worker = new Thread(() -> serve(socket), "fake-ws-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        if (dying) {
            return; // connected, never answered, never closed: nobody is left to do either
        }
        try {
            String request = readHeaders(socket.getInputStream());
            Matcher key = KEY.matcher(request);
            if (!key.find()) {
                // The gateway's probe (GET /livez) or another plain request: an HTTP answer, as a live server gives.
                socket.getOutputStream().write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                socket.close();
                return;
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            handshakes.incrementAndGet();
            script.run(new Connection(socket));
        } catch (Exception e) {
            // the test ended the connection on purpose
        }
    }

    private static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            headers.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return headers.toString(StandardCharsets.US_ASCII);
    }

    final class Connection {
        private final Socket socket;
        private boolean closeSent;

        Connection(Socket socket) {
            this.socket = socket;
        }

        void sendText(String text) throws IOException {
            frame(RawFrame.TEXT, text.getBytes(StandardCharsets.UTF_8));
        }

        void sendClose(int code, String reason) throws IOException {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + text.length];
            payload[0] = (byte) (code >> 8);
            payload[1] = (byte) code;
            System.arraycopy(text, 0, payload, 2, text.length);
            frame(RawFrame.CLOSE, payload);
            closeSent = true;
        }

        /** Ends the connection without a close frame while the backend keeps accepting new ones. */
        void hangUp() throws IOException {
            socket.close();
        }

        /** As a killed process (see {@link FakeWebSocketBackend#kill()}). */
        void kill() {
            FakeWebSocketBackend.this.kill();
        }

        /** As a killed process still being torn down (see {@link FakeWebSocketBackend#dieSlowly()}). */
        void dieSlowly() {
            FakeWebSocketBackend.this.dieSlowly();
        }

        /** Reads the gateway's frames until its close frame, answers it with the same code and hangs up. */
        void echoCloseWhenAsked() throws IOException {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                RawFrame frame = RawFrame.read(in);
                if (frame.isClose()) {
                    if (!closeSent) {
                        frame(RawFrame.CLOSE, frame.payload());
                    }
                    socket.close();
                    return;
                }
            }
        }

        private void frame(int opcode, byte[] payload) throws IOException {
            new RawFrame(opcode, payload).writeTo(socket.getOutputStream(), null);
        }
    }
}
