package dev.reconnect.ws.stream;

import dev.reconnect.protocol.Frame;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** An application-level ping on every started session, so clients can detect a half-open link. */
@Component
class Heartbeats {
    private final StreamHandler handler;

    Heartbeats(StreamHandler handler) {
        this.handler = handler;
    }

    @Scheduled(fixedRateString = "${ws.heartbeat-interval:2s}")
    void ping() {
        Frame.Ping ping = new Frame.Ping(System.currentTimeMillis());
        for (Subscriber subscriber : handler.subscribers()) {
            if (subscriber.started()) {
                subscriber.send(ping);
            }
        }
    }
}
