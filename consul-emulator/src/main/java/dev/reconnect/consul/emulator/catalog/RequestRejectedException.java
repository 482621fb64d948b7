package dev.reconnect.consul.emulator.catalog;

/**
 * A request the agent refuses, with the status and the one-line text Consul would answer.
 * Thrown before anything changes, so a rejected request leaves no trace.
 */
public final class RequestRejectedException extends RuntimeException {

    /** Which kind of refusal; the HTTP layer maps it to a status code. */
    public enum Kind {
        BAD_REQUEST(400),
        /** ACL refusals: "ACL not found" for an unknown token, "Permission denied: ..." for a missing right. */
        FORBIDDEN(403),
        NOT_FOUND(404),
        /** Consul answers some misuse (a pass on a non-TTL check) with 500; we keep that. */
        SERVER_ERROR(500);

        private final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Kind kind;

    public RequestRejectedException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public static RequestRejectedException badRequest(String message) {
        return new RequestRejectedException(Kind.BAD_REQUEST, message);
    }

    public static RequestRejectedException forbidden(String message) {
        return new RequestRejectedException(Kind.FORBIDDEN, message);
    }

    public static RequestRejectedException notFound(String message) {
        return new RequestRejectedException(Kind.NOT_FOUND, message);
    }

    public Kind kind() {
        return kind;
    }
}
