// session.js: what outlives one socket: the last seq delivered (the next hello's lastSeq) and the
// outbox of publishes without an ack (the Java client's stream/SequenceTracker and publish/Outbox).
// Every change is saved (saved-session.js), so a reloaded page resumes where it was and sends its
// unacked publishes again under the same keys: the outbox when it changes, the position alone on
// every message.

import { publishableError } from './protocol.js';

/**
 * @param {object} options
 * @param {number} options.maxPending most publishes held without an ack
 * @param {ReturnType<import('./saved-session.js').createSavedSession>} options.saved
 * @param {() => number} options.now
 * @param {() => string} options.newKey a fresh idempotency key
 */
export function createSession({ maxPending, saved, now, newKey }) {
  let lastSeq = 0;
  let restored = false;
  const pending = new Map();  // key → { key, body, since }: oldest first

  const loaded = saved.load();
  if (loaded) {
    lastSeq = loaded.lastSeq;
    for (const p of loaded.pending) {
      if (pending.size >= maxPending) break;
      if (p && typeof p.key === 'string' && typeof p.body === 'string' && !pending.has(p.key)) {
        pending.set(p.key, { key: p.key, body: p.body, since: Number.isFinite(p.since) ? p.since : now() });
      }
    }
    restored = true;
  }

  function saveOutbox() {
    saved.saveOutbox(lastSeq, Array.from(pending.values()));
  }

  return {
    get lastSeq() { return lastSeq; },
    /** Whether lastSeq and the outbox came from storage. */
    get restored() { return restored; },
    get size() { return pending.size; },
    has: (key) => pending.has(key),
    get: (key) => pending.get(key),
    /** The publishes without an ack, oldest first. */
    unacked: () => Array.from(pending.values()),

    /**
     * A fresh key for body (Outbox.newKeyFor), after the very check the server makes on the very frame
     * it will see: a body it refuses would stay pending and be resent after every reconnect, forever.
     * Throws TypeError (not a string) or RangeError (too large, in the server's words).
     */
    newKeyFor(body) {
      if (typeof body !== 'string') throw new TypeError('body must be a string');
      const key = newKey();
      const tooLarge = publishableError(key, body);
      if (tooLarge) throw new RangeError(tooLarge);
      return key;
    },

    /** Holds body under key until remove(key); throws when maxPending are held already. */
    add(key, body) {
      if (pending.size >= maxPending) throw new Error(`${maxPending} publishes are waiting for an ack already`);
      const entry = { key, body, since: now() };
      pending.set(key, entry);
      saveOutbox();
      return entry;
    },

    /** Ends the publish under key (acked, or refused for good); null when none is held. */
    remove(key) {
      const entry = pending.get(key);
      if (!entry) return null;
      pending.delete(key);
      saveOutbox();
      return entry;
    },

    /** A message arrived: null when seq was delivered already (a duplicate), else how many were skipped. */
    deliver(seq) {
      if (seq <= lastSeq) return null;
      const skipped = seq - lastSeq - 1;
      lastSeq = seq;
      saved.savePosition(lastSeq);
      return skipped;
    },

    /** The server cannot deliver from..to: how many of them are newly lost (0: nothing new). */
    gap(from, to) {
      if (to <= lastSeq || to < from) return 0;
      const lost = to - Math.max(from, lastSeq + 1) + 1;
      lastSeq = to;
      saved.savePosition(lastSeq);
      return lost;
    },

    /** The server's log went backwards: resume after `to`. Saved with the outbox, so no entry stays ahead. */
    rewind(to) {
      lastSeq = to;
      saveOutbox();
    },

    /**
     * The client stopped for good: hands over the unacked publishes, oldest first, each with whether the
     * saved session holds it (then a reload of the page sends it again under its key). The saved copy
     * is left as it is.
     */
    abandonAll() {
      const all = Array.from(pending.values(), p => ({ ...p, savedForReload: saved.holds(p.key) }));
      pending.clear();
      return all;
    },

    /** Removes the saved copy (what is held in memory stays). */
    forget() {
      saved.forget();
    },
  };
}
