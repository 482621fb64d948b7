// Publishes: the bounded outbox, resends under the same key until acked, refusals, and what becomes of
// the publishes without an ack when the client ends (onPublishAbandoned, as the Java client fails their
// futures with a ClientStoppedException).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, flush, openClient, FakeStorage } from './harness.js';
import { State, DEFAULTS } from '../../main/js/reconnect.js';

test('publishes wait in a bounded outbox, go out after the welcome, and are resent under the same key until acked', async () => {
  const h = harness({ config: { maxPending: 2 } });
  h.client.start();
  await flush();
  const k1 = h.client.publish('one');
  const k2 = h.client.publish('two');
  assert.throws(() => h.client.publish('three'), /2 publishes are waiting for an ack already/);
  assert.equal(h.client.stats().pending, 2);
  const first = await h.connect();
  assert.deepEqual(first.publishes(), [{ type: 'publish', key: k1, body: 'one' },
    { type: 'publish', key: k2, body: 'two' }]);
  first.serverSends({ type: 'ack', key: k1, seq: 10 });
  assert.equal(h.events.acks.length, 1);
  assert.equal(h.events.acks[0].seq, 10);
  assert.equal(h.client.stats().pending, 1);
  await h.time.advance(DEFAULTS.minimumUptimeMs);
  first.serverCloses(1006);
  const second = await h.connect();
  assert.deepEqual(second.publishes(), [{ type: 'publish', key: k2, body: 'two' }], 'only the unacked one, same key');
  second.serverSends({ type: 'ack', key: k2, seq: 11 });
  second.serverSends({ type: 'ack', key: k2, seq: 11 });  // a second ack of a resent publish
  assert.equal(h.events.acks.length, 2);
  assert.equal(h.client.stats().pending, 0);
});

test('a retryable error keeps the publish and sends it again under its key; a refusal ends it', async () => {
  const { h, socket } = await openClient();
  const key = h.client.publish('hello');
  socket.serverSends({ type: 'error', code: 'log_unavailable', message: 'log down', key });
  assert.equal(h.events.retries.length, 1);
  assert.equal(socket.publishes().length, 1);
  await h.time.advance(DEFAULTS.resendInitialMs);
  assert.deepEqual(socket.publishes().map(p => p.key), [key, key]);
  socket.serverSends({ type: 'error', code: 'key_conflict', message: 'other body', key });
  assert.equal(h.events.rejections.length, 1);
  assert.equal(h.events.rejections[0].code, 'key_conflict');
  assert.equal(h.client.stats().pending, 0);
});

test('a body too large for a frame is refused at once, with the reason', () => {
  const h = harness();
  assert.throws(() => h.client.publish('x'.repeat(70_000)), /too large/);
  assert.throws(() => h.client.publish(42), /must be a string/);
});

test('close(): each publish without an ack is reported abandoned; the saved session keeps it for a reload', async () => {
  const storage = new FakeStorage();
  const { h, socket } = await openClient({ storage });
  const acked = h.client.publish('acked');
  const unacked = h.client.publish('unacked');
  socket.serverSends({ type: 'ack', key: acked, seq: 1 });
  h.client.close();
  assert.deepEqual(h.events.abandoned.map(a => [a.key, a.body, a.state, a.savedForReload]),
    [[unacked, 'unacked', State.CLOSED, true]]);
  assert.equal(h.events.abandoned[0].reason, 'the page closed the client before the server acknowledged the publish');
  assert.equal(h.client.stats().pending, 0, 'nothing is pending once CLOSED');
  const reloaded = harness({ storage, time: h.time });
  assert.deepEqual(reloaded.client.stats().pendingPublishes.map(p => p.key), [unacked], 'a reload sends it again');
});

test('give-up: the publishes that waited for a connection are reported abandoned, with the reason', async () => {
  const h = harness({ config: { giveUpAttempts: 1 } });
  h.client.start();
  await flush();
  const key = h.client.publish('never sent');
  h.fetch.fail('connection refused');
  await flush();
  assert.equal(h.state, State.FAILED);
  assert.deepEqual(h.events.abandoned.map(a => [a.key, a.body, a.state, a.savedForReload]),
    [[key, 'never sent', State.FAILED, false]], 'no storage: not saved for a reload');
  assert.equal(h.events.abandoned[0].reason, 'the client failed before the server acknowledged the publish: '
    + 'gave up after 1 failed attempts (last: gateway unreachable (connection refused))');
});

test('a terminal close: a publish sent but not acked is reported abandoned once, and publish() then throws', async () => {
  const { h, socket } = await openClient();
  const key = h.client.publish('sent, no ack');
  assert.equal(socket.publishes().length, 1);
  socket.serverCloses(4403, 'banned');
  assert.equal(h.state, State.FAILED);
  assert.deepEqual(h.events.abandoned.map(a => a.key), [key]);
  assert.match(h.events.abandoned[0].reason, /close 4403 banned: not reconnecting$/);
  h.client.close();
  assert.equal(h.events.abandoned.length, 1, 'reported when the client ended, not again');
  assert.throws(() => h.client.publish('x'), /client is FAILED \(server closed the connection with close 4403 banned/);
});
