package dev.reconnect.support.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain GETs to a server this test started on 127.0.0.1, as the services' tests ask their own ports. */
public final class LocalHttp {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    // Bounded so that a server that never answers fails the test instead of hanging the build.
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private LocalHttp() {
    }

    public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(request(port, path), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT).build();
    }
}
