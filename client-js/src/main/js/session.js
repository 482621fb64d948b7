// session.js: what outlives one socket: the last seq delivered (the next hello's lastSeq) and the
// publishes without an ack (the Java client's stream sequence and publish/Outbox). It is saved in
// storage (sessionStorage in a page) on every change, so a reloaded page resumes where it was and
// sends its unacked publishes again under the same keys.

/**
 * @param {object} options
 * @param {number} options.maxPending most publishes held without an ack
 * @param {{getItem: Function, setItem: Function, removeItem: Function} | null} options.storage null: not saved
 * @param {string} options.storageKey
 * @param {() => number} options.now
 * @param {(kind: string, message: string) => void} options.problem
 */
export function createSession({ maxPending, storage, storageKey, now, problem }) {
  let lastSeq = 0;
  let restored = false;
  const pending = new Map();  // key → { key, body, since }: oldest first

  function save() {
    if (!storage) return;
    try {
      storage.setItem(storageKey, JSON.stringify({ lastSeq, pending: Array.from(pending.values()) }));
    } catch (e) {
      // Full or forbidden: the page goes on, only a reload would start from scratch.
      problem('STORAGE', `could not save the session for a reload (${e.message || e})`);
    }
  }

  function load() {
    if (!storage) return;
    let saved;
    try {
      const text = storage.getItem(storageKey);
      if (text === null || text === undefined) return;
      saved = JSON.parse(text);
    } catch (e) {
      problem('STORAGE', `could not read the saved session (${e.message || e}); starting from scratch`);
      return;
    }
    if (!saved || typeof saved !== 'object' || !Number.isSafeInteger(saved.lastSeq) || saved.lastSeq < 0
        || !Array.isArray(saved.pending)) {
      problem('STORAGE', 'the saved session is not one this client wrote; starting from scratch');
      return;
    }
    lastSeq = saved.lastSeq;
    for (const p of saved.pending) {
      if (pending.size >= maxPending) break;
      if (p && typeof p.key === 'string' && typeof p.body === 'string' && !pending.has(p.key)) {
        pending.set(p.key, { key: p.key, body: p.body, since: Number.isFinite(p.since) ? p.since : now() });
      }
    }
    restored = true;
  }

  load();

  return {
    get lastSeq() { return lastSeq; },
    /** Whether lastSeq and the outbox came from storage. */
    get restored() { return restored; },
    get size() { return pending.size; },
    has: (key) => pending.has(key),
    get: (key) => pending.get(key),
    /** The publishes without an ack, oldest first. */
    unacked: () => Array.from(pending.values()),

    /** Holds body under key until remove(key); throws when maxPending are held already. */
    add(key, body) {
      if (pending.size >= maxPending) throw new Error(`${maxPending} publishes are waiting for an ack already`);
      const entry = { key, body, since: now() };
      pending.set(key, entry);
      save();
      return entry;
    },

    /** Ends the publish under key (acked, or refused for good); null when none is held. */
    remove(key) {
      const entry = pending.get(key);
      if (!entry) return null;
      pending.delete(key);
      save();
      return entry;
    },

    /** A message arrived: null when seq was delivered already (a duplicate), else how many were skipped. */
    deliver(seq) {
      if (seq <= lastSeq) return null;
      const skipped = seq - lastSeq - 1;
      lastSeq = seq;
      save();
      return skipped;
    },

    /** The server cannot deliver from..to: how many of them are newly lost (0: nothing new). */
    gap(from, to) {
      if (to <= lastSeq || to < from) return 0;
      const lost = to - Math.max(from, lastSeq + 1) + 1;
      lastSeq = to;
      save();
      return lost;
    },

    /** The server's log went backwards: resume after `to`. */
    rewind(to) {
      lastSeq = to;
      save();
    },

    /** Removes the saved copy (what is held in memory stays). */
    forget() {
      if (!storage) return;
      try {
        storage.removeItem(storageKey);
      } catch (e) { /* nothing saved, or nothing we may touch */ }
    },
  };
}
