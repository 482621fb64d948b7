// Circuit breaker, give-up, minimum uptime, the delays' rounding, and the Timer: the policy the Java
// client has (ConnectPolicy, Outage, PublishReplies.resendDelay).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, flush, FakeTime } from './harness.js';
import { State, BreakerState, createBreaker, Timer } from '../../main/js/reconnect.js';
import { createConnectPolicy, randomBelow, resendDelay, throttleWait } from '../../main/js/policy.js';

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
  // Ready before, but the breaker is open: a long-poll for what is left of its wait (8 s - the 500 ms
  // backoff + the millisecond after it), in ms as the Java client writes it.
  assert.match(h.fetch.requests.at(-1).url, /\?index=7&wait=7501ms$/);
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

test('paced tries raise the backoff but never count toward giving up (ConnectPolicy.pace)', () => {
  const config = { backoffInitialMs: 100, backoffMultiplier: 2, backoffMaxMs: 2000, giveUpAttempts: 2,
    breakerFailures: 3, breakerOpenWaitMs: 5000 };
  const top = () => 0.999999999; // jitter at the top of its range
  const policy = createConnectPolicy(config, top, () => 0);
  assert.deepEqual([policy.pace(), policy.pace(), policy.pace()], [100, 200, 400]);
  assert.equal(policy.nextDelay(), 800, 'the first failed attempt, after three paced tries');
  assert.equal(policy.pace({ minimumMs: 3000 }), 3000, 'a hinted minimum beyond the cap');
  assert.equal(policy.pace(), 2000, 'capped');
  assert.equal(policy.attempt, 1);
  assert.equal(policy.nextDelay(), null, 'the second failed attempt gives up');

  const fresh = createConnectPolicy({ ...config, giveUpAttempts: null }, top, () => 0);
  fresh.pace();
  fresh.nextDelay();
  fresh.opened();
  fresh.becameStable();
  assert.equal(fresh.pace(), 100, 'a stable connection starts the exponent over');
  assert.equal(fresh.nextDelay(), 200);
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

test('delays are whole milliseconds, drawn as Java\'s nextLong(bound) draws them', () => {
  const top = () => 1 - 1e-9;
  assert.equal(randomBelow(() => 0, 10), 0);
  assert.equal(randomBelow(top, 10), 9);
  assert.equal(randomBelow(() => 1 - Number.EPSILON / 2, 1e9), 1e9 - 1, 'never the bound itself, whatever the rounding');
  const config = { backoffMaxMs: 2003, resendInitialMs: 125, resendMaxMs: 5000 };
  assert.equal(throttleWait(5000, config, top), 2003 + 400, 'capped at 2003, plus a fifth of it rounded down (400)');
  assert.equal(throttleWait(1000, config, () => 0), 1000);
  assert.equal(resendDelay(0, config, top), 62 + 62, 'half of 125 is 62, as Java\'s integer division has it');
  assert.equal(resendDelay(3, config, () => 0), 500);
  assert.equal(resendDelay(20, config, top), 5000, 'rounds beyond the cap wait the cap');
});
