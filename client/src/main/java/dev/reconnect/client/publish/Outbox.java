package dev.reconnect.client.publish;

import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The bounded set of publishes without an Ack, in the order they were given. Capacity is reserved
 * at once in the caller's thread ({@link #tryReserve()}), so an overflow fails immediately; the
 * rest is used only on the client's event loop.
 */
public final class Outbox {
    private final int capacity;
    private final Supplier<String> keys;
    private final AtomicInteger reserved = new AtomicInteger();
    private final Map<String, PendingPublish> pending = new LinkedHashMap<>();

    public Outbox(int capacity) {
        this(capacity, () -> UUID.randomUUID().toString());
    }

    public Outbox(int capacity, Supplier<String> keys) {
        if (capacity < 1) {
            throw new IllegalArgumentException("send buffer size must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.keys = keys;
    }

    public int capacity() {
        return capacity;
    }

    /** Publishes held (waiting to be sent or for their Ack); safe to read from any thread. */
    public int size() {
        return reserved.get();
    }

    /** Takes one place, or returns false when full. Every successful call must be followed by {@link #add} or {@link #release}. */
    public boolean tryReserve() {
        while (true) {
            int current = reserved.get();
            if (current >= capacity) {
                return false;
            }
            if (reserved.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    public void release() {
        reserved.decrementAndGet();
    }

    /**
     * A fresh unique key; safe from any thread. Drawn before {@link #add} so that the caller can check
     * the exact frame the key will travel in.
     */
    public String newKey() {
        return keys.get();
    }

    /**
     * A fresh key for {@code body}, after the very check the server makes on the very frame it will
     * see: a body it refuses would otherwise sit here and be resent after every reconnect, forever.
     *
     * @throws IllegalArgumentException with the server's reason
     */
    public String newKeyFor(String body) {
        if (body == null) {
            throw new IllegalArgumentException("body must not be null");
        }
        String key = newKey();
        try {
            FrameCodec.requirePublishable(key, body);
        } catch (ProtocolException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return key;
    }

    /** Adds a publish into a reserved place, under a fresh unique key. */
    public PendingPublish add(String body, CompletableFuture<Long> future) {
        return add(newKey(), body, future);
    }

    /** Adds a publish into a reserved place, under {@code key} (from {@link #newKey()}). */
    public PendingPublish add(String key, String body, CompletableFuture<Long> future) {
        PendingPublish publish = new PendingPublish(key, body, future);
        pending.put(publish.key(), publish);
        return publish;
    }

    /** The publish with {@code key} if it still waits for its Ack. */
    public Optional<PendingPublish> get(String key) {
        return Optional.ofNullable(pending.get(key));
    }

    /** Completes the publish with {@code key} with {@code seq}; empty when the key is unknown (e.g. a late second ack). */
    public Optional<PendingPublish> ack(String key, long seq) {
        return settle(key, future -> future.complete(seq));
    }

    /** Fails the publish with {@code key}; empty when the key is unknown. */
    public Optional<PendingPublish> reject(String key, Throwable error) {
        return settle(key, future -> future.completeExceptionally(error));
    }

    /** Takes the publish with {@code key} out, frees its place, then completes its future by {@code outcome}. */
    private Optional<PendingPublish> settle(String key, Consumer<CompletableFuture<Long>> outcome) {
        PendingPublish publish = pending.remove(key);
        if (publish == null) {
            return Optional.empty();
        }
        reserved.decrementAndGet();
        outcome.accept(publish.future());
        return Optional.of(publish);
    }

    /** Everything without an Ack, oldest first: what to (re)send on a new connection. */
    public List<PendingPublish> unacked() {
        return new ArrayList<>(pending.values());
    }

    public void failAll(Throwable error) {
        List<PendingPublish> all = unacked();
        pending.clear();
        for (PendingPublish publish : all) {
            reserved.decrementAndGet();
            publish.future().completeExceptionally(error);
        }
    }
}
