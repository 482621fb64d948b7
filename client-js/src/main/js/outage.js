// outage.js: one stretch without an open connection (the Java client's Outage): since when, why, and
// the deadline after which the client gives up (giveUpAfterMs).

import { Timer } from './timer.js';
import { seconds } from './text.js';

/**
 * @param {object} options
 * @param {string} options.reason why the connection is gone ('start' for the wait before the first one)
 * @param {boolean} options.afterAConnection false for the wait before the first connection, which is no reconnect
 * @param {(reason: string) => void} options.giveUpWith called when the outage lasts giveUpAfterMs
 */
export function createOutage({ env, config, reason, afterAConnection, giveUpWith }) {
  const now = () => env.clock.now();
  const startedAt = now();
  const giveUp = new Timer(env.timers, now);
  if (config.giveUpAfterMs !== null) {
    giveUp.schedule(config.giveUpAfterMs, () => giveUpWith(
        `gave up: not connected within ${seconds(config.giveUpAfterMs)} (last problem: ${reason})`));
  }

  return {
    /** Connected, or stopped: no more giving up on this outage. */
    end() {
      giveUp.cancel();
    },

    /** The page is visible again: a deadline that a throttled timer held back is acted on now. */
    fireIfDue() {
      return giveUp.fireIfDue();
    },

    /**
     * The outage ended with a welcome at `at`; lastReadyAt is when readiness last said ready (0: never).
     * null for the first connection.
     */
    reconnected(at, lastReadyAt) {
      if (!afterAConnection) return null;
      return { downtimeMs: at - startedAt, readyToOpenMs: lastReadyAt ? at - lastReadyAt : 0, reason, at };
    },
  };
}
