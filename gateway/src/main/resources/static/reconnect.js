// reconnect.js: the browser's reconnection policy for the gateway's /ws stream. No framework, no build
// step. It mirrors the Java client (client/src/main/java/dev/reconnect/client/ClientEngine.java):
//
//   NEW ─start─▶ WAITING_FOR_READINESS ─ready─▶ CONNECTING ─welcome─▶ OPEN
//                   ▲   ▲ (polls /readiness, backing off        │ failed upgrade    │ lost (stable)
//                   │   │  between not-ready answers)           ▼                   │
//                   │   └────────────────────────────── BACKING_OFF ◀── lost before minimum uptime
//                   └──────────────────────────────────────────────────────────────┘
//   any ─page's own close─▶ CLOSED          any ─close 1008 / 4400-4499─▶ FAILED
//
// A close 4000-4099 (too slow, instance full, …) is an ordinary unplanned drop: readiness first, then
// reconnect and resume. A readiness 429 means "ask again after Retry-After", nothing more. A publish
// answered with a retryable error (log_unavailable, outcome_unknown, busy) stays pending and goes out
// again under the same key, so the log stores it once.
//
// transition() is the only place where the state changes. Every timer, request and socket carries a
// generation number, so that a late callback of something abandoned is ignored. Time, timers, fetch,
// WebSocket and randomness come from the `env` parameter object, so the policy can be unit-tested
// with a fake clock and fake sockets.

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
  NEW: [State.WAITING_FOR_READINESS, State.CLOSED],
  WAITING_FOR_READINESS: [State.CONNECTING, State.BACKING_OFF, State.CLOSED, State.FAILED],
  CONNECTING: [State.OPEN, State.BACKING_OFF, State.CLOSED, State.FAILED],
  OPEN: [State.WAITING_FOR_READINESS, State.BACKING_OFF, State.CLOSED, State.FAILED],
  BACKING_OFF: [State.WAITING_FOR_READINESS, State.CLOSED, State.FAILED],
  CLOSED: [],
  FAILED: [],
});

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
  maxKeyChars: 128,               // Limits.MAX_KEY_CHARS
  resendInitialMs: 250,           // a publish refused for now is sent again after this, doubling …
  resendMaxMs: 5_000,             // … up to this while no ack comes (ClientEngine.RESEND_*)
});

/**
 * Limits.MAX_FRAME_BYTES: the largest frame either side sends, in UTF-8 bytes. A body is limited by
 * the widest frame that will carry it, checked the way FrameCodec.requirePublishable checks it.
 */
export const MAX_FRAME_BYTES = 64 * 1024;

/** The seq and publishedAt the server's check assumes for the message frame (Long.MAX_VALUE). */
const WIDEST_LONG = '9223372036854775807';

/** UTF-8 bytes of the widest frame that carries body: the publish frame under key, or the message frame. */
export function widestFrameBytes(key, body) {
  const encoder = new TextEncoder();
  const publish = JSON.stringify({ type: 'publish', key, body });
  const message = `{"type":"message","seq":${WIDEST_LONG},"body":${JSON.stringify(body)},"publishedAt":${WIDEST_LONG}}`;
  return Math.max(encoder.encode(publish).length, encoder.encode(message).length);
}

/** null when the server will take body under key, else its reason in the server's words. */
export function publishableError(key, body) {
  const widest = widestFrameBytes(key, body);
  if (widest <= MAX_FRAME_BYTES) return null;
  return `"body" is too large: the frame carrying it would be ${widest} bytes and the limit is ${MAX_FRAME_BYTES}`
      + ' bytes (UTF-8, after JSON escaping; control characters take 6 bytes each)';
}

/** CloseCodes.isTerminal: the server refuses this client for good. */
export function isTerminalClose(code) {
  return code === 1008 || (code >= 4400 && code <= 4499);
}

/** CloseCodes.isSessionClose: this session was closed while the instance is fine; reconnect and resume. */
export function isSessionClose(code) {
  return code >= 4000 && code <= 4099;
}

const SESSION_CLOSE_WORDS = Object.freeze({
  4000: 'too slow',
  4001: 'no hello in time',
  4002: 'instance full',
  4003: 'the log went backwards, resynchronising',
});

/** How a close is told in the timeline, e.g. "closed by the server: too slow (4000)" (ClientEngine.describeClose). */
export function describeClose(code, reason) {
  const text = reason ? String(reason).trim() : '';
  if (!isSessionClose(code)) return `close ${code}${text ? ' ' + text : ''}`;
  const words = SESSION_CLOSE_WORDS[code] || 'session closed';
  const base = `closed by the server: ${words} (${code})`;
  return !text || text.toLowerCase() === words ? base : `${base}: ${text}`;
}

/** ErrorCodes.isRetryable: the publish was not stored, or may not have been; send it again under its key. */
export function isRetryableError(code) {
  return code === 'log_unavailable' || code === 'outcome_unknown' || code === 'busy';
}

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

/** The Retry-After header as milliseconds: delta-seconds or an HTTP-date; 0 when absent or unreadable. */
export function parseRetryAfter(header, nowMs) {
  const max = 10 * 60_000;
  if (header == null) return 0;
  const value = String(header).trim();
  if (/^\d+$/.test(value)) {
    return Math.min(max, Number(value) * 1000);
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) return 0;
  return Math.min(max, Math.max(0, at - nowMs));
}

/**
 * Turns whatever came back from GET /readiness into a result; never throws (ReadinessParser).
 * outcome: 'ready' | 'not_ready' | 'throttled' (429: ask again after Retry-After) | 'garbage' (not JSON /
 * not a readiness answer) | 'http_error' | 'unreachable'
 */
export function parseReadiness(status, retryAfterHeader, bodyText, nowMs) {
  let retryAfterMs = parseRetryAfter(retryAfterHeader, nowMs);
  const result = (outcome, readiness, index, detail) => ({ outcome, ready: outcome === 'ready', readiness, index,
    retryAfterMs, detail, status });
  if (status === 429) {
    if (retryAfterMs <= 0) retryAfterMs = 1000;  // still "not now", whatever the header said
    return result('throttled', null, null, `gateway busy, asked to wait ${retryAfterMs} ms (HTTP 429${errorText(bodyText)})`);
  }
  if (status !== 200 && status !== 503) {
    return result('http_error', null, null, `HTTP ${status}${snippet(bodyText)}`);
  }
  let node;
  try {
    node = JSON.parse(bodyText);
  } catch (e) {
    node = undefined;
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node) || typeof node.ready !== 'boolean') {
    return result('garbage', null, null, `not a readiness answer (HTTP ${status}${snippet(bodyText)})`);
  }
  const rawServices = node.services === undefined || node.services === null ? [] : node.services;
  if (!Array.isArray(rawServices) || rawServices.some(s => s === null || typeof s !== 'object')) {
    return result('garbage', null, null, `malformed readiness answer (HTTP ${status})`);
  }
  const readiness = {
    ready: node.ready,
    registry: typeof node.registry === 'string' ? node.registry : 'unknown',
    stale: node.stale === true,
    index: Number.isSafeInteger(node.index) ? node.index : null,
    // > 0 when the gateway woke a crowd of waiting clients at once: take a random place in that window.
    connectSpreadMillis: Number.isSafeInteger(node.connectSpreadMillis) && node.connectSpreadMillis > 0
      ? node.connectSpreadMillis : 0,
    services: rawServices.map(s => ({
      name: typeof s.name === 'string' ? s.name : '?',
      status: typeof s.status === 'string' ? s.status : '?',
      passing: Number.isSafeInteger(s.passing) ? s.passing : 0,
    })),
  };
  // The status is authoritative: a 503 is never "ready", whatever the body says.
  const ready = status === 200 && readiness.ready;
  const summary = summarize(readiness);
  return result(ready ? 'ready' : 'not_ready', readiness, readiness.index,
      (ready ? 'ready' : 'not ready') + (summary ? ` (${summary})` : ''));
}

/** e.g. "ws-service passing=1, api-service passing=0 (registry unavailable, stale)". */
export function summarize(readiness) {
  if (!readiness) return '';
  let text = readiness.services.map(s => `${s.name} passing=${s.passing}`).join(', ');
  if (!text) text = readiness.ready ? 'ready' : 'not ready';
  if (readiness.stale || readiness.registry !== 'up') {
    text += ` (registry ${readiness.registry}${readiness.stale ? ', stale' : ''})`;
  }
  return text;
}

/**
 * Checks one server frame the way FrameCodec.decode does: strict about the fields it needs, lenient
 * about extra ones. Returns the frame object, or throws an Error whose message says what is wrong.
 */
export function decodeFrame(text) {
  if (typeof text !== 'string') throw new Error('binary frame (the protocol is JSON text)');
  let node;
  try {
    node = JSON.parse(text);
  } catch (e) {
    throw new Error('frame is not valid JSON');
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    throw new Error('frame must be a JSON object with a "type"');
  }
  const str = (field) => {
    if (typeof node[field] !== 'string') throw new Error(`"${field}" must be a string`);
    return node[field];
  };
  const num = (field, optional, positive) => {
    const value = node[field];
    if (value === undefined || value === null) {
      if (optional) return 0;
      throw new Error(`"${field}" is missing`);
    }
    if (!Number.isSafeInteger(value)) throw new Error(`"${field}" must be a whole number`);
    if (value < 0) throw new Error(`"${field}" must not be negative`);
    if (positive && value === 0) throw new Error(`"${field}" must be at least 1`);
    return value;
  };
  switch (node.type) {
    case 'welcome':
      return { type: 'welcome', instance: str('instance'), head: num('head'), resumeFrom: num('resumeFrom'),
        heartbeatMillis: num('heartbeatMillis') };
    case 'message':
      return { type: 'message', seq: num('seq', false, true), body: str('body'),
        publishedAt: num('publishedAt', true) };
    case 'ack':
      return { type: 'ack', key: str('key'), seq: num('seq', false, true) };
    case 'error':
      return { type: 'error', code: str('code'), message: str('message'),
        key: typeof node.key === 'string' ? node.key : null };
    case 'ping':
      return { type: 'ping', serverTime: num('serverTime', true) };
    case 'gap':
      return { type: 'gap', from: num('from', false, true), to: num('to', false, true) };
    case 'hello':
    case 'publish':
      return { type: node.type };          // valid frames, but only a client sends them
    case undefined:
    case '':
      throw new Error('frame has no "type"');
    default:
      throw new Error(`unknown frame type "${abbreviate(String(node.type), 40)}"`);
  }
}

/** ws(s)://<host of base>/ws */
export function webSocketUrlFor(base) {
  const url = new URL('/ws', base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
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
  };
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
 * Creates one reconnecting client.
 *
 * options.gateway   base URL of the gateway (default: the page's origin)
 * options.config    overrides of DEFAULTS
 * options.listener  { onStateChange(change), onReadinessCheck(check), onMessage(msg), onAck(ack),
 *                     onPublishRejected(rejection), onProblem(problem), onStats(stats) } (all optional)
 * options.env       { clock: {now}, timers: {setTimeout, clearTimeout}, fetch, WebSocket, random, newKey }
 */
export function createReconnectingClient(options = {}) {
  const env = { ...defaultEnv(), ...(options.env || {}) };
  const config = { ...DEFAULTS, ...(options.config || {}) };
  const listener = options.listener || {};
  const base = options.gateway || globalThis.location.href;
  const readinessUrl = new URL('/readiness', base).toString();
  const wsUrl = options.webSocketUrl || webSocketUrlFor(base);
  const now = () => env.clock.now();

  const stats = {
    received: 0, duplicates: 0, lost: 0, reconnects: 0, connectAttempts: 0, failedUpgrades: 0,
    readinessRequests: 0, badReadinessAnswers: 0, readinessUnreachable: 0, readinessThrottled: 0, malformedFrames: 0,
    unexpectedFrames: 0, heartbeatTimeouts: 0, connectsWhileNotReady: 0, lastSeq: 0, pending: 0,
    lastAckSeq: null, publishRetries: 0,
  };

  let state = State.NEW;
  let failureReason = null;
  let attempt = 0;          // backoff attempt; reset only after a connection stayed open minimumUptimeMs
  let step = 0;             // generation of the pending readiness request / state timer / connect timeout
  let link = 0;             // generation of the current socket's events
  let stepTimer = null;
  let stableTimer = null;
  let heartbeatTimer = null;
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
  const pending = new Map();  // key → { key, body, since }: publishes without an ack, oldest first
  const heldForResend = new Set();  // keys the server answered with a retryable error on this connection
  let resendTimer = null;
  let resendRound = 0;        // resends on this connection since the last ack: paces the next one
  let offline = typeof env.isOnline === 'function' ? !env.isOnline() : false;

  // ---------------------------------------------------------------------------------------------
  // Commands
  // ---------------------------------------------------------------------------------------------

  function start() {
    if (state !== State.NEW) return;
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
    if (pending.size >= config.maxPending) throw new Error(`${config.maxPending} publishes are waiting for an ack already`);
    pending.set(key, { key, body, since: now() });
    stats.pending = pending.size;
    if (state === State.OPEN && socket) {
      sendFrame(socket, { type: 'publish', key, body });
    }
    emitStats();
    return key;
  }

  /**
   * The browser's 'online'/'offline' events. Offline: no readiness requests (they could only fail);
   * an open socket is left to the heartbeat, which notices a dead link anyway. Online: ask readiness
   * at once, without waiting out a backoff that only measured the network being away.
   */
  function networkChanged(online) {
    if (online === !offline) return;
    offline = !online;
    if (state === State.CLOSED || state === State.FAILED || state === State.NEW) return;
    if (offline) {
      problem('OFFLINE', 'the browser is offline: no readiness checks until it is back online');
      if (state === State.WAITING_FOR_READINESS) {
        clearTimer(stepTimer);
        if (readinessAbort) {
          readinessAbort.abort();
          readinessAbort = null;
        }
        pollReadiness();  // parks it
      }
      return;
    }
    if (state === State.WAITING_FOR_READINESS) {
      clearTimer(stepTimer);
      lastReadiness = null;  // a plain check: the network, not readiness, was what changed
      pollReadiness();
    } else if (state === State.BACKING_OFF) {
      step++;
      clearTimer(stepTimer);
      waitForReadiness('the browser is back online');
    }
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

  function pollReadiness(evenOffline = false) {
    const myStep = ++step;
    if (offline && !evenOffline) {
      // A request now would most likely fail, so ask only once per backoffMaxMs; not never, since
      // navigator.onLine can be wrong (a machine with only a loopback interface reports offline).
      // The 'online' event asks again at once.
      emitStats();
      stepTimer = env.timers.setTimeout(() => {
        if (myStep === step && state === State.WAITING_FOR_READINESS) pollReadiness(true);
      }, config.backoffMaxMs);
      return;
    }
    // Long-poll once this outage has seen a not-ready answer with an index: it returns when it changes.
    const longPoll = lastReadiness !== null && !lastReadiness.ready && lastReadiness.index !== null;
    const url = longPoll
        ? `${readinessUrl}?index=${lastReadiness.index}&wait=${Math.round(config.readinessWaitMs / 1000)}s`
        : readinessUrl;
    const timeoutMs = longPoll ? config.readinessWaitMs + config.readinessTimeoutMs : config.readinessTimeoutMs;
    const sentAt = now();
    const abort = typeof AbortController === 'function' ? new AbortController() : null;
    readinessAbort = abort;
    let done = false;
    let timer = null;
    const answered = (result, error) => {
      if (done) return;
      done = true;
      clearTimer(timer);
      onReadinessAnswer(myStep, longPoll, sentAt, error ? unreachable(error) : result);
    };
    timer = env.timers.setTimeout(() => {
      if (abort) abort.abort();
      // Without AbortController the late answer is simply ignored (done is set).
      answered(null, new Error(`no answer within ${seconds(timeoutMs)}`));
    }, timeoutMs);
    let request;
    try {
      request = env.fetch(url, {
        cache: 'no-store', headers: { Accept: 'application/json' }, signal: abort ? abort.signal : undefined,
      });
    } catch (e) {
      request = Promise.reject(e);
    }
    Promise.resolve(request)
        .then(response => response.text().then(text => parseReadiness(response.status,
            response.headers.get('Retry-After'), text, now())))
        .then(result => answered(result, null), error => answered(null, error));
  }

  function unreachable(error) {
    const why = (error && error.message) || String(error);
    return { outcome: 'unreachable', ready: false, readiness: null, index: null, retryAfterMs: 0,
      detail: `gateway unreachable (${why})`, status: 0 };
  }

  function onReadinessAnswer(myStep, longPoll, sentAt, result) {
    if (myStep !== step || state !== State.WAITING_FOR_READINESS) return;  // abandoned
    readinessAbort = null;
    stats.readinessRequests++;
    if (result.outcome === 'throttled') {
      // Says nothing about the service: no backoff step, and the last real answer (and its long-poll
      // index) stays. A little jitter on top, so that the clients turned away together spread out.
      stats.readinessThrottled++;
      // Never longer than the backoff's cap: a proxy's Retry-After: 3600 must not park the page for an hour.
      const asked = Math.min(result.retryAfterMs, config.backoffMaxMs);
      const wait = asked + Math.floor(env.random() * (asked / 5 + 1));
      emit('onReadinessCheck', { result, longPoll, nextInMs: wait, at: now() });
      const myNext = ++step;
      stepTimer = env.timers.setTimeout(() => {
        if (myNext === step && state === State.WAITING_FOR_READINESS) pollReadiness();
      }, wait);
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
        const myTurn = ++step;
        stepTimer = env.timers.setTimeout(() => {
          if (myTurn === step && state === State.WAITING_FOR_READINESS) connect(result);
        }, wait);
        return;
      }
      emit('onReadinessCheck', { result, longPoll, nextInMs: null, at: now() });
      connect(result);
      return;
    }
    const delay = nextBackoff({ minimumMs: result.retryAfterMs, alreadyWaitedMs: now() - sentAt });
    emit('onReadinessCheck', { result, longPoll, nextInMs: delay, at: now() });
    const myNext = ++step;
    stepTimer = env.timers.setTimeout(() => {
      if (myNext === step && state === State.WAITING_FOR_READINESS) pollReadiness();
    }, delay);
    emitStats();
  }

  // ---------------------------------------------------------------------------------------------
  // Connecting
  // ---------------------------------------------------------------------------------------------

  function connect(readiness) {
    const summary = summarize(readiness.readiness);
    transition(State.CONNECTING, summary ? `readiness: ${summary}` : 'readiness: ready',
        readiness.index === null || readiness.index === undefined ? -1 : readiness.index);
    // Judged from the page's own last readiness answer, independently of the decision above.
    if (!lastAnswer || !lastAnswer.ready) stats.connectsWhileNotReady++;
    const myLink = ++link;
    const myStep = ++step;
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
    stepTimer = env.timers.setTimeout(() => {
      if (myStep === step && myLink === link && state === State.CONNECTING) {
        connectFailed(`no welcome within ${seconds(config.connectTimeoutMs)}`);
      }
    }, config.connectTimeoutMs);
    emitStats();
  }

  function onSocketOpen(myLink) {
    if (myLink !== link || state !== State.CONNECTING || !socket) return;
    sendFrame(socket, { type: 'hello', lastSeq: stats.lastSeq });
  }

  function onWelcome(welcome) {
    if (state !== State.CONNECTING) {
      unexpected(`welcome while ${state}`);
      return;
    }
    const at = now();
    step++;
    clearTimer(stepTimer);
    openedAt = at;
    stable = false;
    startHeartbeat(welcome.heartbeatMillis > 0 ? welcome.heartbeatMillis * config.heartbeatMisses
        : config.fallbackHeartbeatTimeoutMs);
    if (welcome.resumeFrom < stats.lastSeq) {
      // Only a server that confirmed its log's head went backwards clamps a hello (close 4003, a
      // restored log): the seqs after resumeFrom are new messages, not duplicates.
      const delivered = stats.lastSeq;
      stats.lastSeq = welcome.resumeFrom;
      problem('LOG_REWOUND', `the server's log is behind what was delivered (head ${welcome.head}, delivered up to `
          + `${delivered}): resuming after ${welcome.resumeFrom}; messages from there on are new`);
    }
    const reconnect = everOpened;
    everOpened = true;
    transition(State.OPEN, `welcome from ${welcome.instance} (head ${welcome.head}, resuming after ${stats.lastSeq})`);
    if (reconnect) {
      stats.reconnects++;
      emit('onReconnect', { downtimeMs: at - outageStartedAt, readyToOpenMs: lastReadyAt ? at - lastReadyAt : 0,
        reason: lostReason, at });
    }
    lastReadiness = null;
    forgetResends();  // everything pending goes out below anyway
    const myLink = link;
    stableTimer = env.timers.setTimeout(() => {
      if (myLink === link && state === State.OPEN) becameStable();
    }, config.minimumUptimeMs);
    for (const p of pending.values()) {
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
    problem('CONNECT_FAILED', `failed upgrade: ${reason}`);
    backOff(`failed upgrade: ${reason}`, {});
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
    const last = stats.lastSeq;
    if (message.seq <= last) {
      stats.duplicates++;
      emitStats();
      return;
    }
    const lost = message.seq - last - 1;
    if (lost > 0) {
      stats.lost += lost;
      problem('LOST', `${lost} message(s) skipped: #${last + 1}..${message.seq - 1} never arrived`);
    }
    stats.lastSeq = message.seq;
    stats.received++;
    emit('onMessage', message);
    emitStats();
  }

  function onAck(ack) {
    const p = pending.get(ack.key);
    if (!p) return;  // e.g. the second ack of a publish resent after a reconnect
    pending.delete(ack.key);
    heldForResend.delete(ack.key);
    resendRound = 0;  // the log stores again: no reason to keep the others waiting long
    stats.pending = pending.size;
    stats.lastAckSeq = ack.seq;
    emit('onAck', { key: ack.key, seq: ack.seq, body: p.body, tookMs: now() - p.since });
    emitStats();
  }

  function onServerError(error) {
    if (error.key !== null && pending.has(error.key) && isRetryableError(error.code)) {
      holdForResend(error);
      return;
    }
    if (error.key !== null && pending.has(error.key)) {
      // Refused for good (e.g. key_conflict, bad_value): not stored. Like the Java client, the publish
      // ends here with the server's reason; the user may publish again.
      const p = pending.get(error.key);
      pending.delete(error.key);
      stats.pending = pending.size;
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
    const p = pending.get(error.key);
    stats.publishRetries++;
    heldForResend.add(error.key);
    if (resendTimer === null) {
      const ceiling = Math.min(config.resendMaxMs, config.resendInitialMs * Math.pow(2, Math.min(resendRound, 10)));
      const delay = Math.floor(ceiling / 2 + env.random() * (ceiling / 2 + 1));
      const myLink = link;
      resendTimer = env.timers.setTimeout(() => resendHeld(myLink), delay);
    }
    emit('onPublishRetry', { key: error.key, code: error.code, message: error.message, body: p.body, at: now() });
    problem('PUBLISH_RETRY', `publish ${error.key} not stored yet (${error.code}: ${error.message}); `
        + 'sending it again with the same key');
    emitStats();
  }

  function resendHeld(myLink) {
    resendTimer = null;
    if (myLink !== link || state !== State.OPEN || !socket) return;  // the next welcome resends them
    resendRound++;
    const again = Array.from(pending.values()).filter(p => heldForResend.has(p.key));
    heldForResend.clear();
    for (const p of again) sendFrame(socket, { type: 'publish', key: p.key, body: p.body });
  }

  function forgetResends() {
    clearTimer(resendTimer);
    resendTimer = null;
    resendRound = 0;
    heldForResend.clear();
  }

  function onGap(gap) {
    const last = stats.lastSeq;
    if (gap.to <= last || gap.to < gap.from) return;
    const lost = gap.to - Math.max(gap.from, last + 1) + 1;
    stats.lastSeq = gap.to;
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
    armHeartbeat(timeoutMs, link);
  }

  function armHeartbeat(delay, myLink) {
    heartbeatTimer = env.timers.setTimeout(() => {
      if (myLink !== link || state !== State.OPEN) return;
      const silent = now() - lastFrameAt;
      if (silent >= heartbeatTimeoutMs) {
        stats.heartbeatTimeouts++;
        const reason = `heartbeat timeout: nothing from the server for ${seconds(silent)}`;
        problem('HEARTBEAT_TIMEOUT', reason);
        connectionLost(reason);
      } else {
        armHeartbeat(heartbeatTimeoutMs - silent, myLink);
      }
    }, delay);
  }

  function stopHeartbeat() {
    clearTimer(heartbeatTimer);
    heartbeatTimer = null;
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

  function nextBackoff(hint) {
    attempt++;
    return backoffDelay(attempt, config, env.random, hint);
  }

  function backOff(reason, hint) {
    const wait = nextBackoff(hint);
    transition(State.BACKING_OFF, `${reason}; next try in ${seconds(wait)}`);
    const myStep = ++step;
    stepTimer = env.timers.setTimeout(() => {
      if (myStep === step && state === State.BACKING_OFF) waitForReadiness(`backoff of ${seconds(wait)} over`);
    }, wait);
    emitStats();
  }

  function beginOutage(reason) {
    outageStartedAt = now();
    lostReason = reason;
    lastReadiness = null;
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
    step++;
    link++;
    clearTimer(stepTimer);
    clearTimer(stableTimer);
    forgetResends();
    stopHeartbeat();
    if (readinessAbort) {
      readinessAbort.abort();
      readinessAbort = null;
    }
    socket = null;
  }

  function dropConnection(abort) {
    step++;
    link++;
    clearTimer(stepTimer);
    clearTimer(stableTimer);
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

  function clearTimer(id) {
    if (id !== null && id !== undefined) env.timers.clearTimeout(id);
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
    stats.pending = pending.size;
    emit('onStats', snapshot());
  }

  function snapshot() {
    return { ...stats, state, stable, failureReason, attempt, pendingPublishes: Array.from(pending.values()) };
  }

  return {
    start,
    publish,
    close,
    networkChanged,
    get state() { return state; },
    stats: snapshot,
    webSocketUrl: wsUrl,
    readinessUrl,
  };
}

function seconds(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function errorText(body) {
  try {
    const node = JSON.parse(body);
    if (node && typeof node.error === 'string') return `: ${abbreviate(node.error, 60)}`;
  } catch (e) { /* not JSON */ }
  return body && String(body).trim() ? snippet(body) : '';
}

function snippet(body) {
  const flat = String(body == null ? '' : body).replace(/\s+/g, ' ').trim();
  if (!flat) return ', empty body';
  return `: "${abbreviate(flat, 60)}"`;
}

function abbreviate(text, max) {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : flat.slice(0, max) + '…';
}
