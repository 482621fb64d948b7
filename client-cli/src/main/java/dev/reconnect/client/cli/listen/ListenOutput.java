package dev.reconnect.client.cli.listen;

import dev.reconnect.client.ClientListener;

/** Prints the events of all clients of one {@code listen}, and the periodic totals. */
public interface ListenOutput extends ClientListener {

    /** Periodic totals; {@code last} for the one printed at exit. */
    void stats(Aggregate aggregate, boolean last);
}
