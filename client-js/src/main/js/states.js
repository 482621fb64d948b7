// states.js: the client's states and the moves allowed between them (the Java client's ClientState).
// The same table is written down in conformance/reconnect-policy.json ("allowedTransitions"), which the
// tests of both clients check their own code against.
//
//   NEW ─start─▶ WAITING_FOR_READINESS ─ready─▶ CONNECTING ─welcome─▶ OPEN
//                   ▲   ▲ (polls /readiness, backing off        │ failed upgrade    │ lost (stable)
//                   │   │  between not-ready answers)           ▼                   │
//                   │   └────────────────────────────── BACKING_OFF ◀── lost before minimum uptime
//                   └──────────────────────────────────────────────────────────────┘
//   any ─page's own close─▶ CLOSED          any ─close 1008 / 4400-4499, or give-up─▶ FAILED
//
// A close 4000-4099 (too slow, instance full, …) is an ordinary unplanned drop: readiness first, then
// reconnect and resume; before the welcome it backs off without counting as a failed upgrade. Failed
// upgrades in a row open a circuit breaker; a ready answer while it is open backs off until its wait is over.

export const State = Object.freeze({
  NEW: 'NEW',
  WAITING_FOR_READINESS: 'WAITING_FOR_READINESS',
  CONNECTING: 'CONNECTING',
  OPEN: 'OPEN',
  BACKING_OFF: 'BACKING_OFF',
  CLOSED: 'CLOSED',
  FAILED: 'FAILED',
});

const ALLOWED = Object.freeze({
  NEW: [State.WAITING_FOR_READINESS, State.CLOSED, State.FAILED],
  WAITING_FOR_READINESS: [State.CONNECTING, State.BACKING_OFF, State.CLOSED, State.FAILED],
  CONNECTING: [State.OPEN, State.BACKING_OFF, State.CLOSED, State.FAILED],
  OPEN: [State.WAITING_FOR_READINESS, State.BACKING_OFF, State.CLOSED, State.FAILED],
  BACKING_OFF: [State.WAITING_FOR_READINESS, State.CLOSED, State.FAILED],
  CLOSED: [],
  FAILED: [],
});

/** The legal transitions (ClientState.canMoveTo). */
export function canMoveTo(from, to) {
  return Object.prototype.hasOwnProperty.call(ALLOWED, from) && ALLOWED[from].includes(to);
}

/** CLOSED or FAILED: the client does nothing any more (ClientState.isTerminal). */
export function isTerminal(state) {
  return state === State.CLOSED || state === State.FAILED;
}
