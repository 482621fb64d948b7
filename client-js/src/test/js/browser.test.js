// The browser's events: offline and back online (navigator.onLine, 'online'/'offline'), a page made
// visible again after its timers were throttled, and no more listening once the client has stopped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, flush } from './harness.js';
import { State } from '../../main/js/reconnect.js';

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
