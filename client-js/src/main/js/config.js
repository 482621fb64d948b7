// config.js: the client's settings (DEFAULTS, checked overrides) and its options (the gateway's URLs,
// the listener, the environment), each checked where it is given, with the reason (like the Java
// client's ClientConfig records). The defaults shared with the Java client are also written down in
// conformance/reconnect-policy.json ("clientDefaults"), which the tests of both clients check.

import { defaultEnv } from './environment.js';
import { webSocketUrlFor } from './protocol.js';

/** Same values as the Java client's ClientConfig defaults, except the backoff cap (10 s here, 15 s there). */
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
  resendMaxMs: 5_000,             // … up to this while no ack comes (PublishReplies.RESEND_*)
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

/** DEFAULTS overridden by overrides, every value checked: a bad setting throws, naming it. */
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
  if (typeof config.backoffMultiplier !== 'number' || !(config.backoffMultiplier >= 1)
      || !Number.isFinite(config.backoffMultiplier)) {
    throw new RangeError(`config.backoffMultiplier must be a finite number of at least 1, was ${config.backoffMultiplier}`);
  }
  if (config.backoffMaxMs < config.backoffInitialMs) {
    // BackoffConfig's rule: a cap below the first ceiling would make backoffInitialMs meaningless.
    throw new RangeError(`config.backoffMaxMs (${config.backoffMaxMs}) must not be below config.backoffInitialMs `
        + `(${config.backoffInitialMs})`);
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

/**
 * createReconnectingClient's options, checked: { env, config, listener, readinessUrl, webSocketUrl }.
 *
 * options.gateway       base URL of the gateway (default: the page's location)
 * options.webSocketUrl  default: ws(s)://<gateway host>/ws
 * options.config        overrides of DEFAULTS
 * options.listener      the callbacks of reconnect.d.ts ClientListener (all optional)
 * options.env           replaces parts of the browser (environment.js), for tests
 */
export function resolveOptions(options) {
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
  const webSocketUrl = options.webSocketUrl || webSocketUrlFor(base);
  if (!/^wss?:$/.test(new URL(webSocketUrl).protocol)) {
    throw new TypeError(`options.webSocketUrl must be a ws(s) URL, was ${webSocketUrl}`);
  }
  if (typeof env.WebSocket !== 'function') throw new TypeError('no WebSocket in this environment (env.WebSocket)');
  if (typeof env.fetch !== 'function') throw new TypeError('no fetch in this environment (env.fetch)');
  return { env, config, listener, readinessUrl, webSocketUrl };
}
