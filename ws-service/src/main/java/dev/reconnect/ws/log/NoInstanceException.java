package dev.reconnect.ws.log;

/**
 * The load balancer had no instance of the log service to send to: the registry names none and no
 * instance has answered before. Nothing was sent.
 */
public class NoInstanceException extends IllegalStateException {
    public NoInstanceException(String message, Throwable cause) {
        super(message, cause);
    }
}
