// publish-replies.js: what the server answers to one connection's publishes (the Java client's
// session/PublishReplies): an ack ends one; a retryable error (log_unavailable, outcome_unknown, busy)
// holds it for a resend under the same key, since the log stores a key once; any other error refuses
// it for good. Resend rounds that bring no ack wait twice as long each time, so that a log that keeps
// failing costs a resend every few seconds, not a loop.

import { resendDelay } from './policy.js';
import { isRetryableError } from './protocol.js';
import { Timer } from './timer.js';

/**
 * @param {object} options
 * @param {(publishes: Array<{key: string, body: string}>) => void} options.resend sends them again, if still welcomed
 */
export function createPublishReplies({ env, config, session, reporter, resend }) {
  const now = () => env.clock.now();
  const held = new Set();  // keys answered with a retryable error on this connection
  const resendTimer = new Timer(env.timers, now);  // its tries (since the last ack) pace the next round

  function holdForResend(error) {
    const p = session.get(error.key);
    reporter.stats.publishRetries++;
    held.add(error.key);
    if (!resendTimer.pending) {
      resendTimer.schedule(resendDelay(resendTimer.tries, config, env.random), () => {
        const again = session.unacked().filter(q => held.has(q.key));
        held.clear();
        resend(again);
      });
    }
    reporter.emit('onPublishRetry', { key: error.key, code: error.code, message: error.message, body: p.body, at: now() });
    reporter.problem('PUBLISH_RETRY', `publish ${error.key} not stored yet (${error.code}: ${error.message}); `
        + 'sending it again with the same key');
    reporter.changed();
  }

  return {
    ack(ack) {
      const p = session.remove(ack.key);
      if (!p) return;  // e.g. the second ack of a publish resent after a reconnect
      held.delete(ack.key);
      resendTimer.resetTries();  // the log stores again: no reason to keep the others waiting long
      reporter.stats.lastAckSeq = ack.seq;
      reporter.emit('onAck', { key: ack.key, seq: ack.seq, body: p.body, tookMs: now() - p.since });
      reporter.changed();
    },

    error(error) {
      if (error.key !== null && session.has(error.key) && isRetryableError(error.code)) {
        holdForResend(error);
      } else if (error.key !== null && session.has(error.key)) {
        // Refused for good (e.g. key_conflict, bad_value): not stored. The publish ends here with the
        // server's reason; the page may publish again.
        const p = session.remove(error.key);
        reporter.emit('onPublishRejected', { key: error.key, code: error.code, message: error.message, body: p.body });
        reporter.changed();
      } else {
        reporter.problem('SERVER_ERROR',
            `server error ${error.code}: ${error.message}${error.key ? ` (key ${error.key})` : ''}`);
      }
    },

    /** Everything unacked goes out anyway (a new welcome, or the end): no round pending, none counted. */
    forget() {
      resendTimer.reset();
      held.clear();
    },
  };
}
