package dev.reconnect.ws.lifecycle;

import dev.reconnect.protocol.log.PublishResult;
import dev.reconnect.ws.stream.FakeLog;

/** api-service's log in memory, holding {@code messages} messages, for a warm-up: which must only read. */
class ScriptedLog extends FakeLog {
    ScriptedLog(int messages) {
        for (int i = 1; i <= messages; i++) {
            append("message " + i);
        }
    }

    @Override
    public PublishResult publish(String key, String body) {
        throw new AssertionError("the warm-up must never publish");
    }
}
