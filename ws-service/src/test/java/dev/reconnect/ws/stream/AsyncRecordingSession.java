package dev.reconnect.ws.stream;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * A session whose JSR-356 asynchronous sends complete only when the test says so: a client that
 * reads exactly as fast as the test lets it.
 */
final class AsyncRecordingSession extends RecordingSession implements NativeWebSocketSession {
    record Write(String text, SendHandler handler) {
        void complete() {
            handler.onResult(new SendResult());
        }

        void fail(Throwable error) {
            handler.onResult(new SendResult(error));
        }
    }

    final BlockingQueue<Write> writes = new LinkedBlockingQueue<>();
    /** When true, every write completes at once on the caller's thread (a fast local socket). */
    volatile boolean completeInline;
    private final Map<String, Object> userProperties = new ConcurrentHashMap<>();
    private final Session nativeSession;

    AsyncRecordingSession() {
        RemoteEndpoint.Async async = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendText") && args.length == 2 && args[1] instanceof SendHandler handler) {
                        Write write = new Write((String) args[0], handler);
                        if (completeInline) {
                            sent.add(write.text());
                            write.complete();
                        } else {
                            writes.add(write);
                        }
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        nativeSession = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> async;
                    case "getUserProperties" -> userProperties;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Override
    public Object getNativeSession() {
        return nativeSession;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getNativeSession(Class<T> requiredType) {
        return requiredType.isInstance(nativeSession) ? (T) nativeSession : null;
    }
}
