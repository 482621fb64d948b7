// policy.js: when to try again and whether a connect may go out, the browser's copy of the Java
// client's ConnectPolicy: full-jitter backoff, give-up after N failed attempts, and a circuit breaker
// around connects with Resilience4j's semantics as ConnectPolicy configures it (count-based window of
// `failures` calls, 100 % failure rate, one trial call when half-open, no automatic OPEN → HALF_OPEN:
// a trial connect goes out only when readiness says so, never on a timer of its own).

/** Whether the circuit breaker around connect attempts lets one through (BreakerState). */
export const BreakerState = Object.freeze({
  /** Connects are allowed. */
  CLOSED: 'CLOSED',
  /** Failed upgrades in a row: connects are refused until the open wait is over. */
  OPEN: 'OPEN',
  /** The open wait is over: one trial connect decides between CLOSED and OPEN again. */
  HALF_OPEN: 'HALF_OPEN',
});

/**
 * Exponential backoff with full jitter: attempt n (from 1) waits a uniformly random time in
 * [0, min(max, initial × multiplier^(n-1))], minus what the failed attempt already waited (a long-poll
 * held for 30 s), but never less than the hinted minimum (Retry-After), which may exceed the cap.
 */
export function backoffDelay(attempt, config, random, hint = {}) {
  const ceiling = Math.min(config.backoffMaxMs,
      config.backoffInitialMs * Math.pow(config.backoffMultiplier, Math.max(0, attempt - 1)));
  let delay = Math.floor(random() * (ceiling + 1));
  delay = Math.max(0, delay - (hint.alreadyWaitedMs || 0));
  return Math.max(delay, hint.minimumMs || 0);
}

/**
 * The circuit breaker. Every granted tryAcquire() must end in succeeded(), failed() or released().
 *
 * @param {{failures: number, openWaitMs: number, now: () => number}} options
 */
export function createBreaker({ failures, openWaitMs, now }) {
  let state = BreakerState.CLOSED;
  let failuresInARow = 0;   // a count window of `failures` calls at 100 %: the last N all failed
  let openedAt = 0;
  let acquired = false;     // a granted call has not ended yet
  let trialOut = false;     // HALF_OPEN's one permitted call is out

  function open() {
    state = BreakerState.OPEN;
    openedAt = now();
    trialOut = false;
  }

  return {
    get state() { return state; },

    /** Asks for one connect; false while OPEN (before the wait is over) or while HALF_OPEN's trial is out. */
    tryAcquire() {
      if (state === BreakerState.OPEN) {
        // Strictly after the wait, as Resilience4j's breaker in the Java client decides.
        if (now() - openedAt <= openWaitMs) return false;
        state = BreakerState.HALF_OPEN;
        trialOut = false;
      }
      if (state === BreakerState.HALF_OPEN) {
        if (trialOut) return false;
        trialOut = true;
      }
      acquired = true;
      return true;
    },

    /** The connect was welcomed. */
    succeeded() {
      if (!acquired) return;
      acquired = false;
      failuresInARow = 0;
      if (state === BreakerState.HALF_OPEN) {
        state = BreakerState.CLOSED;
        trialOut = false;
      }
    },

    /** A failed upgrade: counts toward opening; the trial of HALF_OPEN failing opens it again. */
    failed() {
      if (!acquired) return;
      acquired = false;
      if (state === BreakerState.HALF_OPEN) {
        open();
        return;
      }
      failuresInARow++;
      if (state === BreakerState.CLOSED && failuresInARow >= failures) {
        failuresInARow = 0;
        open();
      }
    },

    /** The connect ended without saying anything about the upgrade (the instance was full, or we stopped). */
    released() {
      if (!acquired) return;
      acquired = false;
      if (state === BreakerState.HALF_OPEN) trialOut = false;
    },

    /** How much longer the open breaker refuses connects, in ms (the last one included); 0 when it does not. */
    openForMs() {
      if (state !== BreakerState.OPEN) return 0;
      const left = openedAt + openWaitMs - now();
      return left < 0 ? 0 : left + 1;
    },
  };
}
