// policy.js: when to try again and whether a connect may go out, the browser's copy of the Java
// client's ConnectPolicy: full-jitter backoff, give-up after N failed attempts, and a circuit breaker
// around connects with Resilience4j's semantics as ConnectPolicy configures it (count-based window of
// `failures` calls, 100 % failure rate, one trial call when half-open, no automatic OPEN → HALF_OPEN:
// a trial connect goes out only when readiness says so, never on a timer of its own). Every delay is
// a whole number of ms, computed exactly as the Java client computes it.

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
 * A whole number in [0, bound) from random() in [0, 1): what Java's RandomGenerator.nextLong(bound)
 * gives, so that both clients round every delay the same way (conformance/reconnect-policy.json).
 */
export function randomBelow(random, bound) {
  return Math.min(bound - 1, Math.floor(random() * bound));
}

/**
 * Exponential backoff with full jitter (BackoffConfig and FullJitterBackoff): attempt n (from 1) waits
 * a whole number of ms, uniformly random in [0, ceiling] where ceiling = min(max, initial ×
 * multiplier^(n-1)) rounded down, minus what the failed attempt already waited (a long-poll held for
 * 30 s), but never less than the hinted minimum (Retry-After), which may exceed the cap.
 */
export function backoffDelay(attempt, config, random, hint = {}) {
  const ceiling = Math.floor(Math.min(config.backoffMaxMs,
      config.backoffInitialMs * Math.pow(config.backoffMultiplier, Math.max(0, attempt - 1))));
  let delay = ceiling <= 0 ? 0 : randomBelow(random, ceiling + 1);
  delay = Math.max(0, delay - (hint.alreadyWaitedMs || 0));
  return Math.max(delay, hint.minimumMs || 0);
}

/**
 * The wait after a readiness 429 (ReadinessPoller.throttleWait): what the gateway asked for, capped at
 * backoffMaxMs (a proxy's Retry-After: 3600 must not park the page for an hour), plus up to a fifth
 * more, so that the clients turned away at one instant do not all come back at the next.
 */
export function throttleWait(retryAfterMs, config, random) {
  const asked = Math.min(retryAfterMs, config.backoffMaxMs);
  return asked + randomBelow(random, Math.floor(asked / 5) + 1);
}

/**
 * The wait before resend round `round` (from 0) of publishes answered with a retryable error
 * (PublishReplies.resendDelay): the full delay at the cap, half of it jittered.
 */
export function resendDelay(round, config, random) {
  const ceiling = Math.min(config.resendMaxMs, config.resendInitialMs * Math.pow(2, Math.min(round, 10)));
  const half = Math.floor(ceiling / 2);
  return half + randomBelow(random, half + 1);
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

/**
 * The connect policy of one client (ConnectPolicy): the backoff's attempts, which start over only once
 * a connection proved stable; giving up after giveUpAttempts; the breaker around connects; and how
 * long the gateway (Retry-After) or the open breaker asked not to try again. A failed attempt
 * (nextDelay) counts toward giving up; a paced try (pace: the gateway busy, the instance full, the
 * breaker still open) does not, but both raise the backoff's exponent.
 */
export function createConnectPolicy(config, random, now) {
  const breaker = createBreaker({ failures: config.breakerFailures, openWaitMs: config.breakerOpenWaitMs, now });
  let attempt = 0;
  let pacedTries = 0;
  let stable = false;
  let waitUntil = 0;

  return {
    /** Failed attempts of this outage (what counts toward giving up). */
    get attempt() { return attempt; },
    /** Whether the current (or last) connection lasted the minimum uptime. */
    get stable() { return stable; },
    get breakerState() { return breaker.state; },

    /** The wait after one more failed attempt; null when that was the last allowed (give up). */
    nextDelay(hint = {}) {
      attempt++;
      if (config.giveUpAttempts !== null && attempt >= config.giveUpAttempts) return null;
      return backoffDelay(attempt + pacedTries, config, random, hint);
    },

    /** The wait after a try that was paced, not failed: the next attempt's backoff, nothing toward giving up. */
    pace(hint = {}) {
      pacedTries++;
      return backoffDelay(attempt + pacedTries, config, random, hint);
    },

    /** Asks the breaker for one connect; a granted one must end in opened(), failed() or released(). */
    tryAcquire: () => breaker.tryAcquire(),
    /** Welcomed; the backoff keeps counting until the connection proves stable. */
    opened() {
      breaker.succeeded();
      stable = false;
    },
    failed: () => breaker.failed(),
    released: () => breaker.released(),

    /** The connection lasted the minimum uptime: the next outage starts its backoff from scratch. False if it had. */
    becameStable() {
      if (stable) return false;
      stable = true;
      attempt = 0;
      pacedTries = 0;
      return true;
    },

    isOpen: () => breaker.state === BreakerState.OPEN,
    openForMs: () => breaker.openForMs(),

    /** The gateway or the open breaker asked not to try again within ms: a "not before" the poller honours. */
    waitAtLeast(ms) {
      waitUntil = now() + ms;
    },
    /** What is left of that. */
    leftToWaitMs: () => Math.max(0, waitUntil - now()),

    /** Why the client stops after the last allowed attempt failed with lastProblem. */
    giveUpReason: (lastProblem) => `gave up after ${config.giveUpAttempts} failed attempts (last: ${lastProblem})`,
  };
}
