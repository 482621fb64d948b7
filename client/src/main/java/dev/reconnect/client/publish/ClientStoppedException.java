package dev.reconnect.client.publish;

/** The client was closed, or failed, before the publish was acknowledged. */
public class ClientStoppedException extends RuntimeException {
    public ClientStoppedException(String message) {
        super(message);
    }
}
