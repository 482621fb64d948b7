// environment.js: what the client takes from the browser (time, timers, fetch, WebSocket, randomness,
// sessionStorage, navigator.onLine) and the browser's events it follows. Tests replace any of it
// through the `env` option (reconnect.d.ts ClientEnv).

/** The browser's own; what options.env does not replace. */
export function defaultEnv() {
  const g = globalThis;
  return {
    clock: { now: () => Date.now() },
    timers: { setTimeout: (fn, ms) => g.setTimeout(fn, ms), clearTimeout: (id) => g.clearTimeout(id) },
    fetch: (...args) => g.fetch(...args),
    WebSocket: g.WebSocket,
    random: Math.random,
    newKey,
    storage: sessionStorageOrNull(),
    isOnline: () => !(g.navigator && g.navigator.onLine === false),
    // 'online' and 'offline' are fired on window, 'visibilitychange' on document.
    network: g.window && typeof g.window.addEventListener === 'function' ? g.window : null,
    document: g.document && typeof g.document.addEventListener === 'function' ? g.document : null,
  };
}

/** The page's sessionStorage; null where there is none or it may not be used (a sandboxed frame throws). */
function sessionStorageOrNull() {
  try {
    const storage = globalThis.sessionStorage;
    return storage && typeof storage.getItem === 'function' ? storage : null;
  } catch (e) {
    return null;
  }
}

/** A unique idempotency key; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newKey() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') {
    try {
      return 'web-' + c.randomUUID();
    } catch (e) { /* not a secure context */ }
  }
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') {
    c.getRandomValues(bytes);
  } else {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  return 'web-' + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The browser's 'online'/'offline' events (env.network) and the page becoming visible again
 * (env.document's 'visibilitychange'), followed from start() until stop().
 *
 * @param {{networkChanged: (online: boolean) => void, visible: () => void}} handlers
 */
export function createBrowserEvents(env, handlers) {
  const unsubscribers = [];

  function listen(target, type, handler) {
    if (!target || typeof target.addEventListener !== 'function') return;
    target.addEventListener(type, handler);
    unsubscribers.push(() => target.removeEventListener(type, handler));
  }

  return {
    start() {
      listen(env.network, 'online', () => handlers.networkChanged(true));
      listen(env.network, 'offline', () => handlers.networkChanged(false));
      listen(env.document, 'visibilitychange', () => {
        if (env.document.visibilityState === 'visible') handlers.visible();
      });
    },
    stop() {
      while (unsubscribers.length > 0) unsubscribers.pop()();
    },
  };
}
