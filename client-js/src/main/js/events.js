// events.js: what the client tells the page: the listener's callbacks (reconnect.d.ts ClientListener)
// and the counters behind stats(). A listener that throws never stops the client.

/**
 * @param {object} listener the page's callbacks, each optional
 * @param {() => number} now
 * @param {() => object} snapshot what stats() returns, sent to onStats after every change
 */
export function createReporter(listener, now, snapshot) {
  const stats = {
    received: 0, duplicates: 0, lost: 0, reconnects: 0, connectAttempts: 0, failedUpgrades: 0,
    readinessRequests: 0, badReadinessAnswers: 0, readinessUnreachable: 0, readinessThrottled: 0, malformedFrames: 0,
    unexpectedFrames: 0, heartbeatTimeouts: 0, connectsWhileNotReady: 0, lastAckSeq: null, publishRetries: 0,
  };

  function emit(method, value) {
    const fn = listener[method];
    if (typeof fn !== 'function') return;
    try {
      fn(value);
    } catch (e) {
      if (globalThis.console) console.warn(`reconnect.js: listener ${method} threw; ignored`, e);
    }
  }

  return {
    stats,
    emit,
    /** onProblem: something went wrong that the client handles itself (reconnect.d.ts ProblemKind). */
    problem(kind, message) {
      emit('onProblem', { kind, message, at: now() });
    },
    /** onStats: a counter or the state changed. */
    changed() {
      emit('onStats', snapshot());
    },
    /**
     * onPublishAbandoned for each publish without an ack when the client ended in `state` (CLOSED or
     * FAILED), then onStats: nothing is pending any more.
     */
    abandoned(publishes, state, reason) {
      for (const p of publishes) {
        emit('onPublishAbandoned', { key: p.key, body: p.body, state, reason, savedForReload: p.savedForReload,
          at: now() });
      }
      emit('onStats', snapshot());
    },
  };
}
