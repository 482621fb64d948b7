// reconnect.js: the browser client's one entry point. An application imports it as
//
//   import { createReconnectingClient } from '/reconnect/reconnect.js';
//
// (the gateway serves this package from the client-js jar's META-INF/resources/reconnect/). The parts:
// engine.js (state machine), policy.js (backoff, circuit breaker), session.js (last seq and unacked
// publishes, saved for a reload), readiness.js (GET /readiness answers), protocol.js (frames, close
// and error codes, limits), timer.js (a re-armable timer).

export { State, DEFAULTS, canMoveTo, resolveConfig, createReconnectingClient, newKey } from './engine.js';
export { BreakerState, backoffDelay, createBreaker } from './policy.js';
export { parseReadiness, parseRetryAfter, summarize } from './readiness.js';
export {
  MAX_FRAME_BYTES, decodeFrame, describeClose, isRetryableError, isSessionClose, isTerminalClose, publishableError,
  webSocketUrlFor, widestFrameBytes,
} from './protocol.js';
export { Timer } from './timer.js';
