// What outlives one socket and one page: the last seq and the unacked publishes, saved in
// sessionStorage for a reload; what a message costs there; and a storage that refuses to save.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, flush, openClient, FakeStorage, FakeTime, quotaExceeded } from './harness.js';
import { DEFAULTS } from '../../main/js/reconnect.js';

const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function send(socket, seqs) {
  for (const seq of seqs) socket.serverSends({ type: 'message', seq, body: `m${seq}`, publishedAt: 1 });
}

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

test('a message saves the resume position alone: what it costs does not grow with the outbox', async () => {
  const storage = new FakeStorage();
  const { h, socket } = await openClient({ storage });
  for (let i = 0; i < 3; i++) h.client.publish('x'.repeat(20_000));  // three big publishes wait for acks
  storage.writes.length = 0;
  send(socket, range(1, 100));
  assert.equal(h.client.stats().lastSeq, 100);
  const written = storage.writes.reduce((sum, w) => sum + w.value.length, 0);
  assert.ok(storage.writes.length <= 100 && written <= 100 * 10,
    `a few characters a message, not the outbox: ${storage.writes.length} writes, ${written} characters`);
  const reloaded = harness({ storage, time: h.time });
  assert.equal(reloaded.client.stats().lastSeq, 100, 'a reload resumes after the last message');
  assert.equal(reloaded.client.stats().pending, 3, 'and still has the publishes');
});

test('a storage that refuses every write is reported once per entry, not once per message, and loses nothing', async () => {
  const storage = new FakeStorage();
  storage.refuse = quotaExceeded;
  const { h, socket } = await openClient({ storage });
  const key = h.client.publish('kept in memory');
  send(socket, range(1, 50));
  assert.deepEqual(h.events.messages.map(m => m.seq), range(1, 50), 'every message delivered');
  assert.equal(h.client.stats().lastSeq, 50);
  socket.serverSends({ type: 'ack', key, seq: 51 });
  assert.equal(h.events.acks.length, 1, 'the publish went out and was acked all the same');
  const reported = () => h.events.problems.filter(p => p.kind === 'STORAGE').map(p => p.message.split(' for a reload')[0]);
  assert.deepEqual(reported(), ['could not save the unacked publishes', 'could not save the resume position']);
  assert.match(h.events.problems.find(p => p.kind === 'STORAGE').message, /QuotaExceededError|exceeded the quota/);

  storage.refuse = null;  // saving works again …
  send(socket, [52]);
  storage.refuse = quotaExceeded;  // … and fails again: that is news
  send(socket, range(53, 60));
  assert.equal(reported().length, 3);
});

test('a rewind whose position cannot be saved leaves no saved position ahead of the log: a reload skips nothing', async () => {
  const storage = new FakeStorage();
  const { h, socket } = await openClient({ storage });
  send(socket, range(1, 10));
  await h.time.advance(DEFAULTS.minimumUptimeMs);
  socket.serverCloses(4003, '');
  storage.refuse = (entry) => entry.endsWith('#lastSeq') && quotaExceeded();
  await h.answer(true);
  h.socket.serverOpens();
  h.socket.welcome({ head: 4, resumeFrom: 4 });  // a restored log: 5.. are new messages
  assert.equal(h.client.stats().lastSeq, 4);
  const reloaded = harness({ storage, time: h.time });
  assert.equal(reloaded.client.stats().lastSeq, 4, 'not 10: the new messages 5..10 would be skipped');
});

test('a rewind that can save neither entry leaves no saved position ahead of the log, the outbox\'s included', async () => {
  const storage = new FakeStorage();
  const { h, socket } = await openClient({ storage });
  send(socket, range(1, 10));
  h.client.publish('saved with the position 10');
  await h.time.advance(DEFAULTS.minimumUptimeMs);
  socket.serverCloses(4003, '');
  storage.refuse = () => quotaExceeded();
  await h.answer(true);
  h.socket.serverOpens();
  h.socket.welcome({ head: 4, resumeFrom: 4 });
  assert.equal(h.client.stats().lastSeq, 4);
  const reloaded = harness({ storage, time: h.time });
  assert.ok(reloaded.client.stats().lastSeq <= 4, `resumes after ${reloaded.client.stats().lastSeq}: 5..10 would be skipped`);
});

test('a publish whose outbox could not be saved is reported abandoned as not saved for a reload', async () => {
  const storage = new FakeStorage();
  const { h } = await openClient({ storage });
  const saved = h.client.publish('saved');
  storage.refuse = (entry) => !entry.endsWith('#lastSeq') && quotaExceeded();
  const lost = h.client.publish('not saved');
  h.client.close();
  assert.deepEqual(h.events.abandoned.map(a => [a.key, a.savedForReload]), [[saved, true], [lost, false]]);
});
