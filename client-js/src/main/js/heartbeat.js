// heartbeat.js: declares a link dead when nothing at all came from the server for the timeout (the
// Java client's heartbeat/HeartbeatMonitor). A frame only records the time, which is cheap at any
// message rate; one timer re-arms itself for what is left of the timeout.

import { Timer } from './timer.js';

/** @param {(silentMs: number) => void} onSilence called once the server was silent for the timeout */
export function createHeartbeat(timers, now, onSilence) {
  const timer = new Timer(timers, now);
  let timeoutMs = 0;
  let lastFrameAt = 0;

  function check() {
    const silent = now() - lastFrameAt;
    if (silent >= timeoutMs) {
      onSilence(silent);
    } else {
      timer.schedule(timeoutMs - silent, check);
    }
  }

  return {
    start(ms) {
      timeoutMs = ms;
      lastFrameAt = now();
      timer.schedule(ms, check);
    },
    frameReceived() {
      lastFrameAt = now();
    },
    stop() {
      timer.cancel();
    },
    /** A hidden page's timers are throttled: a silence that is over is acted on now, not when the timer comes. */
    checkNow() {
      if (timer.pending) check();
    },
  };
}
