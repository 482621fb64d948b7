// app.js: wires the reconnecting client to the live view. All policy lives in the client package
// (the client-js module, served by the gateway from its jar at /reconnect/); this file only renders
// what the client reports and forwards the publish box.
import { createReconnectingClient } from '/reconnect/reconnect.js';

const MAX_MESSAGES = 200;
const MAX_TIMELINE = 500;
const MAX_PROBLEMS = 100;

const $ = (id) => document.getElementById(id);

function time(ms) {
  const d = new Date(ms);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function row(tag, at, text, attributes = {}) {
  const li = document.createElement(tag);
  const t = document.createElement('span');
  t.className = 'time';
  t.textContent = time(at);
  li.append(t, document.createTextNode(text));
  for (const [name, value] of Object.entries(attributes)) li.setAttribute(name, String(value));
  return li;
}

function trim(list, max, fromEnd) {
  while (list.children.length > max) {
    (fromEnd ? list.lastElementChild : list.firstElementChild).remove();
  }
}

function setText(id, value) {
  const el = $(id);
  const text = value === null || value === undefined ? '' : String(value);
  if (el && el.textContent !== text) el.textContent = text;
}

function onStateChange(change) {
  const state = $('state');
  state.textContent = change.to;
  state.dataset.state = change.to;
  setText('state-reason', change.reason);
  const attributes = { 'data-t': change.at, 'data-from': change.from, 'data-to': change.to,
    'data-testid': 'timeline-row' };
  // Which readiness answer allowed this connect: comparable with the gateway's record of changes.
  if (change.to === 'CONNECTING') attributes['data-readiness-index'] = change.readinessIndex;
  const li = row('li', change.at, '', attributes);
  const arrow = document.createElement('span');
  arrow.textContent = `${change.from} → `;
  const to = document.createElement('span');
  to.className = 'to';
  to.textContent = change.to;
  const reason = document.createElement('span');
  reason.className = 'detail';
  reason.textContent = ` ${change.reason}`;
  li.append(arrow, to, reason);
  const timeline = $('timeline');
  timeline.append(li);
  trim(timeline, MAX_TIMELINE, false);
  timeline.scrollTop = timeline.scrollHeight;
  $('publish-button').disabled = change.to === 'CLOSED' || change.to === 'FAILED';
  $('close-button').disabled = change.to === 'CLOSED' || change.to === 'FAILED';
}

function onReadinessCheck(check) {
  const { result } = check;
  const ready = $('readiness-ready');
  ready.textContent = { ready: 'ready', not_ready: 'not ready', throttled: 'gateway busy, asking again shortly',
    garbage: 'unreadable answer', http_error: 'HTTP error', unreachable: 'no answer' }[result.outcome] || result.outcome;
  ready.className = result.ready ? 'ready' : 'not-ready';
  ready.dataset.outcome = result.outcome;
  ready.dataset.t = String(check.at);
  const next = check.nextInMs === null ? ''
    : result.ready ? `; connecting in ${(check.nextInMs / 1000).toFixed(1)} s (spreading a crowd's connects)`
    : `; next check in ${(check.nextInMs / 1000).toFixed(1)} s`;
  setText('readiness-detail', `${time(check.at)} ${check.longPoll ? 'long-poll' : 'check'}: ${result.detail}${next}`);
  if (!result.readiness) return;  // keep the last known services on screen
  setText('readiness-registry', result.readiness.registry);
  setText('readiness-stale', result.readiness.stale ? 'yes (last known counts)' : 'no');
  setText('readiness-index', result.readiness.index);
  const body = $('readiness').tBodies[0];
  body.replaceChildren(...result.readiness.services.map(service => {
    const tr = document.createElement('tr');
    tr.dataset.service = service.name;
    tr.dataset.testid = `readiness-${service.name}`;
    for (const [value, cls] of [[service.name, ''], [service.status, service.status], [service.passing, '']]) {
      const td = document.createElement('td');
      td.textContent = String(value);
      if (cls) td.className = cls;
      tr.append(td);
    }
    return tr;
  }));
}

function onMessage(message) {
  const list = $('messages');
  list.prepend(row('li', message.publishedAt || Date.now(), `#${message.seq} ${message.body}`,
      { 'data-seq': message.seq }));
  trim(list, MAX_MESSAGES, true);
}

function onAck(ack) {
  setText('last-ack', ack.seq);
  setText('last-ack-detail', `key ${ack.key}, "${ack.body.slice(0, 60)}", acked after ${ack.tookMs} ms`);
}

function onPublishRetry(retry) {
  setText('publish-error', `not stored yet: ${retry.code}: ${retry.message}; sending it again under the same key `
      + `("${retry.body.slice(0, 60)}")`);
}

function onPublishRejected(rejection) {
  setText('publish-error', `not stored: ${rejection.code}: ${rejection.message} ("${rejection.body.slice(0, 60)}")`);
}

function onPublishAbandoned(abandoned) {
  const kept = abandoned.savedForReload ? '; kept for a reload, which sends it again under the same key' : '';
  setText('publish-error', `not acknowledged when the client ended: ${abandoned.reason}${kept} `
      + `("${abandoned.body.slice(0, 60)}")`);
}

function onProblem(problem) {
  const list = $('problems');
  list.prepend(row('li', problem.at, `${problem.kind} ${problem.message}`, { 'data-kind': problem.kind }));
  trim(list, MAX_PROBLEMS, true);
}

function onStats(stats) {
  setText('received', stats.received);
  setText('last-seq', stats.lastSeq);
  setText('lost', stats.lost);
  setText('duplicates', stats.duplicates);
  setText('reconnects', stats.reconnects);
  setText('connect-attempts', stats.connectAttempts);
  setText('failed-upgrades', stats.failedUpgrades);
  setText('connects-while-not-ready', stats.connectsWhileNotReady);
  setText('readiness-requests', stats.readinessRequests);
  setText('bad-readiness', stats.badReadinessAnswers);
  setText('readiness-unreachable', stats.readinessUnreachable);
  setText('malformed', stats.malformedFrames);
  setText('heartbeat-timeouts', stats.heartbeatTimeouts);
  setText('pending', stats.pending);
  $('state').dataset.stable = String(stats.stable);
  const list = $('pending-list');
  if (list.children.length !== stats.pendingPublishes.length
      || stats.pendingPublishes.some((p, i) => list.children[i].dataset.key !== p.key)) {
    list.replaceChildren(...stats.pendingPublishes.slice(0, 20).map(p => {
      const li = row('li', p.since, ` ${p.body.slice(0, 60)}`, { 'data-key': p.key });
      return li;
    }));
  }
}

const client = createReconnectingClient({
  gateway: window.location.href,
  // The client listens to the browser's online/offline and visibilitychange events itself, and keeps
  // lastSeq and the unacked publishes in sessionStorage, so a reload resumes where the page was.
  listener: { onStateChange, onReadinessCheck, onMessage, onAck, onPublishRetry, onPublishRejected, onPublishAbandoned, onProblem, onStats },
});

$('publish-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('publish-input');
  const body = input.value;
  if (!body) return;
  try {
    client.publish(body);
    setText('publish-error', '');
    input.value = '';
  } catch (e) {
    setText('publish-error', e.message);
  }
});

$('close-button').addEventListener('click', () => client.close());
// Leaving the page is the page's own close: CLOSED, not a reconnect.
window.addEventListener('pagehide', () => client.close());
window.addEventListener('pageshow', (event) => { if (event.persisted) window.location.reload(); });

window.reconnectClient = client;  // for the console: reconnectClient.stats()
client.start();
