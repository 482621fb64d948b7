package dev.reconnect.client.policy;

/** Whether the circuit breaker around connect attempts lets one through. */
public enum BreakerState {
    /** Connects are allowed. */
    CLOSED,
    /** Failed upgrades in a row: connects are refused until the open wait is over. */
    OPEN,
    /** The open wait is over: one trial connect decides between CLOSED and OPEN again. */
    HALF_OPEN
}
