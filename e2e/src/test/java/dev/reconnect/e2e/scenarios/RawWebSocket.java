package dev.reconnect.e2e.scenarios;

import dev.reconnect.support.testing.RawFrame;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written on a plain socket, for what well-behaved clients never do: send a
 * foreign Origin, upgrade and never say hello, say hello and then never read. It speaks just enough
 * of RFC 6455 for that: the upgrade request, masked text frames out, unmasked frames in.
 */
final class RawWebSocket implements AutoCloseable {
    /** What {@link #awaitClose} saw. */
    record Ending(Kind kind, int code, Instant at) {
        enum Kind { CLOSE_FRAME, CONNECTION_DROPPED, STILL_OPEN }

        @Override
        public String toString() {
            return switch (kind) {
                case CLOSE_FRAME -> "closed with " + code + " at " + at;
                case CONNECTION_DROPPED -> "connection dropped without a close frame at " + at;
                case STILL_OPEN -> "still open";
            };
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int status;
    private final Instant answeredAt;

    private RawWebSocket(Socket socket, DataInputStream in, int status, Instant answeredAt) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.status = status;
        this.answeredAt = answeredAt;
    }

    /**
     * Sends the upgrade request for {@code path} to 127.0.0.1:{@code port} (with {@code origin} unless
     * null) and reads the answer's head. {@code receiveBuffer} (if positive) shrinks the socket's
     * receive buffer before connecting, so that a reader that stops reading fills it quickly.
     */
    static RawWebSocket open(int port, String path, String origin, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(15_000);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String request = "GET " + path + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n")
                    + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 512));
            String head = readHead(in);
            String[] statusLine = head.lines().findFirst().orElse("").split(" ");
            int status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1;
            return new RawWebSocket(socket, in, status, Instant.now());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    int status() {
        return status;
    }

    Instant answeredAt() {
        return answeredAt;
    }

    /** Sends one masked text frame. */
    void sendText(String text) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        new RawFrame(RawFrame.TEXT, text.getBytes(StandardCharsets.UTF_8)).writeTo(out, mask);
    }

    /**
     * Reads (and drops) frames until a close frame, the end of the connection, or {@code timeout}
     * without either.
     */
    Ending awaitClose(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                return new Ending(Ending.Kind.STILL_OPEN, -1, null);
            }
            socket.setSoTimeout((int) left);
            try {
                RawFrame frame = RawFrame.read(in);
                if (frame.isClose()) {
                    return new Ending(Ending.Kind.CLOSE_FRAME, frame.closeCode(), Instant.now());
                }
            } catch (SocketTimeoutException e) {
                return new Ending(Ending.Kind.STILL_OPEN, -1, null);
            } catch (EOFException e) {
                return new Ending(Ending.Kind.CONNECTION_DROPPED, -1, Instant.now());
            } catch (IOException e) {
                if (socket.isClosed()) {
                    throw e;
                }
                return new Ending(Ending.Kind.CONNECTION_DROPPED, -1, Instant.now()); // reset by the peer
            }
        }
    }

    private static String readHead(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
            if (head.length() > 16_384) {
                throw new IOException("the answer's head is larger than 16 KiB");
            }
        }
        return head.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
