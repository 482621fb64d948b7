// saved-session.js: the session as a reloaded page finds it (sessionStorage: per tab, per WebSocket
// URL), in two entries, so that what a message costs does not grow with the outbox:
//
//   <key>          {"lastSeq": n, "pending": [{key, body, since}, ...]}, written when the outbox changes
//   <key>#lastSeq  the resume position alone, a few bytes, written on every message
//
// The position entry, when there is one, is the newer resume position. A storage that refuses to save
// (full, or forbidden in a sandboxed frame) is reported once when it starts refusing, not on every
// message: the page goes on without it, and a reload starts from the older position that was saved,
// which delivers some messages again but never skips one.

/**
 * @param {object} options
 * @param {{getItem: Function, setItem: Function, removeItem: Function} | null} options.storage null: nothing saved
 * @param {string} options.key
 * @param {(kind: string, message: string) => void} options.problem
 */
export function createSavedSession({ storage, key, problem }) {
  const positionKey = `${key}#lastSeq`;
  const refusing = { outbox: false, position: false };  // reported, not yet saved again since
  let savedKeys = new Set();  // the publishes the outbox entry holds
  let outboxLastSeq = null;   // the position the outbox entry holds, null when there is none

  /** Writes one entry; true when it was saved. */
  function write(entry, what, storageKey, value) {
    try {
      storage.setItem(storageKey, value);
      refusing[entry] = false;
      return true;
    } catch (e) {
      if (!refusing[entry]) {
        problem('STORAGE', `could not save ${what} for a reload (${e.message || e}); `
            + 'the page goes on without it until saving works again');
      }
      refusing[entry] = true;
      return false;
    }
  }

  function remove(storageKey) {
    try {
      storage.removeItem(storageKey);
    } catch (e) { /* nothing saved, or nothing we may touch */ }
  }

  /** What storage holds under storageKey, or undefined when nothing (or nothing readable) is there. */
  function read(storageKey, what) {
    try {
      const text = storage.getItem(storageKey);
      return text === null || text === undefined ? undefined : text;
    } catch (e) {
      problem('STORAGE', `could not read the saved ${what} (${e.message || e}); starting from scratch`);
      return undefined;
    }
  }

  function readOutbox() {
    const text = read(key, 'session');
    if (text === undefined) return null;
    let saved;
    try {
      saved = JSON.parse(text);
    } catch (e) {
      saved = null;
    }
    if (!saved || typeof saved !== 'object' || !Number.isSafeInteger(saved.lastSeq) || saved.lastSeq < 0
        || !Array.isArray(saved.pending)) {
      problem('STORAGE', 'the saved session is not one this client wrote; starting from scratch');
      return null;
    }
    return saved;
  }

  return {
    /** { lastSeq, pending: [...] } as saved (pending entries unchecked), or null when nothing usable is saved. */
    load() {
      if (!storage) return null;
      const saved = readOutbox();
      if (saved) {
        savedKeys = new Set(saved.pending.map(p => p && p.key));
        outboxLastSeq = saved.lastSeq;
      }
      const text = read(positionKey, 'resume position');
      if (text === undefined) return saved;
      const position = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(position)) {
        problem('STORAGE', 'the saved resume position is not one this client wrote; ignored');
        return saved;
      }
      return { lastSeq: position, pending: saved ? saved.pending : [] };
    },

    /** Saves the outbox and the position with it; pending is [{key, body, since}, ...], oldest first. */
    saveOutbox(lastSeq, pending) {
      if (!storage) return;
      if (write('outbox', 'the unacked publishes', key, JSON.stringify({ lastSeq, pending }))) {
        savedKeys = new Set(pending.map(p => p.key));
        outboxLastSeq = lastSeq;
      }
      this.savePosition(lastSeq);
    },

    /** Saves the resume position alone: what every message costs. */
    savePosition(lastSeq) {
      if (!storage) return;
      if (write('position', 'the resume position', positionKey, String(lastSeq))) return;
      // A position entry left as it was could be ahead of the truth after a rewind; without it, a
      // reload resumes from the outbox entry's position, which is never ahead.
      remove(positionKey);
      if (outboxLastSeq !== null && outboxLastSeq > lastSeq) {
        // After a rewind whose outbox could not be saved either, the outbox entry is ahead too: a reload
        // without its publishes (still held and sent by this page) beats one that skips messages.
        remove(key);
        savedKeys = new Set();
        outboxLastSeq = null;
      }
    },

    /** Whether the saved outbox holds the publish under key, so that a reload sends it again. */
    holds(publishKey) {
      return savedKeys.has(publishKey);
    },

    /** Removes the saved copy. */
    forget() {
      savedKeys = new Set();
      outboxLastSeq = null;
      if (!storage) return;
      remove(key);
      remove(positionKey);
    },
  };
}
