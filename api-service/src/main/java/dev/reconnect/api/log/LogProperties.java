package dev.reconnect.api.log;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the message log ({@code log.*}).
 *
 * @param durability      when a publish is answered: {@code fsync} (default) once its batch is forced
 *                        to the storage device, so it survives a power loss; {@code write} once it is
 *                        handed to the operating system, so it survives a crash of this process but
 *                        not of the machine
 * @param maxWaitingReads long-polls ({@code GET /api/messages?wait=…}) held at once; one more is
 *                        refused with 429 and {@code Retry-After: 1}
 * @param maxBatch        most publishes stored by one transaction (and one force to the device)
 */
@ConfigurationProperties("log")
public record LogProperties(@DefaultValue("fsync") Durability durability,
                            @DefaultValue("1000") int maxWaitingReads,
                            @DefaultValue("256") int maxBatch) {

    public enum Durability {
        /** Answered once forced to the device (FileChannel.force): survives a power loss. */
        FSYNC,
        /** Answered once written to the operating system: survives a process crash, not a power loss. */
        WRITE
    }

    public LogProperties {
        if (maxWaitingReads < 0) {
            throw new IllegalArgumentException("log.max-waiting-reads must not be negative");
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("log.max-batch must be at least 1");
        }
    }
}
