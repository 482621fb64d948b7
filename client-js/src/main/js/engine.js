// engine.js: the state machine of one browser client (the Java client's ClientEngine), drawn in
// states.js. It owns the state and transition(), the only place where the state changes, and leaves
// the rest to its parts:
//
//   readiness-poller.js  asks GET /readiness whether to connect (plain check or long-poll, Retry-After, spread)
//   policy.js            when to try again (full-jitter backoff, give-up) and whether a connect may go out (breaker)
//   connection.js        one socket from connect to its end: hello, welcome, frames, acks and resends, heartbeat
//   session.js           what outlives a socket: the last seq and the unacked publishes, saved for a reload
//   outage.js            one stretch without a connection, and its give-up deadline
//   environment.js       the browser's online/offline and visibility events; events.js: the listener, stats()
//
// When the client ends (CLOSED or FAILED), every publish still without an ack goes to onPublishAbandoned,
// as the Java client fails its future.

import { resolveOptions } from './config.js';
import { createConnection } from './connection.js';
import { createBrowserEvents } from './environment.js';
import { createReporter } from './events.js';
import { createOutage } from './outage.js';
import { createConnectPolicy, randomBelow } from './policy.js';
import { createReadinessPoller } from './readiness-poller.js';
import { summarize } from './readiness.js';
import { createSavedSession } from './saved-session.js';
import { createSession } from './session.js';
import { State, canMoveTo, isTerminal } from './states.js';
import { seconds } from './text.js';
import { Timer } from './timer.js';

/** Creates one reconnecting client (not started: call start()). See reconnect.d.ts and README.md. */
export function createReconnectingClient(options = {}) {
  const { env, config, listener, readinessUrl, webSocketUrl } = resolveOptions(options);
  const now = () => env.clock.now();
  let state = State.NEW;
  let failureReason = null;
  let offline = typeof env.isOnline === 'function' ? !env.isOnline() : false;
  let connection = null;  // the socket of CONNECTING and OPEN
  let outage = null;      // the current one or, while OPEN, the last
  const reporter = createReporter(listener, now, snapshot);
  const { stats } = reporter;
  const policy = createConnectPolicy(config, env.random, now);
  const session = createSession({ maxPending: config.maxPending, now, newKey: env.newKey, saved: createSavedSession({
    storage: env.storage, key: `${config.storageKey}:${webSocketUrl}`, problem: reporter.problem }) });
  const poller = createReadinessPoller({ env, config, url: readinessUrl, policy, reporter,
    isOffline: () => offline, isWaiting: () => state === State.WAITING_FOR_READINESS, listener: { ready, gaveUp } });
  const browser = createBrowserEvents(env, { networkChanged, visible });
  const backoffTimer = new Timer(env.timers, now);
  const owner = { welcomed, stable, connectFailed, turnedAway, lost, closedForGood };

  // ---- commands ----

  function start() {
    if (state !== State.NEW) return;
    browser.start();
    beginOutage('start');
    waitForReadiness('started');
  }

  /** Queues body under a fresh key; sent now when OPEN, else (and again) after every welcome until acked. */
  function publish(body) {
    const key = session.newKeyFor(body);
    if (isTerminal(state)) {
      throw new Error(`client is ${state}${failureReason ? ` (${failureReason})` : ''}; nothing can be sent`);
    }
    const entry = session.add(key, body);
    if (connection) connection.publish(entry);
    reporter.changed();
    return key;
  }

  /**
   * The browser's 'online'/'offline' events. Offline: no readiness requests (they could only fail); an
   * open socket is left to the heartbeat. Online: ask readiness soon rather than wait out a backoff that
   * only measured the network being away, but not before a Retry-After or an open breaker's wait is
   * over, and after a jitter of up to backoffInitialMs: every page on a network comes back at once.
   */
  function networkChanged(online) {
    if (online === !offline) return;
    offline = !online;
    if (isTerminal(state) || state === State.NEW) return;
    if (offline) {
      reporter.problem('OFFLINE', 'the browser is offline: no readiness checks until it is back online');
      if (state === State.WAITING_FOR_READINESS) poller.poll();  // abandons the request out, parks
      return;
    }
    const soon = policy.leftToWaitMs() + randomBelow(env.random, config.backoffInitialMs + 1);
    if (state === State.WAITING_FOR_READINESS) {
      poller.askWithin(soon);
    } else if (state === State.BACKING_OFF && backoffTimer.dueAt > now() + soon) {
      backoffTimer.schedule(soon, () => waitForReadiness('the browser is back online'));
    }
  }

  /**
   * The page became visible again. Browsers throttle a hidden page's timers (to once a minute and less):
   * a dead link or a wait that is over is acted on now; a wait that is not over is left to run out.
   */
  function visible() {
    if (isTerminal(state) || state === State.NEW || outage.fireIfDue()) return;
    if (connection) connection.wake();
    else if (!poller.fireIfDue()) backoffTimer.fireIfDue();
  }

  function close() {
    stop(State.CLOSED, 'closed by the page', (c) => c.close(1000, 'page closing'),
        'the page closed the client before the server acknowledged the publish');
  }

  // ---- what the parts report ----

  function ready(result) {
    if (!policy.tryAcquire()) {
      const left = policy.openForMs();
      policy.waitAtLeast(left);
      // The breaker's wait paces the client: the failures that opened it were counted already.
      holdBack(`ready, but the circuit breaker is open for another ${seconds(left)}`, policy.pace({ minimumMs: left }));
      return;
    }
    const summary = summarize(result.readiness);
    transition(State.CONNECTING, summary ? `readiness: ${summary}` : 'readiness: ready', result.index ?? -1);
    // Judged from the page's own last readiness answer, independently of the decision above.
    if (!poller.lastAnswerReady) stats.connectsWhileNotReady++;
    connection = createConnection({ env, config, url: webSocketUrl, session, reporter, owner });
    connection.open();
    reporter.changed();
  }

  function gaveUp(lastProblem) {
    fail(policy.giveUpReason(lastProblem));
  }

  function welcomed(welcome, at) {
    policy.opened();
    outage.end();
    transition(State.OPEN, `welcome from ${welcome.instance} (head ${welcome.head}, resuming after ${session.lastSeq})`);
    const reconnect = outage.reconnected(at, poller.lastReadyAt);
    if (reconnect) {
      stats.reconnects++;
      reporter.emit('onReconnect', reconnect);
    }
    poller.forgetLastAnswer();
  }

  function stable() {
    if (policy.becameStable()) reporter.changed();
  }

  function connectFailed(reason) {
    endConnection((c) => c.close(1000, 'client reconnecting'));
    stats.failedUpgrades++;
    policy.failed();
    const why = `failed upgrade: ${reason}` + (policy.isOpen() ? ' (circuit breaker open: waiting on readiness)' : '');
    reporter.problem('CONNECT_FAILED', why);
    backOff(why);
  }

  function turnedAway(description) {
    // The instance or the gateway answered and is fine (full, busy): not a failed upgrade and nothing
    // toward giving up, but paced by the growing backoff all the same and followed by readiness.
    endConnection((c) => c.end());
    policy.released();
    holdBack(`${description} before welcome`, policy.pace());
  }

  function closedForGood(description) {
    endConnection((c) => c.end());
    fail(`server closed the connection with ${description}: not reconnecting`);
  }

  function lost(reason, uptimeMs) {
    endConnection((c) => c.close(1000, 'client reconnecting'));
    beginOutage(reason);
    if (policy.stable) waitForReadiness(reason);
    else backOff(`${reason} after only ${seconds(uptimeMs)} open`);
  }

  // ---- waits, outages, the end ----

  function waitForReadiness(reason) {
    transition(State.WAITING_FOR_READINESS, reason);
    poller.poll();
  }

  function backOff(reason, hint = {}) {
    const wait = policy.nextDelay(hint);
    if (wait === null) {
      fail(policy.giveUpReason(reason));
      return;
    }
    holdBack(reason, wait);
  }

  function holdBack(reason, wait) {
    transition(State.BACKING_OFF, `${reason}; next try in ${seconds(wait)}`);
    backoffTimer.schedule(wait, () => waitForReadiness(`backoff of ${seconds(wait)} over`));
  }

  function beginOutage(reason) {
    if (outage) outage.end();
    outage = createOutage({ env, config, reason, afterAConnection: state !== State.NEW, giveUpWith: fail });
    poller.forgetLastAnswer();
  }

  function fail(reason) {
    stop(State.FAILED, reason, (c) => c.close(1000, 'client failed'),
        `the client failed before the server acknowledged the publish: ${reason}`);
  }

  /** Cancels every timer and request, ends the socket with endSocket, reports every unacked publish. */
  function stop(end, reason, endSocket, unackedReason) {
    if (isTerminal(state)) return;
    backoffTimer.cancel();
    if (outage) outage.end();
    poller.stop();
    policy.released();
    browser.stop();
    endConnection(endSocket);
    if (end === State.FAILED) failureReason = reason;
    transition(end, reason);
    reporter.abandoned(session.abandonAll(), end, unackedReason);
  }

  function endConnection(how) {
    if (!connection) return;
    how(connection);
    connection = null;
  }

  /** The one place where the state changes; readinessIndex: the answer that allowed a CONNECTING (-1: none). */
  function transition(to, reason, readinessIndex = -1) {
    const from = state;
    if (!canMoveTo(from, to)) throw new Error(`illegal transition ${from} -> ${to} (${reason})`);
    state = to;
    reporter.emit('onStateChange', { from, to, reason, at: now(), readinessIndex });
    reporter.changed();
  }

  function snapshot() {
    return { ...stats, lastSeq: session.lastSeq, pending: session.size, restored: session.restored, state,
      stable: policy.stable, failureReason, attempt: policy.attempt, breaker: policy.breakerState, offline,
      pendingPublishes: session.unacked() };
  }

  return {
    start, publish, close, networkChanged, stats: snapshot, webSocketUrl, readinessUrl,
    /** Forgets the saved session (lastSeq and unacked publishes) of this gateway in this tab. */
    forgetSavedSession: () => session.forget(),
    get state() { return state; },
    get breakerState() { return policy.breakerState; },
    get failureReason() { return failureReason; },
  };
}
