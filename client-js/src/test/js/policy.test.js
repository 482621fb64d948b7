// Circuit breaker, give-up, minimum uptime, resume across a reload, the browser's network and
// visibility events, and the Timer: the policy the Java client has (ConnectPolicy, Outage).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, flush, FakeStorage, FakeTime } from './harness.js';
import { State, BreakerState, createBreaker, Timer, DEFAULTS } from '../../main/js/reconnect.js';

test('breaker: opens after N failed connects in a row, refuses until the wait is over, one trial when half-open', () => {
  let now = 0;
  const breaker = createBreaker({ failures: 3, openWaitMs: 5000, now: () => now });
  for (let i = 0; i < 2; i++) {
    assert.equal(breaker.tryAcquire(), true);
    breaker.failed();
  }
  assert.equal(breaker.state, BreakerState.CLOSED);
  assert.equal(breaker.tryAcquire(), true);
  breaker.succeeded();                       // a success breaks the run of failures
  for (let i = 0; i < 3; i++) {
    assert.equal(breaker.tryAcquire(), true);
    breaker.failed();
  }
  assert.equal(breaker.state, BreakerState.OPEN);
  assert.equal(breaker.tryAcquire(), false);
  now += 2000;
  assert.equal(breaker.openForMs(), 3001, 'the rest of the wait, and the millisecond after it');
  now += 3000;
  assert.equal(breaker.openForMs(), 1);
  assert.equal(breaker.tryAcquire(), false, 'a trial only strictly after the wait, as in the Java client');
  now += 1;
  assert.equal(breaker.openForMs(), 0);
  assert.equal(breaker.state, BreakerState.OPEN, 'no timer of its own: half-open only when asked');
  assert.equal(breaker.tryAcquire(), true);
  assert.equal(breaker.state, BreakerState.HALF_OPEN);
  assert.equal(breaker.tryAcquire(), false, 'one trial at a time');
  breaker.released();                        // the trial said nothing (instance full): another may go
  assert.equal(breaker.tryAcquire(), true);
  breaker.failed();
  assert.equal(breaker.state, BreakerState.OPEN, 'a failed trial opens it again');
  now += 5001;
  assert.equal(breaker.tryAcquire(), true);
  breaker.succeeded();
  assert.equal(breaker.state, BreakerState.CLOSED);
});

/** From WAITING_FOR_READINESS: ready, and the socket closes 1006 before the welcome. */
async function failedUpgrade(h) {
  await h.answer(true);
  h.socket.serverCloses(1006, '');
  await flush();
}

test('the client opens its breaker after breakerFailures failed upgrades and does not connect while it is open', async () => {
  const h = harness({ config: { breakerFailures: 2, breakerOpenWaitMs: 8000 } });
  h.client.start();
  await flush();
  await failedUpgrade(h);
  assert.equal(h.client.breakerState, BreakerState.CLOSED);
  await h.time.advance(h.time.nextDueIn());          // backoff over: readiness again
  await failedUpgrade(h);
  assert.equal(h.client.breakerState, BreakerState.OPEN);
  assert.equal(h.client.stats().breaker, 'OPEN');
  assert.match(h.events.states.at(-1).reason, /circuit breaker open/);
  await h.time.advance(h.time.nextDueIn());
  assert.equal(h.state, State.WAITING_FOR_READINESS);
  await h.answer(true);                               // ready, but the breaker refuses
  assert.equal(h.sockets.length, 2, 'no connect while the breaker is open');
  assert.equal(h.state, State.BACKING_OFF);
  assert.match(h.events.states.at(-1).reason, /ready, but the circuit breaker is open for another/);
  await h.time.advance(h.time.nextDueIn());           // the backoff lasts at least what is left of the open wait
  await h.connect();                                  // the trial connect
  assert.equal(h.sockets.length, 3);
  assert.equal(h.state, State.OPEN);
  assert.equal(h.client.breakerState, BreakerState.CLOSED);
});

test('giveUpAttempts: FAILED after that many failed attempts, with the reason', async () => {
  const h = harness({ config: { giveUpAttempts: 3 } });
  h.client.start();
  await flush();
  for (let i = 0; i < 2; i++) {
    h.fetch.fail('connection refused');
    await flush();
    assert.equal(h.state, State.WAITING_FOR_READINESS);
    await h.time.advance(h.time.nextDueIn());
  }
  h.fetch.fail('connection refused');
  await flush();
  assert.equal(h.state, State.FAILED);
  assert.match(h.client.failureReason, /^gave up after 3 failed attempts \(last: gateway unreachable \(connection refused\)\)$/);
  assert.equal(h.time.nextDueIn(), null, 'nothing left scheduled');
});

test('giveUpAfterMs: FAILED when one outage lasts that long; a connection in time cancels it', async () => {
  const h = harness({ config: { giveUpAfterMs: 20_000 } });
  h.client.start();
  await flush();
  await h.connect();
  await h.time.advance(25_000);
  assert.equal(h.state, State.OPEN, 'connected within the limit: no give-up');
  h.socket.serverCloses(1006);
  for (let waited = 0; h.state !== State.FAILED && waited < 60_000; waited += 1000) {
    if (h.fetch.open().length > 0) h.fetch.fail();
    await h.time.advance(1000);
  }
  assert.equal(h.state, State.FAILED);
  assert.match(h.client.failureReason, /^gave up: not connected within 20\.0 s \(last problem: close 1006\)$/);
  assert.equal(h.fetch.open().length, 0, 'the request out was abandoned');
});

test('minimum uptime: a connection lost sooner backs off without resetting the backoff; a stable one resets it', async () => {
  const h = harness({ config: { minimumUptimeMs: 5000 } });
  h.client.start();
  await flush();
  h.fetch.fail();
  await h.time.advance(h.time.nextDueIn());
  assert.equal(h.client.stats().attempt, 1);
  const first = await h.connect();
  await h.time.advance(1000);
  first.serverCloses(1006);
  assert.equal(h.state, State.BACKING_OFF, 'lost after 1 s: back off first');
  assert.match(h.events.states.at(-1).reason, /after only 1\.0 s open/);
  assert.equal(h.client.stats().attempt, 2, 'the backoff kept counting');
  await h.time.advance(h.time.nextDueIn());
  const second = await h.connect();
  await h.time.advance(4999);
  assert.equal(h.client.stats().stable, false);
  await h.time.advance(1);
  assert.equal(h.client.stats().stable, true);
  assert.equal(h.client.stats().attempt, 0, 'reset once the connection lasted the minimum uptime');
  second.serverCloses(1006);
  assert.equal(h.state, State.WAITING_FOR_READINESS, 'a stable connection lost: readiness at once');
});

test('resume across a reload: lastSeq and the unacked publishes come back from storage', async () => {
  const storage = new FakeStorage();
  const time = new FakeTime();
  const before = harness({ storage, time });
  before.client.start();
  await flush();
  const socket = await before.connect();
  for (const seq of [1, 2, 3, 4, 5]) socket.serverSends({ type: 'message', seq, body: `m${seq}`, publishedAt: 1 });
  const acked = before.client.publish('acked');
  const unacked = before.client.publish('unacked');
  socket.serverSends({ type: 'ack', key: acked, seq: 6 });
  before.client.close();                               // the page's pagehide

  const after = harness({ storage, time });            // the reloaded page
  assert.equal(after.client.stats().lastSeq, 5);
  assert.equal(after.client.stats().restored, true);
  assert.deepEqual(after.client.stats().pendingPublishes.map(p => [p.key, p.body]), [[unacked, 'unacked']]);
  after.client.start();
  await flush();
  await after.answer(true);
  after.socket.serverOpens();
  assert.deepEqual(after.socket.sent[0], { type: 'hello', lastSeq: 5 });
  after.socket.welcome();
  assert.deepEqual(after.socket.publishes(), [{ type: 'publish', key: unacked, body: 'unacked' }],
    'resent under the same key, so the log stores it once');
  after.socket.serverSends({ type: 'message', seq: 5, body: 'm5', publishedAt: 1 });
  assert.equal(after.client.stats().duplicates, 1);
});

test('a saved session that is not ours is ignored with a problem, and forgetSavedSession() clears it', () => {
  const storage = new FakeStorage();
  storage.setItem('reconnect:ws://127.0.0.1:29999/ws', '{"lastSeq":"x"}');
  const h = harness({ storage });
  assert.equal(h.client.stats().lastSeq, 0);
  assert.ok(h.events.problems.some(p => p.kind === 'STORAGE'));
  h.client.publish('a');
  assert.notEqual(storage.getItem('reconnect:ws://127.0.0.1:29999/ws'), null);
  h.client.forgetSavedSession();
  assert.equal(storage.getItem('reconnect:ws://127.0.0.1:29999/ws'), null);
});

test('offline: no readiness requests while the browser is offline; online asks after a jitter only', async () => {
  const h = harness({ online: false, config: { backoffMaxMs: 10_000, backoffInitialMs: 500 } });
  h.client.start();
  await flush();
  assert.equal(h.fetch.requests.length, 0, 'offline at start: no request');
  await h.time.advance(9_999);
  assert.equal(h.fetch.requests.length, 0);
  h.setOnline(true);
  await flush();
  assert.equal(h.fetch.requests.length, 0, 'not at the very instant every page on the network comes back');
  await h.time.advance(250);                 // random 0.5 of backoffInitialMs: the jitter
  assert.equal(h.fetch.requests.length, 1, 'asked once the jitter is over, not after the offline probe interval');
  h.setOnline(false);
  await flush();
  assert.equal(h.fetch.requests[0].aborted, true, 'the request out is abandoned');
  assert.ok(h.events.problems.some(p => p.kind === 'OFFLINE'));
  await h.time.advance(9_999);
  assert.equal(h.fetch.requests.length, 1);
});

test('offline: navigator.onLine may be wrong, so an offline client still asks once per backoffMaxMs', async () => {
  const h = harness({ online: false, config: { backoffMaxMs: 10_000 } });
  h.client.start();
  await flush();
  await h.time.advance(10_000);
  assert.equal(h.fetch.requests.length, 1);
});

test('online while backing off: readiness after a jitter instead of the rest of the backoff', async () => {
  const h = harness({ config: { backoffInitialMs: 8000 } });
  h.client.start();
  await flush();
  await h.answer(true);
  h.socket.serverCloses(1006);
  assert.equal(h.state, State.BACKING_OFF);
  h.setOnline(false);
  h.setOnline(true);
  await flush();
  assert.equal(h.state, State.BACKING_OFF, 'a jitter first: every page on the network comes back at once');
  await h.time.advance(4000);                // random 0.5 of backoffInitialMs
  assert.equal(h.state, State.WAITING_FOR_READINESS);
  assert.equal(h.fetch.open().length, 1);
});

test('online does not cut short what the gateway asked for: a Retry-After still runs out', async () => {
  const h = harness({ config: { backoffInitialMs: 100, backoffMaxMs: 10_000 } });
  h.client.start();
  await flush();
  h.fetch.respond(429, '', { 'Retry-After': '5' });
  await flush();
  assert.equal(h.events.checks.at(-1).nextInMs, 5500);   // 5 s and half of the fifth more (random 0.5)
  h.setOnline(false);
  h.setOnline(true);
  await flush();
  await h.time.advance(5499);
  assert.equal(h.fetch.requests.length, 1, 'not before the Retry-After the gateway asked for');
  await h.time.advance(100);                 // and at most the jitter after it
  assert.equal(h.fetch.requests.length, 2);
});

test('online does not cut short an open breaker\'s wait', async () => {
  const h = harness({ config: { backoffInitialMs: 100, breakerFailures: 1, breakerOpenWaitMs: 5000 } });
  h.client.start();
  await flush();
  await h.answer(true);
  h.socket.serverCloses(1006);               // a failed upgrade: the breaker opens for 5 s
  await h.time.advance(h.time.nextDueIn());  // the backoff is over: readiness again
  await h.answer(true);                      // ready, but the breaker refuses: backing off for its wait
  assert.equal(h.state, State.BACKING_OFF);
  assert.equal(h.client.breakerState, 'OPEN');
  h.setOnline(false);
  h.setOnline(true);
  await flush();
  await h.time.advance(1000);
  assert.equal(h.state, State.BACKING_OFF, 'still within the breaker\'s wait');
  await h.time.advance(5000);
  assert.equal(h.state, State.WAITING_FOR_READINESS);
});

test('visible again: a heartbeat deadline that passed in a throttled background tab is noticed at once', async () => {
  const h = harness();
  h.client.start();
  await flush();
  await h.connect({ heartbeatMillis: 1000 });
  h.setVisible(false);
  // A hidden tab's timers may be delayed: time passes, the heartbeat timer has not run yet.
  h.time.nowMs += 10_000;
  h.setVisible(true);
  assert.notEqual(h.state, State.OPEN);
  assert.equal(h.client.stats().heartbeatTimeouts, 1);
});

test('visible again: a wait between readiness checks that is over is acted on at once, one not over is kept', async () => {
  const h = harness({ random: () => 0 });
  h.client.start();
  await flush();
  await h.answer(false, { index: null, headers: { 'Retry-After': '20' } });
  h.setVisible(false);
  h.time.nowMs += 10_000;                              // throttled: no timer ran
  h.setVisible(true);
  await flush();
  assert.equal(h.fetch.requests.length, 1, 'Retry-After is not over: no request');
  h.setVisible(false);
  h.time.nowMs += 10_000;
  h.setVisible(true);
  await flush();
  assert.equal(h.fetch.requests.length, 2, 'the wait is over: asked at once');
  h.setVisible(true);                                  // a request is out: not a second one
  await flush();
  assert.equal(h.fetch.requests.length, 2);
});

test('close() stops listening to the browser\'s events', async () => {
  const h = harness({ online: false });
  h.client.start();
  await flush();
  h.client.close();
  h.setOnline(true);
  h.setVisible(true);
  await flush();
  assert.equal(h.fetch.requests.length, 0);
});

test('Timer: fireIfDue runs a task whose time has come and nothing else', async () => {
  const time = new FakeTime();
  const timer = new Timer(time, () => time.now());
  const ran = [];
  timer.schedule(100, () => ran.push('a'));
  time.nowMs += 99;
  assert.equal(timer.fireIfDue(), false);
  time.nowMs += 1;
  assert.equal(timer.fireIfDue(), true);
  assert.deepEqual(ran, ['a']);
  await time.advance(1000);
  assert.deepEqual(ran, ['a'], 'not run a second time by the platform\'s timer');
  assert.equal(timer.tries, 1);
});

test('Timer: schedule replaces what was pending, counts tries, reset starts over', async () => {
  const time = new FakeTime();
  const timer = new Timer(time, () => time.now());
  const ran = [];
  timer.schedule(100, () => ran.push('a'));
  timer.schedule(50, () => ran.push('b'));
  assert.equal(timer.pending, true);
  await time.advance(200);
  assert.deepEqual(ran, ['b']);
  assert.equal(timer.tries, 1);
  assert.equal(timer.pending, false);
  timer.schedule(10, () => ran.push('c'));
  timer.cancel();
  await time.advance(20);
  assert.deepEqual(ran, ['b']);
  timer.reset();
  assert.equal(timer.tries, 0);
});

test('DEFAULTS match the Java client where it has the same setting', () => {
  assert.equal(DEFAULTS.backoffInitialMs, 500);
  assert.equal(DEFAULTS.readinessWaitMs, 30_000);
  assert.equal(DEFAULTS.readinessTimeoutMs, 5_000);
  assert.equal(DEFAULTS.connectTimeoutMs, 10_000);
  assert.equal(DEFAULTS.minimumUptimeMs, 5_000);
  assert.equal(DEFAULTS.breakerFailures, 3);
  assert.equal(DEFAULTS.breakerOpenWaitMs, 5_000);
  assert.equal(DEFAULTS.maxPending, 1_000);
  assert.equal(DEFAULTS.giveUpAttempts, null);
  assert.equal(DEFAULTS.giveUpAfterMs, null);
});

test('a storage that refuses to save (full, or forbidden) costs a problem, not the client', async () => {
  const storage = new FakeStorage();
  storage.setItem = () => { throw new Error('QuotaExceededError'); };
  const h = harness({ storage });
  h.client.start();
  await flush();
  const socket = await h.connect();
  socket.serverSends({ type: 'message', seq: 1, body: 'a', publishedAt: 1 });
  assert.equal(h.client.stats().lastSeq, 1);
  assert.equal(h.events.messages.length, 1);
  assert.ok(h.events.problems.some(p => p.kind === 'STORAGE' && /QuotaExceededError/.test(p.message)));
});
