// engine.js: the browser's reconnection policy for the gateway's /ws stream, the state machine of one
// client. It mirrors the Java client (client/src/main/java/dev/reconnect/client/ClientEngine.java):
//
//   NEW ─start─▶ WAITING_FOR_READINESS ─ready─▶ CONNECTING ─welcome─▶ OPEN
//                   ▲   ▲ (polls /readiness, backing off        │ failed upgrade    │ lost (stable)
//                   │   │  between not-ready answers)           ▼                   │
//                   │   └────────────────────────────── BACKING_OFF ◀── lost before minimum uptime
//                   └──────────────────────────────────────────────────────────────┘
//   any ─page's own close─▶ CLOSED          any ─close 1008 / 4400-4499, or give-up─▶ FAILED
//
// A close 4000-4099 (too slow, instance full, …) is an ordinary unplanned drop: readiness first, then
// reconnect and resume. A readiness 429 means "ask again after Retry-After", nothing more. A publish
// answered with a retryable error (log_unavailable, outcome_unknown, busy) stays pending and goes out
// again under the same key, so the log stores it once. Failed upgrades in a row open a circuit breaker
// (policy.js); a ready answer while it is open backs off until its wait is over.
//
// transition() is the only place where the state changes. Every wait is a Timer (timer.js), which
// never runs a callback it was told to forget; a readiness request and a socket carry a generation
// number, so that a late answer or event of one abandoned is ignored. Time, timers, fetch,
// WebSocket, randomness, storage and the browser's online/visibility events come from the `env`
// parameter object, so the policy can be unit-tested with a fake clock and fake sockets.

import { BreakerState, backoffDelay, createBreaker } from './policy.js';
import { Timer } from './timer.js';
import {
  decodeFrame, describeClose, isRetryableError, isSessionClose, isTerminalClose, publishableError, webSocketUrlFor,
} from './protocol.js';
import { parseReadiness, summarize } from './readiness.js';
import { createSession } from './session.js';
import { abbreviate, seconds } from './text.js';

export const State = Object.freeze({
  NEW: 'NEW',
  WAITING_FOR_READINESS: 'WAITING_FOR_READINESS',
  CONNECTING: 'CONNECTING',
  OPEN: 'OPEN',
  BACKING_OFF: 'BACKING_OFF',
  CLOSED: 'CLOSED',
  FAILED: 'FAILED',
});

const ALLOWED = Object.freeze({
  NEW: [State.WAITING_FOR_READINESS, State.CLOSED, State.FAILED],
  WAITING_FOR_READINESS: [State.CONNECTING, State.BACKING_OFF, State.CLOSED, State.FAILED],
  CONNECTING: [State.OPEN, State.BACKING_OFF, State.CLOSED, State.FAILED],
  OPEN: [State.WAITING_FOR_READINESS, State.BACKING_OFF, State.CLOSED, State.FAILED],
  BACKING_OFF: [State.WAITING_FOR_READINESS, State.CLOSED, State.FAILED],
  CLOSED: [],
  FAILED: [],
});

/** The legal transitions (ClientState.canMoveTo). */
export function canMoveTo(from, to) {
  return Boolean(ALLOWED[from]) && ALLOWED[from].includes(to);
}

/** Same values as the Java client's ClientConfig defaults, except the backoff cap (10 s here). */
export const DEFAULTS = Object.freeze({
  backoffInitialMs: 500,
  backoffMultiplier: 2,
  backoffMaxMs: 10_000,
  readinessWaitMs: 30_000,        // ?wait= of a long-poll
  readinessTimeoutMs: 5_000,      // a plain check; and the slack allowed beyond a long-poll's wait
  connectTimeoutMs: 10_000,       // socket opened → welcome
  minimumUptimeMs: 5_000,         // a connection must last this long before the backoff is reset
  heartbeatMisses: 3,             // silence of heartbeatMisses × welcome.heartbeatMillis = dead link
  fallbackHeartbeatTimeoutMs: 30_000,
  maxPending: 1_000,              // publishes held without an ack
  resendInitialMs: 250,           // a publish refused for now is sent again after this, doubling …
  resendMaxMs: 5_000,             // … up to this while no ack comes (ClientEngine.RESEND_*)
  breakerFailures: 3,             // failed upgrades in a row that open the circuit breaker
  breakerOpenWaitMs: 5_000,       // how long the open breaker refuses connects
  giveUpAttempts: null,           // FAILED after this many failed attempts in one outage (null: never)
  giveUpAfterMs: null,            // FAILED when one outage lasts this long (null: never)
  storageKey: 'reconnect',        // sessionStorage key prefix of the resume state (lastSeq, unacked publishes)
});

const WHOLE_NUMBERS = Object.freeze({
  // name: smallest allowed value
  backoffInitialMs: 1, backoffMaxMs: 1, readinessWaitMs: 1000, readinessTimeoutMs: 1, connectTimeoutMs: 1,
  minimumUptimeMs: 0, heartbeatMisses: 1, fallbackHeartbeatTimeoutMs: 1, maxPending: 1,
  resendInitialMs: 1, resendMaxMs: 1, breakerFailures: 1, breakerOpenWaitMs: 1,
});

/**
 * DEFAULTS overridden by overrides, every value checked: a bad setting fails where it is given, with
 * the reason (like ClientConfig's records).
 */
export function resolveConfig(overrides = {}) {
  if (overrides === null || typeof overrides !== 'object') throw new TypeError('config must be an object');
  for (const name of Object.keys(overrides)) {
    if (!(name in DEFAULTS)) {
      throw new TypeError(`unknown config option "${name}"; known: ${Object.keys(DEFAULTS).join(', ')}`);
    }
  }
  const config = { ...DEFAULTS, ...overrides };
  for (const [name, min] of Object.entries(WHOLE_NUMBERS)) {
    const value = config[name];
    if (!Number.isSafeInteger(value) || value < min) {
      throw new RangeError(`config.${name} must be a whole number of at least ${min}, was ${value}`);
    }
  }
  if (typeof config.backoffMultiplier !== 'number' || !(config.backoffMultiplier >= 1)) {
    throw new RangeError(`config.backoffMultiplier must be a number of at least 1, was ${config.backoffMultiplier}`);
  }
  for (const name of ['giveUpAttempts', 'giveUpAfterMs']) {
    const value = config[name];
    if (value !== null && (!Number.isSafeInteger(value) || value < 1)) {
      throw new RangeError(`config.${name} must be null (never) or a whole number of at least 1, was ${value}`);
    }
  }
  if (typeof config.storageKey !== 'string' || !config.storageKey) {
    throw new TypeError(`config.storageKey must be a non-empty string, was ${config.storageKey}`);
  }
  return Object.freeze(config);
}

function defaultEnv() {
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
 * Creates one reconnecting client (not started: call start()). See reconnect.d.ts and README.md.
 *
 * options.gateway       base URL of the gateway (default: the page's location)
 * options.webSocketUrl  default: ws(s)://<gateway host>/ws
 * options.config        overrides of DEFAULTS (checked: an unknown name or a bad value throws)
 * options.listener      { onStateChange, onReadinessCheck, onMessage, onAck, onPublishRetry, onPublishRejected,
 *                         onReconnect, onProblem, onStats } (all optional)
 * options.env           { clock: {now}, timers: {setTimeout, clearTimeout}, fetch, WebSocket, random, newKey,
 *                         storage, isOnline, network, document } (each optional; defaults: the browser's)
 */
export function createReconnectingClient(options = {}) {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const env = { ...defaultEnv(), ...(options.env || {}) };
  const config = resolveConfig(options.config || {});
  const listener = options.listener || {};
  const base = options.gateway || (globalThis.location && globalThis.location.href);
  if (!base) throw new TypeError('options.gateway is required outside a page (the gateway\'s base URL, e.g. http://127.0.0.1:8080)');
  let readinessUrl;
  try {
    readinessUrl = new URL('/readiness', base).toString();
  } catch (e) {
    throw new TypeError(`options.gateway is not a URL: ${base}`);
  }
  if (!/^https?:$/.test(new URL(base).protocol)) {
    throw new TypeError(`options.gateway must be an http(s) URL, was ${base}`);
  }
  const wsUrl = options.webSocketUrl || webSocketUrlFor(base);
  if (!/^wss?:$/.test(new URL(wsUrl).protocol)) {
    throw new TypeError(`options.webSocketUrl must be a ws(s) URL, was ${wsUrl}`);
  }
  if (typeof env.WebSocket !== 'function') throw new TypeError('no WebSocket in this environment (env.WebSocket)');
  if (typeof env.fetch !== 'function') throw new TypeError('no fetch in this environment (env.fetch)');
  const now = () => env.clock.now();
  const breaker = createBreaker({ failures: config.breakerFailures, openWaitMs: config.breakerOpenWaitMs, now });
  const giveUpTimer = new Timer(env.timers, now);   // the deadline of the current outage (giveUpAfterMs)
  const unsubscribers = [];

  const stats = {
    received: 0, duplicates: 0, lost: 0, reconnects: 0, connectAttempts: 0, failedUpgrades: 0,
    readinessRequests: 0, badReadinessAnswers: 0, readinessUnreachable: 0, readinessThrottled: 0, malformedFrames: 0,
    unexpectedFrames: 0, heartbeatTimeouts: 0, connectsWhileNotReady: 0, lastAckSeq: null, publishRetries: 0,
  };

  let state = State.NEW;
  let failureReason = null;
  let pacedUntil = 0;       // before this, the gateway (Retry-After) or the open breaker asked not to try again
  let attempt = 0;          // backoff attempt; reset only after a connection stayed open minimumUptimeMs
  let request = 0;          // generation of the readiness request: a late answer of an abandoned one is ignored
  let requestOut = false;   // a readiness request is out and not abandoned
  let link = 0;             // generation of the current socket's events
  // The one wait of the current state: between readiness checks, the backoff, the connect timeout,
  // a crowd's connect spread. Scheduling it replaces what was pending, so no two run at once.
  const stateTimer = new Timer(env.timers, now);
  const requestTimer = new Timer(env.timers, now);    // the readiness request's timeout
  const stableTimer = new Timer(env.timers, now);     // minimumUptimeMs after the welcome
  const heartbeatTimer = new Timer(env.timers, now);
  // Resends after retryable errors; its tries (since the last ack) pace the next one.
  const resendTimer = new Timer(env.timers, now);
  let heartbeatTimeoutMs = 0;
  let lastFrameAt = 0;
  let readinessAbort = null;
  let socket = null;
  let stable = false;
  let everOpened = false;
  let openedAt = 0;
  let outageStartedAt = 0;
  let lastReadyAt = 0;
  let lostReason = 'start';
  let lastReadiness = null;   // the last answer of this outage: decides plain check or long-poll
  let lastAnswer = null;      // the last readiness answer ever: judges every connect attempt
  const heldForResend = new Set();  // keys the server answered with a retryable error on this connection
  let offline = typeof env.isOnline === 'function' ? !env.isOnline() : false;
  // lastSeq and the unacked publishes, saved for a reload (per tab, per WebSocket URL).
  const session = createSession({ maxPending: config.maxPending, storage: env.storage,
    storageKey: `${config.storageKey}:${wsUrl}`, now, problem });

  // ---------------------------------------------------------------------------------------------
  // Commands
  // ---------------------------------------------------------------------------------------------

  function start() {
    if (state !== State.NEW) return;
    listen(env.network, 'online', () => networkChanged(true));
    listen(env.network, 'offline', () => networkChanged(false));
    listen(env.document, 'visibilitychange', () => visibilityChanged());
    beginOutage('start');
    waitForReadiness('started');
  }

  /** Queues body under a fresh key; sent now when OPEN, else (and again) after every welcome until acked. */
  function publish(body) {
    if (typeof body !== 'string') throw new TypeError('body must be a string');
    // The server's own check on the very key it will see: a body it refuses would stay pending and
    // be resent after every reconnect, forever.
    const key = env.newKey();
    const tooLarge = publishableError(key, body);
    if (tooLarge) throw new RangeError(tooLarge);
    if (state === State.CLOSED || state === State.FAILED) throw new Error(`client is ${state}; nothing can be sent`);
    session.add(key, body);
    if (state === State.OPEN && socket) {
      sendFrame(socket, { type: 'publish', key, body });
    }
    emitStats();
    return key;
  }

  /**
   * The browser's 'online'/'offline' events. Offline: no readiness requests (they could only fail);
   * an open socket is left to the heartbeat, which notices a dead link anyway. Online: ask readiness
   * soon, without waiting out a backoff that only measured the network being away; but not before what
   * the gateway or the breaker asked for (a Retry-After, an open breaker's wait) is over, and after a
   * jitter of up to backoffInitialMs, since every page on the same network comes back at the same moment.
   */
  function networkChanged(online) {
    if (online === !offline) return;
    offline = !online;
    if (state === State.CLOSED || state === State.FAILED || state === State.NEW) return;
    if (offline) {
      problem('OFFLINE', 'the browser is offline: no readiness checks until it is back online');
      if (state === State.WAITING_FOR_READINESS) pollReadiness();  // abandons the request out, parks it
      return;
    }
    const soon = Math.max(0, pacedUntil - now()) + Math.floor(env.random() * (config.backoffInitialMs + 1));
    if (state === State.WAITING_FOR_READINESS && !requestOut && (!stateTimer.pending || stateTimer.dueAt > now() + soon)) {
      whileWaiting(soon, () => {
        lastReadiness = null;  // a plain check: the network, not readiness, was what changed
        pollReadiness();
      });
    } else if (state === State.BACKING_OFF && stateTimer.dueAt > now() + soon) {
      stateTimer.schedule(soon, () => {
        if (state === State.BACKING_OFF) waitForReadiness('the browser is back online');
      });
    }
  }

  /**
   * The page became visible again. Browsers throttle a hidden page's timers (to once a minute and
   * less), so a dead link or a wait that is over may have gone unnoticed: act on them now. A wait
   * that is not over (a backoff, a Retry-After, a crowd's connect spread) is left to run out.
   */
  function visibilityChanged() {
    const doc = env.document;
    if (!doc || doc.visibilityState !== 'visible') return;
    if (state === State.CLOSED || state === State.FAILED || state === State.NEW) return;
    if (giveUpTimer.fireIfDue()) return;
    if (state === State.OPEN) {
      checkHeartbeat();
      return;
    }
    if (!requestTimer.fireIfDue()) stateTimer.fireIfDue();
  }

  function close() {
    if (state === State.CLOSED || state === State.FAILED) return;
    const open = socket;
    stopEverything();
    closeQuietly(open, 1000, 'page closing');
    transition(State.CLOSED, 'closed by the page');
  }

  // ---------------------------------------------------------------------------------------------
  // Readiness
  // ---------------------------------------------------------------------------------------------

  function waitForReadiness(reason) {
    transition(State.WAITING_FOR_READINESS, reason);
    pollReadiness();
  }

  /** Asks readiness now (or, offline, parks), replacing any wait or request of this state. */
  function pollReadiness(evenOffline = false) {
    abandonReadiness();
    stateTimer.cancel();
    if (offline && !evenOffline) {
      // A request now would most likely fail, so ask only once per backoffMaxMs; not never, since
      // navigator.onLine can be wrong (a machine with only a loopback interface reports offline).
      // The 'online' event asks again at once.
      emitStats();
      whileWaiting(config.backoffMaxMs, () => pollReadiness(true));
      return;
    }
    const myRequest = ++request;
    // Long-poll once this outage has seen a not-ready answer with an index: it returns when it changes.
    // Also after a ready answer while the breaker refuses connects: wait for the registry to notice
    // what the failed upgrades showed, but no longer than the breaker stays open (at least a second).
    let waitMs = 0;
    if (lastReadiness !== null && lastReadiness.index !== null) {
      if (!lastReadiness.ready) {
        waitMs = config.readinessWaitMs;
      } else if (breaker.openForMs() > 0) {
        waitMs = Math.min(config.readinessWaitMs, Math.max(1000, breaker.openForMs()));
      }
    }
    const longPoll = waitMs > 0;
    const url = longPoll ? `${readinessUrl}?index=${lastReadiness.index}&wait=${Math.ceil(waitMs / 1000)}s` : readinessUrl;
    const timeoutMs = longPoll ? waitMs + config.readinessTimeoutMs : config.readinessTimeoutMs;
    const sentAt = now();
    const abort = typeof AbortController === 'function' ? new AbortController() : null;
    readinessAbort = abort;
    requestOut = true;
    const answered = (result, error) => {
      if (myRequest !== request || !requestOut) return;  // abandoned, or already timed out
      requestOut = false;
      readinessAbort = null;
      requestTimer.cancel();
      onReadinessAnswer(longPoll, sentAt, error ? unreachable(error) : result);
    };
    requestTimer.schedule(timeoutMs, () => {
      if (abort) abort.abort();
      // Without AbortController the late answer is simply ignored (requestOut is cleared).
      answered(null, new Error(`no answer within ${seconds(timeoutMs)}`));
    });
    let fetched;
    try {
      fetched = env.fetch(url, {
        cache: 'no-store', headers: { Accept: 'application/json' }, signal: abort ? abort.signal : undefined,
      });
    } catch (e) {
      fetched = Promise.reject(e);
    }
    Promise.resolve(fetched)
        .then(response => response.text().then(text => parseReadiness(response.status,
            response.headers.get('Retry-After'), text, now())))
        .then(result => answered(result, null), error => answered(null, error));
  }

  function unreachable(error) {
    const why = (error && error.message) || String(error);
    return { outcome: 'unreachable', ready: false, readiness: null, index: null, retryAfterMs: 0,
      detail: `gateway unreachable (${why})`, status: 0 };
  }

  /** Forgets the readiness request out, if any: its answer, when it comes, is ignored. */
  function abandonReadiness() {
    request++;
    requestOut = false;
    requestTimer.cancel();
    if (readinessAbort) {
      readinessAbort.abort();
      readinessAbort = null;
    }
  }

  /** Runs next after delayMs, if the client is still waiting for readiness then. */
  function whileWaiting(delayMs, next) {
    stateTimer.schedule(delayMs, () => {
      if (state === State.WAITING_FOR_READINESS) next();
    });
  }

  function onReadinessAnswer(longPoll, sentAt, result) {
    if (state !== State.WAITING_FOR_READINESS) return;
    stats.readinessRequests++;
    if (result.outcome === 'throttled') {
      // Says nothing about the service: no backoff step, and the last real answer (and its long-poll
      // index) stays. A little jitter on top, so that the clients turned away together spread out.
      stats.readinessThrottled++;
      // Never longer than the backoff's cap: a proxy's Retry-After: 3600 must not park the page for an hour.
      const asked = Math.min(result.retryAfterMs, config.backoffMaxMs);
      const wait = asked + Math.floor(env.random() * (asked / 5 + 1));
      pacedUntil = now() + wait;
      emit('onReadinessCheck', { result, longPoll, nextInMs: wait, at: now() });
      whileWaiting(wait, () => pollReadiness());
      emitStats();
      return;
    }
    if (result.outcome === 'garbage' || result.outcome === 'http_error') {
      stats.badReadinessAnswers++;
      problem('BAD_READINESS', `readiness: ${result.detail}`);
    } else if (result.outcome === 'unreachable') {
      stats.readinessUnreachable++;
    }
    lastReadiness = result;
    lastAnswer = { ready: result.ready, at: now() };
    if (result.ready) {
      lastReadyAt = now();
      const spread = result.readiness ? result.readiness.connectSpreadMillis : 0;
      if (spread > 0) {
        const wait = Math.floor(env.random() * spread);
        emit('onReadinessCheck', { result, longPoll, nextInMs: wait, at: now() });
        whileWaiting(wait, () => connect(result));
        return;
      }
      emit('onReadinessCheck', { result, longPoll, nextInMs: null, at: now() });
      connect(result);
      return;
    }
    // Only a long-poll the gateway answered (it held the request on purpose) counts as time already
    // waited; after an error or a timeout the backoff starts from the failure.
    const took = longPoll && result.readiness ? now() - sentAt : 0;
    const delay = nextBackoff({ minimumMs: result.retryAfterMs, alreadyWaitedMs: took }, result.detail);
    if (delay !== null && result.retryAfterMs > 0) pacedUntil = now() + Math.min(delay, result.retryAfterMs);
    emit('onReadinessCheck', { result, longPoll, nextInMs: delay, at: now() });
    if (delay === null) {
      fail(giveUpReason(result.detail));
      return;
    }
    whileWaiting(delay, () => pollReadiness());
    emitStats();
  }

  // ---------------------------------------------------------------------------------------------
  // Connecting
  // ---------------------------------------------------------------------------------------------

  function connect(readiness) {
    if (!breaker.tryAcquire()) {
      const left = breaker.openForMs();
      pacedUntil = now() + left;
      emitStats();
      backOff(`ready, but the circuit breaker is open for another ${seconds(left)}`, { minimumMs: left });
      return;
    }
    const summary = summarize(readiness.readiness);
    transition(State.CONNECTING, summary ? `readiness: ${summary}` : 'readiness: ready',
        readiness.index === null || readiness.index === undefined ? -1 : readiness.index);
    // Judged from the page's own last readiness answer, independently of the decision above.
    if (!lastAnswer || !lastAnswer.ready) stats.connectsWhileNotReady++;
    const myLink = ++link;
    stats.connectAttempts++;
    let ws;
    try {
      ws = new env.WebSocket(wsUrl);
    } catch (e) {
      connectFailed(`cannot open ${wsUrl}: ${e.message || e}`);
      return;
    }
    socket = ws;
    ws.onopen = () => onSocketOpen(myLink);
    ws.onmessage = (event) => onSocketText(myLink, event.data);
    ws.onclose = (event) => onSocketClosed(myLink, event.code, event.reason);
    ws.onerror = () => { /* always followed by a close event, which decides */ };
    stateTimer.schedule(config.connectTimeoutMs, () => {
      if (state === State.CONNECTING) connectFailed(`no welcome within ${seconds(config.connectTimeoutMs)}`);
    });
    emitStats();
  }

  function onSocketOpen(myLink) {
    if (myLink !== link || state !== State.CONNECTING || !socket) return;
    sendFrame(socket, { type: 'hello', lastSeq: session.lastSeq });
  }

  function onWelcome(welcome) {
    if (state !== State.CONNECTING) {
      unexpected(`welcome while ${state}`);
      return;
    }
    const at = now();
    stateTimer.cancel();
    breaker.succeeded();
    giveUpTimer.cancel();
    openedAt = at;
    stable = false;
    startHeartbeat(welcome.heartbeatMillis > 0 ? welcome.heartbeatMillis * config.heartbeatMisses
        : config.fallbackHeartbeatTimeoutMs);
    if (welcome.resumeFrom < session.lastSeq) {
      // Only a server that confirmed its log's head went backwards clamps a hello (close 4003, a
      // restored log): the seqs after resumeFrom are new messages, not duplicates.
      const delivered = session.lastSeq;
      session.rewind(welcome.resumeFrom);
      problem('LOG_REWOUND', `the server's log is behind what was delivered (head ${welcome.head}, delivered up to `
          + `${delivered}): resuming after ${welcome.resumeFrom}; messages from there on are new`);
    }
    const reconnect = everOpened;
    everOpened = true;
    transition(State.OPEN, `welcome from ${welcome.instance} (head ${welcome.head}, resuming after ${session.lastSeq})`);
    if (reconnect) {
      stats.reconnects++;
      emit('onReconnect', { downtimeMs: at - outageStartedAt, readyToOpenMs: lastReadyAt ? at - lastReadyAt : 0,
        reason: lostReason, at });
    }
    lastReadiness = null;
    forgetResends();  // everything pending goes out below anyway
    stableTimer.schedule(config.minimumUptimeMs, () => {
      if (state === State.OPEN) becameStable();
    });
    for (const p of session.unacked()) {
      sendFrame(socket, { type: 'publish', key: p.key, body: p.body });
    }
    emitStats();
  }

  /** The connection lasted the minimum uptime: the next outage starts its backoff from scratch. */
  function becameStable() {
    if (stable) return;
    stable = true;
    attempt = 0;
    emitStats();
  }

  function connectFailed(reason) {
    dropConnection(true);
    stats.failedUpgrades++;
    breaker.failed();
    const why = `failed upgrade: ${reason}`
        + (breaker.state === BreakerState.OPEN ? ' (circuit breaker open: waiting on readiness)' : '');
    problem('CONNECT_FAILED', why);
    backOff(why, {});
  }

  // ---------------------------------------------------------------------------------------------
  // Open connection
  // ---------------------------------------------------------------------------------------------

  function onSocketText(myLink, data) {
    if (myLink !== link || !(state === State.CONNECTING || state === State.OPEN)) return;
    lastFrameAt = now();
    let frame;
    try {
      frame = decodeFrame(data);
    } catch (e) {
      stats.malformedFrames++;
      problem('MALFORMED_FRAME', `malformed frame ignored (${e.message}): ${abbreviate(String(data), 80)}`);
      emitStats();
      return;
    }
    switch (frame.type) {
      case 'welcome': onWelcome(frame); break;
      case 'message': onMessage(frame); break;
      case 'ack': onAck(frame); break;
      case 'error': onServerError(frame); break;
      case 'gap': onGap(frame); break;
      case 'ping': break;  // liveness only; already recorded
      default: unexpected(`${frame.type} frame from the server`);
    }
  }

  function onMessage(message) {
    const last = session.lastSeq;
    const lost = session.deliver(message.seq);
    if (lost === null) {
      stats.duplicates++;
      emitStats();
      return;
    }
    if (lost > 0) {
      stats.lost += lost;
      problem('LOST', `${lost} message(s) skipped: #${last + 1}..${message.seq - 1} never arrived`);
    }
    stats.received++;
    emit('onMessage', message);
    emitStats();
  }

  function onAck(ack) {
    const p = session.remove(ack.key);
    if (!p) return;  // e.g. the second ack of a publish resent after a reconnect
    heldForResend.delete(ack.key);
    resendTimer.resetTries();  // the log stores again: no reason to keep the others waiting long
    stats.lastAckSeq = ack.seq;
    emit('onAck', { key: ack.key, seq: ack.seq, body: p.body, tookMs: now() - p.since });
    emitStats();
  }

  function onServerError(error) {
    if (error.key !== null && session.has(error.key) && isRetryableError(error.code)) {
      holdForResend(error);
      return;
    }
    if (error.key !== null && session.has(error.key)) {
      // Refused for good (e.g. key_conflict, bad_value): not stored. Like the Java client, the publish
      // ends here with the server's reason; the user may publish again.
      const p = session.remove(error.key);
      emit('onPublishRejected', { key: error.key, code: error.code, message: error.message, body: p.body });
      emitStats();
      return;
    }
    problem('SERVER_ERROR', `server error ${error.code}: ${error.message}${error.key ? ` (key ${error.key})` : ''}`);
  }

  /**
   * Not stored, or not known to be: the publish stays pending and goes out again under its key, after
   * the next welcome if the connection drops first, else after a delay that doubles every round
   * without an ack (so a log that keeps failing costs a resend every few seconds, not a loop).
   */
  function holdForResend(error) {
    const p = session.get(error.key);
    stats.publishRetries++;
    heldForResend.add(error.key);
    if (!resendTimer.pending) {
      const rounds = Math.min(resendTimer.tries, 10);
      const ceiling = Math.min(config.resendMaxMs, config.resendInitialMs * Math.pow(2, rounds));
      const delay = Math.floor(ceiling / 2 + env.random() * (ceiling / 2 + 1));
      resendTimer.schedule(delay, resendHeld);
    }
    emit('onPublishRetry', { key: error.key, code: error.code, message: error.message, body: p.body, at: now() });
    problem('PUBLISH_RETRY', `publish ${error.key} not stored yet (${error.code}: ${error.message}); `
        + 'sending it again with the same key');
    emitStats();
  }

  function resendHeld() {
    if (state !== State.OPEN || !socket) return;  // the next welcome resends them
    const again = session.unacked().filter(p => heldForResend.has(p.key));
    heldForResend.clear();
    for (const p of again) sendFrame(socket, { type: 'publish', key: p.key, body: p.body });
  }

  function forgetResends() {
    resendTimer.reset();
    heldForResend.clear();
  }

  function onGap(gap) {
    const lost = session.gap(gap.from, gap.to);
    if (lost === 0) return;
    stats.lost += lost;
    problem('GAP', `server reports messages ${gap.from}..${gap.to} cannot be delivered (${lost} newly lost)`);
    emitStats();
  }

  function onSocketClosed(myLink, code, reason) {
    if (myLink !== link || !(state === State.CONNECTING || state === State.OPEN)) return;  // ours, or stale
    socket = null;
    const description = describeClose(code, reason);
    if (isTerminalClose(code)) {
      dropConnection(false);
      fail(`server closed the connection with ${description}: not reconnecting`);
    } else if (state === State.CONNECTING && isSessionClose(code)) {
      // The instance answered and is fine (e.g. full): not a failed upgrade, but an attempt that did
      // not connect, paced by the usual backoff and followed by readiness.
      dropConnection(false);
      breaker.released();
      backOff(`${description} before welcome`, {});
    } else if (state === State.CONNECTING) {
      connectFailed(`${description} before welcome`);
    } else {
      connectionLost(description);
    }
  }

  function startHeartbeat(timeoutMs) {
    stopHeartbeat();
    heartbeatTimeoutMs = timeoutMs;
    lastFrameAt = now();
    heartbeatTimer.schedule(timeoutMs, checkHeartbeat);
  }

  /** Dead link after heartbeatTimeoutMs of silence; else look again when that much silence could be over. */
  function checkHeartbeat() {
    if (state !== State.OPEN) return;
    const silent = now() - lastFrameAt;
    if (silent >= heartbeatTimeoutMs) {
      stats.heartbeatTimeouts++;
      const reason = `heartbeat timeout: nothing from the server for ${seconds(silent)}`;
      problem('HEARTBEAT_TIMEOUT', reason);
      connectionLost(reason);
    } else {
      heartbeatTimer.schedule(heartbeatTimeoutMs - silent, checkHeartbeat);
    }
  }

  function stopHeartbeat() {
    heartbeatTimer.cancel();
  }

  /** An open connection ended without the page asking. */
  function connectionLost(reason) {
    const at = now();
    dropConnection(true);
    const uptime = at - openedAt;
    if (uptime >= config.minimumUptimeMs) becameStable();
    beginOutage(reason);
    if (stable) {
      waitForReadiness(reason);
    } else {
      backOff(`${reason} after only ${seconds(uptime)} open`, {});
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Backoff, outages, failure
  // ---------------------------------------------------------------------------------------------

  /** The wait after one more failed attempt; null when that was the last allowed (giveUpAttempts). */
  function nextBackoff(hint) {
    attempt++;
    if (config.giveUpAttempts !== null && attempt >= config.giveUpAttempts) return null;
    return backoffDelay(attempt, config, env.random, hint);
  }

  /** ConnectPolicy.giveUpReason */
  function giveUpReason(lastProblem) {
    return `gave up after ${config.giveUpAttempts} failed attempts (last: ${lastProblem})`;
  }

  function backOff(reason, hint) {
    const wait = nextBackoff(hint);
    if (wait === null) {
      fail(giveUpReason(reason));
      return;
    }
    transition(State.BACKING_OFF, `${reason}; next try in ${seconds(wait)}`);
    stateTimer.schedule(wait, () => {
      if (state === State.BACKING_OFF) waitForReadiness(`backoff of ${seconds(wait)} over`);
    });
    emitStats();
  }

  function beginOutage(reason) {
    outageStartedAt = now();
    lostReason = reason;
    lastReadiness = null;
    giveUpTimer.cancel();
    if (config.giveUpAfterMs !== null) {
      giveUpTimer.schedule(config.giveUpAfterMs, () => fail(
          `gave up: not connected within ${seconds(config.giveUpAfterMs)} (last problem: ${reason})`));
    }
  }

  function fail(reason) {
    if (state === State.CLOSED || state === State.FAILED) return;
    const open = socket;
    stopEverything();
    closeQuietly(open, 1000, 'client failed');
    failureReason = reason;
    transition(State.FAILED, reason);
  }

  /** Cancels every timer and request and forgets the socket (without closing it). */
  function stopEverything() {
    link++;
    giveUpTimer.cancel();
    breaker.released();
    while (unsubscribers.length > 0) unsubscribers.pop()();
    stateTimer.cancel();
    stableTimer.cancel();
    forgetResends();
    stopHeartbeat();
    abandonReadiness();
    socket = null;
  }

  function dropConnection(abort) {
    link++;
    stateTimer.cancel();
    stableTimer.cancel();
    forgetResends();
    stopHeartbeat();
    const open = socket;
    socket = null;
    if (abort) closeQuietly(open, 1000, 'client reconnecting');
  }

  // ---------------------------------------------------------------------------------------------
  // The one place where the state changes
  // ---------------------------------------------------------------------------------------------

  /** readinessIndex: for CONNECTING, the index of the readiness answer that allowed the connect (-1: none). */
  function transition(to, reason, readinessIndex = -1) {
    const from = state;
    if (!ALLOWED[from].includes(to)) {
      throw new Error(`illegal transition ${from} -> ${to} (${reason})`);
    }
    state = to;
    emit('onStateChange', { from, to, reason, at: now(), readinessIndex });
    emitStats();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  function sendFrame(ws, frame) {
    try {
      ws.send(JSON.stringify(frame));
    } catch (e) {
      // A socket that is closing drops the frame; publishes stay pending and are resent after the welcome.
      problem('SEND_FAILED', `could not send ${frame.type}: ${e.message || e}`);
    }
  }

  function closeQuietly(ws, code, reason) {
    if (!ws) return;
    try {
      ws.close(code, reason);
    } catch (e) { /* already closed */ }
  }

  function unexpected(what) {
    stats.unexpectedFrames++;
    problem('UNEXPECTED_FRAME', `unexpected ${what} ignored`);
    emitStats();
  }

  function problem(kind, message) {
    emit('onProblem', { kind, message, at: now() });
  }

  function emit(method, value) {
    const fn = listener[method];
    if (typeof fn !== 'function') return;
    try {
      fn(value);
    } catch (e) {
      // A listener that throws must not stop the client.
      if (globalThis.console) console.warn(`reconnect.js: listener ${method} threw; ignored`, e);
    }
  }

  function emitStats() {
    emit('onStats', snapshot());
  }

  function snapshot() {
    return { ...stats, lastSeq: session.lastSeq, pending: session.size, restored: session.restored, state, stable,
      failureReason, attempt, breaker: breaker.state, offline, pendingPublishes: session.unacked() };
  }

  /** Forgets the saved session (lastSeq and unacked publishes) of this gateway in this tab. */
  function forgetSavedSession() {
    session.forget();
  }

  function listen(target, type, handler) {
    if (!target || typeof target.addEventListener !== 'function') return;
    target.addEventListener(type, handler);
    unsubscribers.push(() => target.removeEventListener(type, handler));
  }

  return {
    start,
    publish,
    close,
    networkChanged,
    forgetSavedSession,
    get state() { return state; },
    get breakerState() { return breaker.state; },
    get failureReason() { return failureReason; },
    stats: snapshot,
    webSocketUrl: wsUrl,
    readinessUrl,
  };
}

