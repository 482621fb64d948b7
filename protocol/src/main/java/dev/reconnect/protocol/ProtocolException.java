package dev.reconnect.protocol;

/**
 * A frame, or a value in one, that the protocol's rules refuse. The code is one of {@link ErrorCodes}, the one
 * the peer is told in its error frame; the message is fit to show to the peer as it is.
 */
public class ProtocolException extends RuntimeException {
    private final String code;

    public ProtocolException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** One of {@link ErrorCodes}. */
    public String code() {
        return code;
    }
}
