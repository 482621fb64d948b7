package dev.reconnect.ws.stream;

import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.support.testing.RawFrame;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written by hand on a plain socket, so that a test decides when (and whether)
 * anything is read: with a small receive buffer and no reads, the server's writes stall in TCP.
 */
final class RawSocket implements AutoCloseable {
    /** What reading to the end found: frames seen, and the close code (-1: the connection ended without one). */
    record End(int frames, int closeCode) {}

    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;

    RawSocket(int port, int receiveBufferBytes) throws IOException {
        socket.setReceiveBufferSize(receiveBufferBytes);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response = readHeaders();
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + response);
        }
    }

    void send(Frame frame) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        new RawFrame(RawFrame.TEXT, FrameCodec.encode(frame).getBytes(StandardCharsets.UTF_8)).writeTo(out, mask);
    }

    /** Reads every frame until the server's close frame (or the end of the connection). */
    End readToEnd() throws IOException {
        int frames = 0;
        try {
            while (true) {
                RawFrame frame = RawFrame.read(in);
                frames++;
                if (frame.isClose()) {
                    return new End(frames, frame.closeCode());
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return new End(frames, -1);
        }
    }

    private String readHeaders() throws IOException {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended during the upgrade");
            }
            headers.append((char) b);
        }
        return headers.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
