package dev.reconnect.devkit.bench;

/** A way of reconnecting after the server went away: the project's client, or a baseline the bench carries. */
enum Policy {
    /** The client CLI (client-cli/target/client-cli.jar) as the scenario engine runs it: readiness long-poll, spread connects. */
    OURS("ours", "our client"),
    /** socket.io's defaults: reconnect blindly after 1 s × 2ⁿ ±50 %, at most 5 s; no readiness ({@link SocketIoBackoff}). */
    SOCKET_IO_BACKOFF("socketio-backoff", "socket.io backoff"),
    /**
     * Ask {@code GET /readiness} at once and then every second, connect when it says ready: how Vite's
     * client waits for a restarted dev server (a ping every 1000 ms), here against the gateway's readiness.
     */
    READINESS_POLL_1S("readiness-poll-1s", "1 s readiness poll");

    private final String id;
    private final String label;

    Policy(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** The name in the JSON and in file names. */
    String id() {
        return id;
    }

    /** The name in the table and the chart. */
    String label() {
        return label;
    }
}
