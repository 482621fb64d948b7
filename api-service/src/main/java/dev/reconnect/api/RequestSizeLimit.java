package dev.reconnect.api;

import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Limits;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request body far larger than any legal publish with 413, without reading it: at once when
 * its Content-Length says so, or as soon as a body without one (chunked) passes the limit.
 */
@Component
public class RequestSizeLimit extends OncePerRequestFilter {
    /**
     * Larger than any legal publish however its JSON is written: a body fits a 64 KiB frame, so it
     * has at most 64 Ki characters, and even written as 6-byte {@code \\uXXXX} escapes each, with its
     * key, that is under 400 KiB. The body's real limit, in frame bytes, is checked after parsing.
     */
    public static final long MAX_REQUEST_BYTES = 8L * Limits.MAX_FRAME_BYTES;

    /** A body without Content-Length that passed {@link #MAX_REQUEST_BYTES}; answered with 413. */
    public static final class TooLargeException extends IOException {
        TooLargeException() {
            super("request body is larger than " + MAX_REQUEST_BYTES + " bytes, far beyond any legal publish");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > MAX_REQUEST_BYTES) {
            response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            Json.MAPPER.writeValue(response.getOutputStream(), Map.of("error", "request body is " + length
                    + " bytes and the limit is " + MAX_REQUEST_BYTES + " bytes, far beyond any legal publish"));
            return;
        }
        chain.doFilter(length < 0 ? new Bounded(request) : request, response);
    }

    /** A request whose body stream fails with {@link TooLargeException} past the limit. */
    private static final class Bounded extends HttpServletRequestWrapper {
        private ServletInputStream stream;

        Bounded(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new BoundedStream(super.getInputStream());
            }
            return stream;
        }
    }

    private static final class BoundedStream extends ServletInputStream {
        private final ServletInputStream in;
        private long read;

        BoundedStream(ServletInputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws TooLargeException {
            read += n;
            if (read > MAX_REQUEST_BYTES) {
                throw new TooLargeException();
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
