package dev.reconnect.client.cli;

/** The CLI's exit codes (also listed in {@code --help}). */
public final class ExitCodes {
    /** The command ended normally: its duration or count was reached, or it was interrupted (SIGINT/SIGTERM). */
    public static final int OK = 0;
    /** A client failed (terminal close code or gave up), a publish was refused for good, or an unexpected error. */
    public static final int CLIENT_FAILED = 1;
    /** Bad usage: unknown option, bad option value. */
    public static final int USAGE = 2;
    /** {@link #USAGE} in every command's {@code --help}. */
    public static final String USAGE_LINE = "2:bad usage (unknown option or bad option value)";

    private ExitCodes() {}
}
