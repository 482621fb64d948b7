package dev.reconnect.client.publish;

/** The server refused a publish with an Error frame naming its key. */
public class PublishRejectedException extends RuntimeException {
    private final String code;
    private final String key;

    public PublishRejectedException(String code, String message, String key) {
        super("publish " + key + " refused by the server (" + code + "): " + message);
        this.code = code;
        this.key = key;
    }

    /** One of {@link dev.reconnect.protocol.ErrorCodes}. */
    public String code() {
        return code;
    }

    public String key() {
        return key;
    }
}
