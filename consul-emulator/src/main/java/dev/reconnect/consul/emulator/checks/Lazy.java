package dev.reconnect.consul.emulator.checks;

import java.util.function.Supplier;

/** A value created on first use, once, however many check threads ask for it at the same time. */
final class Lazy<T> {

    private final Supplier<T> create;
    private volatile T value;

    Lazy(Supplier<T> create) {
        this.create = create;
    }

    T get() {
        T current = value;
        if (current == null) {
            synchronized (this) {
                if (value == null) {
                    value = create.get();
                }
                current = value;
            }
        }
        return current;
    }
}
