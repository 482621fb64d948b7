package dev.reconnect.protocol;

/** A frame that cannot be understood. The message is fit to show to the peer as it is. */
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
