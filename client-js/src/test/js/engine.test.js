// The client's policy against fake time, fetch and sockets: readiness first, backoff, close codes,
// heartbeat, resume by seq. (The transition table is checked against the shared conformance table.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, flush } from './harness.js';
import { State, backoffDelay, DEFAULTS } from '../../main/js/reconnect.js';

test('readiness first: no socket until the gateway says ready, then hello and OPEN', async () => {
  const h = harness();
  h.client.start();
  await flush();
  assert.equal(h.state, State.WAITING_FOR_READINESS);
  assert.equal(h.fetch.requests.length, 1);
  assert.equal(h.fetch.requests[0].url, 'http://127.0.0.1:29999/readiness');
  assert.equal(h.sockets.length, 0);

  await h.answer(false, { index: 42 });
  assert.equal(h.state, State.WAITING_FOR_READINESS);
  assert.equal(h.sockets.length, 0, 'no connect on a not-ready answer');
  await h.time.advance(h.time.nextDueIn());
  assert.equal(h.fetch.requests.length, 2);
  assert.match(h.fetch.requests[1].url, /\/readiness\?index=42&wait=30000ms$/,
    'the next ask is a long-poll on the index, its wait in ms as the Java client writes it');
  assert.equal(h.sockets.length, 0);

  await h.answer(true, { index: 43 });
  assert.equal(h.state, State.CONNECTING);
  assert.equal(h.sockets.length, 1);
  assert.equal(h.socket.url, 'ws://127.0.0.1:29999/ws');
  assert.equal(h.events.states.at(-1).readinessIndex, 43);
  h.socket.serverOpens();
  assert.deepEqual(h.socket.sent, [{ type: 'hello', lastSeq: 0 }]);
  h.socket.welcome();
  assert.equal(h.state, State.OPEN);
  assert.equal(h.client.stats().connectsWhileNotReady, 0);
  assert.deepEqual(h.transitions(), ['NEW->WAITING_FOR_READINESS', 'WAITING_FOR_READINESS->CONNECTING',
    'CONNECTING->OPEN']);
});

test('a gateway that does not answer is asked again after a backoff, never connected to', async () => {
  const h = harness();
  h.client.start();
  await flush();
  h.fetch.fail();
  await flush();
  assert.equal(h.state, State.WAITING_FOR_READINESS);
  assert.equal(h.client.stats().readinessUnreachable, 1);
  await h.time.advance(h.time.nextDueIn());
  assert.equal(h.fetch.requests.length, 2);
  assert.equal(h.fetch.requests[1].url, 'http://127.0.0.1:29999/readiness', 'no index known: a plain check');
  assert.equal(h.sockets.length, 0);
});

test('full jitter: a uniformly random wait up to the exponential ceiling, capped', () => {
  const config = { backoffInitialMs: 500, backoffMultiplier: 2, backoffMaxMs: 10_000 };
  assert.equal(backoffDelay(1, config, () => 0), 0);
  assert.equal(backoffDelay(1, config, () => 0.9999999), 500);
  assert.equal(backoffDelay(3, config, () => 0.9999999), 2000);
  assert.equal(backoffDelay(30, config, () => 0.9999999), 10_000, 'capped at backoffMaxMs');
  assert.equal(backoffDelay(3, config, () => 0.5), 1000);
  assert.equal(backoffDelay(3, config, () => 0.5, { alreadyWaitedMs: 600 }), 400, 'minus what was waited');
  assert.equal(backoffDelay(3, config, () => 0.5, { minimumMs: 30_000 }), 30_000, 'Retry-After wins, even above the cap');
  const oneAndAHalf = { backoffInitialMs: 100, backoffMultiplier: 1.5, backoffMaxMs: 10_000 };
  assert.equal(backoffDelay(4, oneAndAHalf, () => 1 - 1e-9), 337, 'a ceiling of 337.5 ms is 337, as the Java client floors it');
  assert.equal(backoffDelay(5, oneAndAHalf, () => 1 - 1e-9), 506);
});

test('a not-ready answer with Retry-After is not asked again before it', async () => {
  const h = harness({ random: () => 0 });  // the jittered part would be 0
  h.client.start();
  await flush();
  await h.answer(false, { headers: { 'Retry-After': '7' } });
  assert.equal(h.events.checks.at(-1).nextInMs, 7000);
  await h.time.advance(6999);
  assert.equal(h.fetch.requests.length, 1);
  await h.time.advance(1);
  assert.equal(h.fetch.requests.length, 2);
});

test('a 429 waits Retry-After plus up to a fifth, and is no failed attempt', async () => {
  const h = harness({ random: () => 0.9999999 });
  h.client.start();
  await flush();
  h.fetch.respond(429, { error: 'too many waiting' }, { 'Retry-After': '2' });
  await flush();
  assert.equal(h.events.checks.at(-1).result.outcome, 'throttled');
  assert.equal(h.events.checks.at(-1).nextInMs, 2400);
  assert.equal(h.client.stats().attempt, 0, 'a throttled answer says nothing about the service');
  await h.time.advance(2399);
  assert.equal(h.fetch.requests.length, 1);
  await h.time.advance(1);
  assert.equal(h.fetch.requests.length, 2);
});

for (const code of [1008, 4400, 4450, 4499]) {
  test(`close ${code} is terminal: FAILED, no readiness check, no reconnect`, async () => {
    const h = harness();
    h.client.start();
    await flush();
    await h.connect();
    h.socket.serverCloses(code, 'go away');
    assert.equal(h.state, State.FAILED);
    assert.match(h.client.failureReason, new RegExp(`${code}`));
    await h.time.advance(120_000);
    assert.equal(h.fetch.requests.length, 1);
    assert.equal(h.sockets.length, 1);
    assert.throws(() => h.client.publish('x'), /FAILED/);
  });
}

for (const code of [4000, 4003, 4099, 1001, 1006, 1011]) {
  test(`close ${code} of a stable connection is an ordinary drop: readiness first, then reconnect`, async () => {
    const h = harness();
    h.client.start();
    await flush();
    await h.connect();
    await h.time.advance(DEFAULTS.minimumUptimeMs);
    h.socket.serverCloses(code, '');
    assert.equal(h.state, State.WAITING_FOR_READINESS);
    assert.equal(h.fetch.open().length, 1, 'asks readiness at once');
    await h.connect();
    assert.equal(h.state, State.OPEN);
    assert.equal(h.client.stats().reconnects, 1);
    assert.equal(h.events.reconnects.length, 1);
    if (code >= 4000) assert.match(h.events.states.find(c => c.from === 'OPEN').reason, /closed by the server/);
  });
}

test('close 4002 before the welcome (instance full) backs off without counting a failed upgrade', async () => {
  const h = harness();
  h.client.start();
  await flush();
  await h.answer(true);
  h.socket.serverOpens();
  h.socket.serverCloses(4002, 'instance full');
  assert.equal(h.state, State.BACKING_OFF);
  assert.equal(h.client.stats().failedUpgrades, 0);
  assert.match(h.events.states.at(-1).reason, /instance full \(4002\) before welcome/);
});

test('close 1006 before the welcome is a failed upgrade, and the next try waits for readiness again', async () => {
  const h = harness();
  h.client.start();
  await flush();
  await h.answer(true);
  h.socket.serverCloses(1006, '');
  assert.equal(h.state, State.BACKING_OFF);
  assert.equal(h.client.stats().failedUpgrades, 1);
  await h.time.advance(h.time.nextDueIn());
  assert.equal(h.state, State.WAITING_FOR_READINESS);
  assert.equal(h.sockets.length, 1, 'no connect before the next ready answer');
});

test('no welcome within the connect timeout is a failed upgrade', async () => {
  const h = harness({ config: { connectTimeoutMs: 2000 } });
  h.client.start();
  await flush();
  await h.answer(true);
  h.socket.serverOpens();
  await h.time.advance(1999);
  assert.equal(h.state, State.CONNECTING);
  await h.time.advance(1);
  assert.equal(h.state, State.BACKING_OFF);
  assert.deepEqual(h.sockets[0].closedByClient, { code: 1000, reason: 'client reconnecting' });
});

test('heartbeat: silence of heartbeatMisses x the announced interval ends the connection; any frame resets it', async () => {
  const h = harness();
  h.client.start();
  await flush();
  const socket = await h.connect({ heartbeatMillis: 1000 });
  await h.time.advance(2500);
  socket.serverSends({ type: 'ping', serverTime: 1 });
  await h.time.advance(2999);
  assert.equal(h.state, State.OPEN, 'the ping at 2.5 s moved the deadline');
  await h.time.advance(1);
  assert.notEqual(h.state, State.OPEN);
  assert.equal(h.client.stats().heartbeatTimeouts, 1);
  assert.ok(h.events.problems.some(p => p.kind === 'HEARTBEAT_TIMEOUT'));
  assert.ok(socket.closedByClient, 'the dead socket is closed');
});

test('resume by seq: the hello after a reconnect carries the last seq seen; duplicates are dropped', async () => {
  const h = harness();
  h.client.start();
  await flush();
  const first = await h.connect();
  for (const seq of [1, 2, 3]) first.serverSends({ type: 'message', seq, body: `m${seq}`, publishedAt: 5 });
  await h.time.advance(DEFAULTS.minimumUptimeMs);
  first.serverCloses(1001, 'going away');
  await h.answer(true);
  const second = h.socket;
  second.serverOpens();
  assert.deepEqual(second.sent[0], { type: 'hello', lastSeq: 3 });
  second.welcome({ resumeFrom: 3 });
  second.serverSends({ type: 'message', seq: 3, body: 'm3', publishedAt: 5 });
  second.serverSends({ type: 'message', seq: 4, body: 'm4', publishedAt: 6 });
  assert.deepEqual(h.events.messages.map(m => m.seq), [1, 2, 3, 4]);
  const stats = h.client.stats();
  assert.equal(stats.duplicates, 1);
  assert.equal(stats.lost, 0);
  assert.equal(stats.lastSeq, 4);
});

test('a skipped seq and a gap frame count as lost', async () => {
  const h = harness();
  h.client.start();
  await flush();
  const socket = await h.connect();
  socket.serverSends({ type: 'message', seq: 1, body: 'a', publishedAt: 1 });
  socket.serverSends({ type: 'message', seq: 4, body: 'b', publishedAt: 1 });
  socket.serverSends({ type: 'gap', from: 5, to: 6 });
  const stats = h.client.stats();
  assert.equal(stats.lost, 4);
  assert.equal(stats.lastSeq, 6);
  assert.ok(h.events.problems.some(p => p.kind === 'LOST'));
  assert.ok(h.events.problems.some(p => p.kind === 'GAP'));
});

test('a malformed frame is counted and ignored, the connection stays', async () => {
  const h = harness();
  h.client.start();
  await flush();
  const socket = await h.connect();
  socket.serverSends('{not json');
  socket.serverSends({ type: 'message', seq: -1, body: 'x' });
  assert.equal(h.state, State.OPEN);
  assert.equal(h.client.stats().malformedFrames, 2);
});

test('close() by the page is CLOSED, closes the socket, and stops every timer', async () => {
  const h = harness();
  h.client.start();
  await flush();
  const socket = await h.connect();
  h.client.close();
  assert.equal(h.state, State.CLOSED);
  assert.deepEqual(socket.closedByClient, { code: 1000, reason: 'page closing' });
  socket.serverCloses(1000);
  assert.equal(h.state, State.CLOSED);
  assert.equal(h.time.nextDueIn(), null, 'no timer left');
});

test('bad options fail at once with the reason', () => {
  assert.throws(() => harness({ config: { backofInitialMs: 1 } }), /unknown config option "backofInitialMs"/);
  assert.throws(() => harness({ config: { backoffMaxMs: -5 } }), /backoffMaxMs must be a whole number of at least 1, was -5/);
  assert.throws(() => harness({ config: { giveUpAttempts: 0 } }), /giveUpAttempts must be null/);
  assert.throws(() => harness({ config: { backoffInitialMs: 20_000 } }),
    /backoffMaxMs \(10000\) must not be below config.backoffInitialMs \(20000\)/, 'as the Java client\'s BackoffConfig');
  assert.throws(() => harness({ config: { backoffMultiplier: Infinity } }), /backoffMultiplier must be a finite number/);
});

test('a readiness request without an answer times out: counted as unreachable, aborted, backed off', async () => {
  const h = harness({ config: { readinessTimeoutMs: 3000 } });
  h.client.start();
  await flush();
  await h.time.advance(2999);
  assert.equal(h.client.stats().readinessUnreachable, 0);
  await h.time.advance(1);
  assert.equal(h.client.stats().readinessUnreachable, 1);
  assert.equal(h.fetch.requests[0].aborted, true);
  assert.match(h.events.checks[0].result.detail, /no answer within 3\.0 s/);
  assert.equal(h.state, State.WAITING_FOR_READINESS);
  assert.equal(h.sockets.length, 0);
});

test('a crowd told ready at once: each connect waits a random place in connectSpreadMillis', async () => {
  const h = harness({ random: () => 0.5 });
  h.client.start();
  await flush();
  await h.answer(true, { spread: 2000 });
  assert.equal(h.events.checks[0].nextInMs, 1000);
  await h.time.advance(999);
  assert.equal(h.sockets.length, 0);
  await h.time.advance(1);
  assert.equal(h.sockets.length, 1);
  assert.equal(h.state, State.CONNECTING);
});

test('an answer that comes after close() is ignored', async () => {
  const h = harness();
  h.client.start();
  await flush();
  const request = h.fetch.requests[0];
  h.client.close();
  assert.equal(request.aborted, true);
  request.resolve({ status: 200, headers: { get: () => null }, text: async () => JSON.stringify({ ready: true }) });
  await flush();
  assert.equal(h.state, State.CLOSED);
  assert.equal(h.sockets.length, 0);
});

test('a page that closes the client from its OPEN callback leaves no timer running after CLOSED', async () => {
  const h = harness();
  const record = h.events.states.push.bind(h.events.states);
  h.events.states.push = (change) => {
    const n = record(change);
    if (change.to === State.OPEN) h.client.close();
    return n;
  };
  h.client.start();
  await flush();
  await h.connect();
  assert.equal(h.state, State.CLOSED);
  assert.equal(h.time.nextDueIn(), null, 'no minimum-uptime, heartbeat or connect timer left');
});
