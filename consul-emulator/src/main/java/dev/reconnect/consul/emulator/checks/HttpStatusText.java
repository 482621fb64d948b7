package dev.reconnect.consul.emulator.checks;

import java.util.Map;

/**
 * Go's {@code http.StatusText}: the JDK client does not expose the reason phrase the server sent,
 * and Consul's Output shows "200 OK" style text, so we supply the standard phrase.
 */
final class HttpStatusText {

    private static final Map<Integer, String> TEXT = Map.ofEntries(
            Map.entry(100, "Continue"), Map.entry(101, "Switching Protocols"),
            Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(202, "Accepted"),
            Map.entry(203, "Non-Authoritative Information"), Map.entry(204, "No Content"),
            Map.entry(205, "Reset Content"), Map.entry(206, "Partial Content"),
            Map.entry(300, "Multiple Choices"), Map.entry(301, "Moved Permanently"), Map.entry(302, "Found"),
            Map.entry(303, "See Other"), Map.entry(304, "Not Modified"), Map.entry(307, "Temporary Redirect"),
            Map.entry(308, "Permanent Redirect"),
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
            Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"), Map.entry(410, "Gone"),
            Map.entry(418, "I'm a teapot"), Map.entry(422, "Unprocessable Entity"), Map.entry(423, "Locked"),
            Map.entry(425, "Too Early"), Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"),
            Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"), Map.entry(505, "HTTP Version Not Supported"));

    private HttpStatusText() {
    }

    /** "200 OK", "503 Service Unavailable", or "599 status code 599" as Go writes unknown codes. */
    static String statusLine(int code) {
        String text = TEXT.get(code);
        return code + " " + (text != null ? text : "status code " + code);
    }
}
