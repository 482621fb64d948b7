package dev.reconnect.client.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a connect attempt did not end with a Welcome. Counted as a failure by the client's circuit
 * breaker ("failed upgrade": readiness said ready, yet the socket could not be opened).
 */
public final class ConnectFailure extends RuntimeException {

    /** The kinds of failure; {@link #tag()} is the metric tag. */
    public enum Kind {
        REFUSED,
        HANDSHAKE,
        CLOSED_BEFORE_WELCOME,
        TIMEOUT,
        IO;

        /** The constant's name in lower case: one spelling rule, not a second hand-kept name. */
        private final String tag = name().toLowerCase(Locale.ROOT);

        public String tag() {
            return tag;
        }
    }

    private final Kind kind;

    public ConnectFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Classifies an exception reported by a transport while connecting. */
    public static ConnectFailure of(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof ConnectFailure failure) {
            return failure;
        }
        if (cause instanceof HandshakeRejectedException rejected) {
            return new ConnectFailure(Kind.HANDSHAKE, rejected.getMessage());
        }
        if (cause instanceof HttpTimeoutException) {
            return new ConnectFailure(Kind.TIMEOUT, "timed out");
        }
        if (cause instanceof ConnectException) {
            return new ConnectFailure(Kind.REFUSED, "connection refused");
        }
        if (cause instanceof UnresolvedAddressException) {
            return new ConnectFailure(Kind.REFUSED, "host cannot be resolved");
        }
        return new ConnectFailure(Kind.IO, describe(cause));
    }

    /** A short human description of an I/O error, e.g. "connection refused". */
    public static String describe(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        if (cause instanceof HttpTimeoutException) {
            return "timed out";
        }
        if (cause instanceof UnresolvedAddressException) {
            return "host cannot be resolved";
        }
        String message = cause.getMessage();
        String type = cause.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return cause instanceof IOException ? "I/O error (" + type + ")" : type;
        }
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }

    public static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        // The JDK wraps "connection refused" in an IOException with a ConnectException cause.
        if (current instanceof IOException && !(current instanceof ConnectException)
                && current.getCause() instanceof ConnectException connect) {
            return connect;
        }
        return current;
    }
}
