// reconnect.js: the browser client's one entry point. An application imports it as
//
//   import { createReconnectingClient } from '/reconnect/reconnect.js';
//
// (the gateway serves this package from the client-js jar's META-INF/resources/reconnect/). The parts:
// engine.js (the state machine) and what it delegates to: readiness-poller.js, policy.js (backoff,
// circuit breaker), connection.js (one socket, with heartbeat.js and publish-replies.js), session.js
// and saved-session.js (last seq and unacked publishes, saved for a reload), outage.js; states.js,
// config.js (settings and options), environment.js (the browser), events.js (the listener),
// readiness.js (GET /readiness answers), protocol.js (frames, close and error codes, limits),
// timer.js (a re-armable timer), text.js.

export { createReconnectingClient } from './engine.js';
export { State, canMoveTo } from './states.js';
export { DEFAULTS, resolveConfig } from './config.js';
export { newKey } from './environment.js';
export { BreakerState, backoffDelay, createBreaker } from './policy.js';
export { parseReadiness, parseRetryAfter, summarize } from './readiness.js';
export {
  MAX_FRAME_BYTES, decodeFrame, describeClose, isRetryableError, isSessionClose, isTerminalClose, publishableError,
  webSocketUrlFor, widestFrameBytes,
} from './protocol.js';
export { Timer } from './timer.js';
