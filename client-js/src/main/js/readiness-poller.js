// readiness-poller.js: asks the gateway's GET /readiness until it says "ready" (the Java client's
// readiness/ReadinessPoller): a plain check, or a long-poll once an answer of this outage carried an
// index; not-ready answers are paced by the connect policy's backoff, a 429 by its Retry-After, and a
// ready answer that asks for a connect spread is passed on after a random part of it. While the
// browser says it is offline it parks instead of asking. A request carries a generation number, so
// that the late answer of one abandoned (or timed out) is ignored.

import { parseReadiness } from './readiness.js';
import { randomBelow, throttleWait } from './policy.js';
import { seconds } from './text.js';
import { Timer } from './timer.js';

/**
 * @param {object} options
 * @param {() => boolean} options.isOffline what the browser says
 * @param {() => boolean} options.isWaiting whether the client is WAITING_FOR_READINESS (else nothing is asked)
 * @param {{ready: (result: object) => void, gaveUp: (lastProblem: string) => void}} options.listener
 *        ready: connect now; gaveUp: the policy allows no more attempts
 */
export function createReadinessPoller({ env, config, url, policy, reporter, isOffline, isWaiting, listener }) {
  const now = () => env.clock.now();
  const { stats } = reporter;
  const timer = new Timer(env.timers, now);         // between checks, a crowd's connect spread, the offline probe
  const requestTimer = new Timer(env.timers, now);  // the request's timeout
  let request = 0;         // generation of the request out
  let requestOut = false;
  let abort = null;
  let lastAnswer = null;   // this outage's last answer: decides plain check or long-poll
  let lastAnswerReady = false;  // the last answer ever: judges every connect attempt
  let lastReadyAt = 0;

  /** Runs next after delayMs, if the client is still waiting for readiness then. */
  function later(delayMs, next) {
    timer.schedule(delayMs, () => {
      if (isWaiting()) next();
    });
  }

  /**
   * Long-poll once this outage has seen a not-ready answer with an index: it returns when it changes.
   * Also after a ready answer while the breaker refuses connects: wait for the registry to notice what
   * the failed upgrades showed, but no longer than the breaker stays open (at least a second).
   */
  function nextQuery() {
    let waitMs = 0;
    if (lastAnswer !== null && lastAnswer.index !== null) {
      if (!lastAnswer.ready) {
        waitMs = config.readinessWaitMs;
      } else if (policy.openForMs() > 0) {
        waitMs = Math.min(config.readinessWaitMs, Math.max(1000, policy.openForMs()));
      }
    }
    if (waitMs === 0) return { url, longPoll: false, timeoutMs: config.readinessTimeoutMs };
    // ?wait= as the Java client writes it (Durations.format): whole milliseconds.
    return { url: `${url}?index=${lastAnswer.index}&wait=${waitMs}ms`, longPoll: true,
      timeoutMs: waitMs + config.readinessTimeoutMs };
  }

  /** Asks now (or, offline, parks), replacing any wait or request. */
  function poll(evenOffline = false) {
    stop();
    if (isOffline() && !evenOffline) {
      // A request now would most likely fail, so ask only once per backoffMaxMs; not never, since
      // navigator.onLine can be wrong (a machine with only a loopback interface reports offline).
      reporter.changed();
      later(config.backoffMaxMs, () => poll(true));
      return;
    }
    const query = nextQuery();
    const mine = ++request;
    const sentAt = now();
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    abort = controller;
    requestOut = true;
    const answer = (result) => {
      if (mine !== request || !requestOut) return;  // abandoned, or already timed out
      requestOut = false;
      abort = null;
      requestTimer.cancel();
      answered(query, sentAt, result);
    };
    requestTimer.schedule(query.timeoutMs, () => {
      if (controller) controller.abort();
      // Without AbortController the late answer is simply ignored (requestOut is cleared).
      answer(unreachable(`no answer within ${seconds(query.timeoutMs)}`));
    });
    let fetched;
    try {
      fetched = env.fetch(query.url, {
        cache: 'no-store', headers: { Accept: 'application/json' }, signal: controller ? controller.signal : undefined,
      });
    } catch (e) {
      fetched = Promise.reject(e);
    }
    Promise.resolve(fetched)
        .then(response => response.text().then(text => parseReadiness(response.status,
            response.headers.get('Retry-After'), text, now())))
        .then(answer, error => answer(unreachable((error && error.message) || String(error))));
  }

  function unreachable(why) {
    return { outcome: 'unreachable', ready: false, readiness: null, index: null, retryAfterMs: 0,
      detail: `gateway unreachable (${why})`, status: 0 };
  }

  function checked(result, query, nextInMs) {
    reporter.emit('onReadinessCheck', { result, longPoll: query.longPoll, nextInMs, at: now() });
  }

  function answered(query, sentAt, result) {
    if (!isWaiting()) return;
    stats.readinessRequests++;
    if (result.outcome === 'throttled') {
      // Says nothing about the service: no backoff step, and the last real answer (and its long-poll
      // index) stays.
      stats.readinessThrottled++;
      const wait = throttleWait(result.retryAfterMs, config, env.random);
      policy.waitAtLeast(wait);
      checked(result, query, wait);
      later(wait, poll);
      reporter.changed();
      return;
    }
    if (result.outcome === 'garbage' || result.outcome === 'http_error') {
      stats.badReadinessAnswers++;
      reporter.problem('BAD_READINESS', `readiness: ${result.detail}`);
    } else if (result.outcome === 'unreachable') {
      stats.readinessUnreachable++;
    }
    lastAnswer = result;
    lastAnswerReady = result.ready;
    if (result.ready) {
      lastReadyAt = now();
      const spread = result.readiness ? result.readiness.connectSpreadMillis : 0;
      if (spread > 0) {
        // The gateway told a crowd at once: take a random place in the window it asks for.
        const wait = randomBelow(env.random, spread);
        checked(result, query, wait);
        later(wait, () => listener.ready(result));
      } else {
        checked(result, query, null);
        listener.ready(result);
      }
      return;
    }
    // Only a long-poll the gateway answered (it held the request on purpose) counts as time already
    // waited; after an error or a timeout the backoff starts from the failure.
    const took = query.longPoll && result.readiness ? now() - sentAt : 0;
    const delay = policy.nextDelay({ minimumMs: result.retryAfterMs, alreadyWaitedMs: took });
    if (delay !== null && result.retryAfterMs > 0) policy.waitAtLeast(Math.min(delay, result.retryAfterMs));
    checked(result, query, delay);
    if (delay === null) {
      listener.gaveUp(result.detail);
      return;
    }
    later(delay, poll);
    reporter.changed();
  }

  /** Abandons the request out (its answer, when it comes, is ignored) and the wait. */
  function stop() {
    request++;
    requestOut = false;
    requestTimer.cancel();
    timer.cancel();
    if (abort) {
      abort.abort();
      abort = null;
    }
  }

  return {
    poll,
    stop,
    /** A new outage, or a connection: the next request is a plain check again. */
    forgetLastAnswer() {
      lastAnswer = null;
    },
    /** When the gateway last said ready (0: never). */
    get lastReadyAt() { return lastReadyAt; },
    /** Whether the last answer ever (not a 429) said ready. */
    get lastAnswerReady() { return lastAnswerReady; },

    /**
     * The browser is back online: ask after soonMs (a plain check: the network, not readiness, was what
     * changed) instead of a longer wait, unless a request is out or the next one is due sooner anyway.
     */
    askWithin(soonMs) {
      if (requestOut || (timer.pending && timer.dueAt <= now() + soonMs)) return;
      later(soonMs, () => {
        lastAnswer = null;
        poll();
      });
    },

    /** The page is visible again: a request timeout or a wait that a throttled timer held back is acted on now. */
    fireIfDue() {
      return requestTimer.fireIfDue() || timer.fireIfDue();
    },
  };
}
