package dev.reconnect.support.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain GETs to a server this test started on 127.0.0.1, as the services' tests ask their own ports. */
public final class LocalHttp {
    // Bounded so that a server that never answers fails the test instead of hanging the build.
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private LocalHttp() {
    }

    /**
     * A client of its own per request, HTTP/1.1: one client shared by every test class of a module kept idle
     * connections to the servers of test contexts since closed, and a later server given the same random port
     * met a request on such a connection that nobody answered (a 30 s timeout in a full module run).
     */
    public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return http.send(request(port, path), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT).build();
    }
}
