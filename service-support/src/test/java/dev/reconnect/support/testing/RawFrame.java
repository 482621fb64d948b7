package dev.reconnect.support.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * One WebSocket frame (RFC 6455) read from or written to a plain socket, for tests that play one end of a
 * connection by hand: what they send and read is then exactly what the test says, byte by byte.
 */
public record RawFrame(int opcode, byte[] payload) {
    public static final int TEXT = 0x1;
    public static final int CLOSE = 0x8;
    /** The code a close frame without a payload stands for: no code was given. */
    public static final int NO_CODE = 1005;

    /** Reads the next frame, its payload unmasked if the sender masked it; an {@code EOFException} at the end. */
    public static RawFrame read(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        boolean masked = (second & 0x80) != 0;
        byte[] mask = new byte[4];
        if (masked) {
            in.readFully(mask);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
        }
        return new RawFrame(first & 0x0F, payload);
    }

    public boolean isClose() {
        return opcode == CLOSE;
    }

    /** The code of a close frame: its first two bytes, {@link #NO_CODE} when it has none. */
    public int closeCode() {
        return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : NO_CODE;
    }

    /**
     * Writes this frame as a final one in a single write: masked with {@code mask} as a client must, or plain as
     * a server sends when {@code mask} is null.
     */
    public void writeTo(OutputStream out, byte[] mask) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        int maskBit = mask == null ? 0 : 0x80;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >> shift));
            }
        }
        if (mask == null) {
            frame.write(payload);
        } else {
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
        }
        out.write(frame.toByteArray());
        out.flush();
    }
}
