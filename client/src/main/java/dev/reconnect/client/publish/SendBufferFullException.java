package dev.reconnect.client.publish;

/** {@code send} was refused because the client already holds its maximum of un-acknowledged publishes. */
public class SendBufferFullException extends RuntimeException {
    public SendBufferFullException(int capacity) {
        super("send buffer full: " + capacity + " publishes are waiting for an ack; this one was not sent");
    }
}
