// harness.js: fakes for the client's env (time and timers, fetch, WebSocket, storage, browser events)
// and a client wired to them. Nothing here sleeps: time moves only when a test calls advance().

import { createReconnectingClient } from '../../main/js/reconnect.js';

/** Lets the promise callbacks that are due run (a fetch answer travels through a few of them). */
export async function flush() {
  for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve));
}

/** A clock and timers that move only when told to; due timers run in time order, ties in order of creation. */
export class FakeTime {
  constructor() {
    this.nowMs = 1_000_000;
    this.nextId = 1;
    this.tasks = new Map();
  }

  now() { return this.nowMs; }

  setTimeout(fn, ms) {
    const id = this.nextId++;
    this.tasks.set(id, { id, at: this.nowMs + Math.max(0, ms || 0), fn });
    return id;
  }

  clearTimeout(id) { this.tasks.delete(id); }

  /** Moves time forward by ms, running every timer that falls due, and what their promises do. */
  async advance(ms) {
    const end = this.nowMs + ms;
    await flush();
    for (;;) {
      let next = null;
      for (const task of this.tasks.values()) {
        if (task.at <= end && (next === null || task.at < next.at || (task.at === next.at && task.id < next.id))) {
          next = task;
        }
      }
      if (next === null) break;
      this.tasks.delete(next.id);
      this.nowMs = next.at;
      next.fn();
      await flush();
    }
    this.nowMs = end;
  }

  /** ms until the earliest pending timer (null when none). */
  nextDueIn() {
    let min = null;
    for (const task of this.tasks.values()) if (min === null || task.at < min) min = task.at;
    return min === null ? null : min - this.nowMs;
  }
}

/** fetch that records every request and answers only when the test says what to answer. */
export class FakeFetch {
  constructor() {
    this.requests = [];
    this.fn = (url, init = {}) => new Promise((resolve, reject) => {
      const request = { url: String(url), init, resolve, reject, answered: false, aborted: false };
      this.requests.push(request);
      if (init.signal) {
        init.signal.addEventListener('abort', () => {
          request.aborted = true;
          const error = new Error('The operation was aborted');
          error.name = 'AbortError';
          reject(error);
        });
      }
    });
  }

  /** The requests not yet answered nor aborted. */
  open() { return this.requests.filter(r => !r.answered && !r.aborted); }

  /** Answers the oldest open request. */
  respond(status, body, headers = {}) {
    const request = this.open()[0];
    if (!request) throw new Error('no readiness request is waiting for an answer');
    request.answered = true;
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    request.resolve({
      status,
      headers: { get: (name) => (name.toLowerCase() in lower ? lower[name.toLowerCase()] : null) },
      text: () => Promise.resolve(typeof body === 'string' ? body : JSON.stringify(body)),
    });
    return request;
  }

  /** The oldest open request fails as if the gateway did not answer. */
  fail(message = 'connection refused') {
    const request = this.open()[0];
    if (!request) throw new Error('no readiness request is waiting for an answer');
    request.answered = true;
    request.reject(new TypeError(message));
    return request;
  }
}

export function readiness(ready, { index = 7, services, spread = 0 } = {}) {
  return {
    ready, registry: 'up', stale: false, index, connectSpreadMillis: spread,
    services: services || [{ name: 'ws-service', status: ready ? 'passing' : 'critical', passing: ready ? 1 : 0 }],
  };
}

/** A WebSocket class whose instances the test drives from the server's side. */
export function fakeWebSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.closedByClient = null;
      sockets.push(this);
    }

    send(text) {
      if (this.closedByClient) throw new Error('socket is closed');
      this.sent.push(JSON.parse(text));
    }

    close(code, reason) { this.closedByClient = { code, reason }; }

    // --- the server's side ---
    serverOpens() { this.onopen && this.onopen({}); }

    serverSends(frame) { this.onmessage && this.onmessage({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) }); }

    serverCloses(code, reason = '') { this.onclose && this.onclose({ code, reason }); }

    welcome({ instance = 'ws-1', head = 0, resumeFrom, heartbeatMillis = 60_000 } = {}) {
      const hello = this.sent.find(f => f.type === 'hello');
      this.serverSends({ type: 'welcome', instance, head,
        resumeFrom: resumeFrom === undefined ? (hello ? hello.lastSeq : 0) : resumeFrom, heartbeatMillis });
    }

    publishes() { return this.sent.filter(f => f.type === 'publish'); }
  }
  FakeWebSocket.sockets = sockets;
  return FakeWebSocket;
}

/**
 * A sessionStorage stand-in that records every write. refuse(key), when set, is called before a write
 * and refuses it by throwing (a full storage, or one a sandboxed frame may not use).
 */
export class FakeStorage {
  constructor() {
    this.map = new Map();
    this.writes = [];
    this.refuse = null;
  }

  getItem(key) { return this.map.has(key) ? this.map.get(key) : null; }

  setItem(key, value) {
    if (this.refuse) this.refuse(key);
    this.writes.push({ key, value: String(value) });
    this.map.set(key, String(value));
  }

  removeItem(key) { this.map.delete(key); }
}

/** What a browser throws when sessionStorage is full. */
export function quotaExceeded() {
  throw new DOMException('Setting the value exceeded the quota.', 'QuotaExceededError');
}

/**
 * A client on fakes, recording everything its listener hears.
 * opts: config, storage, online (initial), random, time (share one FakeTime between two clients)
 */
export function harness(opts = {}) {
  const time = opts.time || new FakeTime();
  const fetch = new FakeFetch();
  const WebSocket = fakeWebSocketClass();
  const network = new EventTarget();
  const doc = new EventTarget();
  doc.visibilityState = 'visible';
  let online = opts.online === undefined ? true : opts.online;
  let keys = 0;
  const events = { states: [], checks: [], messages: [], acks: [], retries: [], rejections: [], problems: [],
    reconnects: [], abandoned: [] };
  const client = createReconnectingClient({
    gateway: 'http://127.0.0.1:29999/',
    config: opts.config || {},
    listener: {
      onStateChange: (c) => events.states.push(c),
      onReadinessCheck: (c) => events.checks.push(c),
      onMessage: (m) => events.messages.push(m),
      onAck: (a) => events.acks.push(a),
      onPublishRetry: (r) => events.retries.push(r),
      onPublishRejected: (r) => events.rejections.push(r),
      onProblem: (p) => events.problems.push(p),
      onReconnect: (r) => events.reconnects.push(r),
      onPublishAbandoned: (a) => events.abandoned.push(a),
    },
    env: {
      clock: { now: () => time.now() },
      timers: { setTimeout: (fn, ms) => time.setTimeout(fn, ms), clearTimeout: (id) => time.clearTimeout(id) },
      fetch: fetch.fn,
      WebSocket,
      random: opts.random || (() => 0.5),
      newKey: () => `key-${++keys}`,
      storage: opts.storage === undefined ? null : opts.storage,
      isOnline: () => online,
      network,
      document: doc,
    },
  });
  const h = {
    client, time, fetch, WebSocket, sockets: WebSocket.sockets, network, doc, events,
    get state() { return client.state; },
    get socket() { return WebSocket.sockets[WebSocket.sockets.length - 1]; },
    setOnline(value) {
      online = value;
      network.dispatchEvent(new Event(value ? 'online' : 'offline'));
    },
    setVisible(value) {
      doc.visibilityState = value ? 'visible' : 'hidden';
      doc.dispatchEvent(new Event('visibilitychange'));
    },
    /** The oldest open readiness request gets a 200 ready / 503 not-ready answer. */
    async answer(ready, options = {}) {
      const request = fetch.respond(ready ? 200 : 503, readiness(ready, options), options.headers || {});
      await flush();
      return request;
    },
    /** From a readiness request waiting for its answer to OPEN: ready, the socket opens, hello, welcome. */
    async connect(welcome = {}) {
      await h.answer(true);
      const socket = h.socket;
      socket.serverOpens();
      socket.welcome(welcome);
      await flush();
      return socket;
    },
    transitions() { return events.states.map(c => `${c.from}->${c.to}`); },
  };
  return h;
}

/** A started client on fakes (opts as for harness()), OPEN on its first socket. */
export async function openClient(opts = {}) {
  const h = harness(opts);
  h.client.start();
  await flush();
  const socket = await h.connect();
  return { h, socket };
}
