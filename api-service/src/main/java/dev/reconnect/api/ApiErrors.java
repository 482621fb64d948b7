package dev.reconnect.api;

import dev.reconnect.api.log.BadRequestException;
import dev.reconnect.api.log.BodyTooLargeException;
import dev.reconnect.api.log.KeyConflictException;
import dev.reconnect.api.log.LogUnavailableException;
import dev.reconnect.api.log.TooManyWaitingReadsException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every error answer is {@code {"error": "<what is wrong>"}}; never a stack trace. */
@RestControllerAdvice
public class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(BadRequestException.class)
    ResponseEntity<Map<String, String>> badRequest(BadRequestException e) {
        return error(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestSizeLimit.TooLargeException tooLarge) {
                return error(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
            }
        }
        return error(HttpStatus.BAD_REQUEST, "body is not valid JSON of the form {\"key\": \"…\", \"body\": \"…\"}");
    }

    @ExceptionHandler(BodyTooLargeException.class)
    ResponseEntity<Map<String, String>> bodyTooLarge(BodyTooLargeException e) {
        return error(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
    }

    @ExceptionHandler(TooManyWaitingReadsException.class)
    ResponseEntity<Map<String, String>> tooManyWaitingReads(TooManyWaitingReadsException e) {
        return retryShortly(HttpStatus.TOO_MANY_REQUESTS, e.getMessage());
    }

    @ExceptionHandler(LogUnavailableException.class)
    ResponseEntity<Map<String, String>> logUnavailable(LogUnavailableException e) {
        return retryShortly(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }

    /** A publish not answered within the async timeout: it may yet be stored; the same key gets its seq. */
    @ExceptionHandler(AsyncRequestTimeoutException.class)
    ResponseEntity<Map<String, String>> timeout(AsyncRequestTimeoutException e) {
        return retryShortly(HttpStatus.SERVICE_UNAVAILABLE, "no answer in time; send it again with the same key");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, String>> mediaType(HttpMediaTypeNotSupportedException e) {
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, String>> method(HttpRequestMethodNotSupportedException e) {
        return error(HttpStatus.METHOD_NOT_ALLOWED, e.getMethod() + " is not supported here");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Map<String, String>> notFound(NoResourceFoundException e) {
        return error(HttpStatus.NOT_FOUND, "no such resource: /" + e.getResourcePath());
    }

    @ExceptionHandler(KeyConflictException.class)
    ResponseEntity<Map<String, String>> conflict(KeyConflictException e) {
        return error(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, String>> unexpected(Exception e) {
        log.error("Request failed unexpectedly", e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error; see the api-service log");
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("error", message));
    }

    /** An error worth retrying after a second. */
    private static ResponseEntity<Map<String, String>> retryShortly(HttpStatus status, String message) {
        return ResponseEntity.status(status).header(HttpHeaders.RETRY_AFTER, "1").body(Map.of("error", message));
    }
}
