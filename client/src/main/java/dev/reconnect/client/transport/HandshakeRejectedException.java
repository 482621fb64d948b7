package dev.reconnect.client.transport;

import java.io.IOException;

/** The server answered the upgrade request with something other than 101. */
public class HandshakeRejectedException extends IOException {
    private final int status;

    public HandshakeRejectedException(int status) {
        super("upgrade refused with HTTP " + status);
        this.status = status;
    }

    /** The HTTP status of the answer, or -1 when unknown. */
    public int status() {
        return status;
    }
}
