// The shared conformance table (conformance/reconnect-policy.json at the repository root), which the Java
// client's ConformanceTableTest runs too: the same steps against this engine on fake time, fetch and
// sockets must give the same transitions, delays and counters. The table's "about" says what each step means.
// Its other sections (allowed transitions, defaults, close codes, publish errors) are checked against this
// client's code here and against the Java client's in ConformanceTablesTest, so neither copy can drift.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { harness, flush, readiness, FakeStorage } from './harness.js';
import {
  DEFAULTS, State, canMoveTo, describeClose, isRetryableError, isSessionClose, isTerminalClose,
} from '../../main/js/reconnect.js';

const TABLE_PATH = fileURLToPath(new URL('../../../../conformance/reconnect-policy.json', import.meta.url));
const table = JSON.parse(readFileSync(TABLE_PATH, 'utf8'));

/** The top of every random range, as the table says: a draw just below 1. */
const TOP_OF_RANGE = () => 1 - 1e-9;

/** The table's configuration names, in this client's terms. */
function configOf(config = {}) {
  const out = {};
  if (config.backoffMs) {
    out.backoffInitialMs = config.backoffMs.initial;
    out.backoffMultiplier = config.backoffMs.multiplier;
    out.backoffMaxMs = config.backoffMs.max;
  }
  if ('minimumUptimeMs' in config) out.minimumUptimeMs = config.minimumUptimeMs;
  if (config.breaker) {
    out.breakerFailures = config.breaker.failures;
    out.breakerOpenWaitMs = config.breaker.openMs;
  }
  if ('giveUpAfterAttempts' in config) out.giveUpAttempts = config.giveUpAfterAttempts;
  if ('giveUpAfterMs' in config) out.giveUpAfterMs = config.giveUpAfterMs;
  for (const key of Object.keys(config)) {
    if (!['backoffMs', 'minimumUptimeMs', 'breaker', 'giveUpAfterAttempts', 'giveUpAfterMs'].includes(key)) {
      throw new Error(`the table names a setting this runner does not know: ${key}`);
    }
  }
  return out;
}

function socketOf(h, where) {
  assert.ok(h.socket, `a socket at ${where}`);
  return h.socket;
}

async function apply(h, kind, value, where) {
  switch (kind) {
    case 'readiness': {
      assert.equal(h.fetch.open().length, 1, `exactly one readiness request waiting for its answer at ${where}`);
      const status = value.status ?? 200;
      const headers = value.retryAfter === undefined ? {} : { 'Retry-After': value.retryAfter };
      const body = status === 429 ? '' : readiness(value.ready, { index: value.index, spread: value.spreadMs ?? 0,
        services: [{ name: 'ws-service', status: value.ready ? 'passing' : 'critical', passing: value.ready ? 1 : 0 },
          { name: 'api-service', status: 'passing', passing: 1 }] });
      h.fetch.respond(status, body, headers);
      break;
    }
    case 'readinessUnreachable':
      assert.equal(h.fetch.open().length, 1, `exactly one readiness request waiting for its answer at ${where}`);
      h.fetch.fail();
      break;
    case 'open': socketOf(h, where).serverOpens(); break;
    case 'welcome': socketOf(h, where).welcome({ head: value.head, heartbeatMillis: value.heartbeatMs }); break;
    case 'messages':
      for (const seq of value) socketOf(h, where).serverSends({ type: 'message', seq, body: `body ${seq}`, ts: 0 });
      break;
    case 'garbage': socketOf(h, where).serverSends(value); break;
    case 'serverClose': socketOf(h, where).serverCloses(value.code, value.reason); break;
    // A browser's WebSocket cannot tell a refused connection from a refused upgrade (whatever its HTTP
    // status): either is a close 1006 before the socket ever opened.
    case 'refused': socketOf(h, where).serverCloses(1006, ''); break;
    case 'rejectUpgrade': socketOf(h, where).serverCloses(1006, ''); break;
    case 'advance': await h.time.advance(value); break;
    case 'expect': expect(h, value, where); break;
    default: throw new Error(`unknown step '${kind}' at ${where}`);
  }
  await flush();
}

function expect(h, expected, where) {
  const stats = h.client.stats();
  for (const [key, value] of Object.entries(expected)) {
    const as = `${key} at ${where}`;
    switch (key) {
      case 'state': assert.equal(h.state, value, as); break;
      case 'connects': assert.equal(h.sockets.length, value, as); break;
      case 'readinessRequests': assert.equal(h.fetch.requests.length, value, as); break;
      case 'lastCheckNextTryMs':
        assert.ok(h.events.checks.length > 0, as);
        assert.equal(h.events.checks.at(-1).nextInMs, value, as);
        break;
      case 'helloLastSeq': {
        const hellos = socketOf(h, where).sent.filter(f => f.type === 'hello');
        assert.ok(hellos.length > 0, as);
        assert.equal(hellos.at(-1).lastSeq, value, as);
        break;
      }
      case 'lastSeq': assert.equal(stats.lastSeq, value, as); break;
      case 'received': assert.equal(stats.received, value, as); break;
      case 'duplicates': assert.equal(stats.duplicates, value, as); break;
      case 'lost': assert.equal(stats.lost, value, as); break;
      case 'breaker': assert.equal(h.client.breakerState, value, as); break;
      default: throw new Error(`unknown expectation '${key}' at ${where}`);
    }
  }
}

test('the conformance table has cases', () => {
  assert.ok(table.cases.length > 0, TABLE_PATH);
});

for (const testCase of table.cases) {
  test(`conformance: ${testCase.name}`, async () => {
    const config = { ...configOf(table.defaults), ...configOf(testCase.config) };
    const storage = new FakeStorage();
    if (testCase.startAfterSeq) {
      // This client's resume position is what the page saved before a reload; the client reads it when made.
      const webSocketUrl = harness({ config }).client.webSocketUrl;
      storage.setItem(`reconnect:${webSocketUrl}`, JSON.stringify({ lastSeq: testCase.startAfterSeq, pending: [] }));
    }
    const h = harness({ config, random: TOP_OF_RANGE, storage });
    h.client.start();
    await flush();
    let number = 0;
    for (const step of testCase.steps) {
      number++;
      const [kind, value] = Object.entries(step)[0];
      await apply(h, kind, value, `step ${number} ${JSON.stringify(step)}, transitions so far ${h.transitions()}`);
    }
    assert.deepEqual(h.events.states.map(c => c.to), testCase.transitions, 'transitions');
  });
}

test('allowedTransitions is this client\'s canMoveTo', () => {
  const allowed = table.allowedTransitions;
  assert.deepEqual(Object.keys(allowed).sort(), Object.values(State).sort());
  for (const from of Object.values(State)) {
    for (const to of Object.values(State)) {
      assert.equal(canMoveTo(from, to), allowed[from].includes(to), `${from} -> ${to}`);
    }
  }
});

test('clientDefaults are this client\'s DEFAULTS, setting by setting', () => {
  const browser = {};
  for (const [name, value] of Object.entries(table.clientDefaults)) {
    const mine = value !== null && typeof value === 'object' ? value.browser : value;
    if (mine !== undefined) browser[name] = mine;
  }
  assert.deepEqual(browser, { ...DEFAULTS });
});

test('closeCodes: how this client takes each close and tells it', () => {
  for (const { code, reason, kind, described } of table.closeCodes) {
    const mine = isTerminalClose(code) ? 'terminal' : isSessionClose(code) ? 'session' : 'drop';
    assert.equal(mine, kind, `close ${code}`);
    assert.equal(describeClose(code, reason), described, `close ${code} "${reason}"`);
  }
});

test('publishErrors: the codes after which this client sends a publish again under its key', () => {
  for (const code of table.publishErrors.retryable) assert.equal(isRetryableError(code), true, code);
  for (const code of table.publishErrors.final) assert.equal(isRetryableError(code), false, code);
});
