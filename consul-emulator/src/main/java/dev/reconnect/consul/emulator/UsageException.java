package dev.reconnect.consul.emulator;

/** A command line that cannot be run; the message is the one line shown to the user. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message, null, false, false);
    }
}
