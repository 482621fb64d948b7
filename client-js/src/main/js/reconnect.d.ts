// Type declarations of the browser client (reconnect.js and the modules it re-exports). Hand-written:
// keep them in step with the modules (declarations.test.js checks the names against them).

/** The client's states, the same as the Java client's ClientState. */
export declare const State: Readonly<{
  NEW: 'NEW';
  WAITING_FOR_READINESS: 'WAITING_FOR_READINESS';
  CONNECTING: 'CONNECTING';
  OPEN: 'OPEN';
  BACKING_OFF: 'BACKING_OFF';
  CLOSED: 'CLOSED';
  FAILED: 'FAILED';
}>;
export type ClientState = typeof State[keyof typeof State];

/** Whether `to` may follow `from` (ClientState.canMoveTo). */
export declare function canMoveTo(from: ClientState, to: ClientState): boolean;

export declare const BreakerState: Readonly<{ CLOSED: 'CLOSED'; OPEN: 'OPEN'; HALF_OPEN: 'HALF_OPEN' }>;
export type BreakerStateName = typeof BreakerState[keyof typeof BreakerState];

/** Every setting, in milliseconds where the name ends in Ms. */
export interface ClientConfig {
  /** Ceiling of the first backoff (full jitter: a random wait in [0, ceiling]). Default 500. */
  backoffInitialMs: number;
  /** The ceiling grows by this factor per failed attempt. Default 2. */
  backoffMultiplier: number;
  /**
   * The ceiling's cap, not below backoffInitialMs; also caps a 429's Retry-After, and paces the checks
   * while offline. Default 10 000 (the Java client's is 15 000).
   */
  backoffMaxMs: number;
  /** How long a readiness long-poll asks the gateway to hold the request (?wait=). Default 30 000. */
  readinessWaitMs: number;
  /** Timeout of a plain readiness check, and the slack beyond a long-poll's wait. Default 5 000. */
  readinessTimeoutMs: number;
  /** From opening the socket to the welcome; longer is a failed upgrade. Default 10 000. */
  connectTimeoutMs: number;
  /** A connection must stay open this long before the backoff is reset. Default 5 000. */
  minimumUptimeMs: number;
  /** Silence of heartbeatMisses × the welcome's heartbeatMillis is a dead link. Default 3. */
  heartbeatMisses: number;
  /** The dead-link silence when the welcome announces no heartbeat. Default 30 000. */
  fallbackHeartbeatTimeoutMs: number;
  /** Most publishes held without an ack; publish() throws beyond it. Default 1 000. */
  maxPending: number;
  /** First resend delay of a publish answered with a retryable error; doubles per round. Default 250. */
  resendInitialMs: number;
  /** Cap of that delay. Default 5 000. */
  resendMaxMs: number;
  /** Failed upgrades in a row that open the circuit breaker. Default 3. */
  breakerFailures: number;
  /** How long the open breaker refuses connects. Default 5 000. */
  breakerOpenWaitMs: number;
  /** FAILED after this many failed attempts in one outage (busy/full closes and an open breaker pace, never count); null: never (default). */
  giveUpAttempts: number | null;
  /** FAILED when one outage lasts this long; null: never (default). */
  giveUpAfterMs: number | null;
  /** sessionStorage key prefix of the saved session (":" + the WebSocket URL is appended). Default "reconnect". */
  storageKey: string;
}

export declare const DEFAULTS: Readonly<ClientConfig>;

/** DEFAULTS with the overrides, checked; throws TypeError/RangeError naming the bad setting. */
export declare function resolveConfig(overrides?: Partial<ClientConfig>): Readonly<ClientConfig>;

export interface StateChange {
  from: ClientState;
  to: ClientState;
  reason: string;
  /** Epoch ms (env.clock). */
  at: number;
  /** For `to === 'CONNECTING'`: the index of the readiness answer that allowed it; otherwise -1. */
  readinessIndex: number;
}

export interface ServiceReadiness {
  name: string;
  status: string;
  passing: number;
}

export interface Readiness {
  ready: boolean;
  registry: string;
  stale: boolean;
  index: number | null;
  connectSpreadMillis: number;
  services: ServiceReadiness[];
}

export type ReadinessOutcome = 'ready' | 'not_ready' | 'throttled' | 'garbage' | 'http_error' | 'unreachable';

export interface ReadinessResult {
  outcome: ReadinessOutcome;
  ready: boolean;
  /** null unless the answer was a readable readiness document. */
  readiness: Readiness | null;
  index: number | null;
  retryAfterMs: number;
  detail: string;
  /** HTTP status; 0 when the gateway did not answer. */
  status: number;
}

export interface ReadinessCheck {
  result: ReadinessResult;
  longPoll: boolean;
  /** ms until the next check (or, when ready with a connect spread, until the connect); null: connecting now. */
  nextInMs: number | null;
  at: number;
}

export interface Message {
  type: 'message';
  seq: number;
  body: string;
  publishedAt: number;
}

export interface Ack {
  key: string;
  seq: number;
  body: string;
  tookMs: number;
}

export interface PublishRetry {
  key: string;
  code: string;
  message: string;
  body: string;
  at: number;
}

export interface PublishRejection {
  key: string;
  code: string;
  message: string;
  body: string;
}

/**
 * A publish that was never acknowledged when the client ended (CLOSED or FAILED): this client sends it
 * no more. It may or may not have been stored (an ack can be lost with the connection). When
 * savedForReload, the page's saved session still holds it, so a reload of the page sends it again under
 * the same key (and the log stores it once); forgetSavedSession() drops it.
 */
export interface PublishAbandoned {
  key: string;
  body: string;
  /** How the client ended. */
  state: 'CLOSED' | 'FAILED';
  /** e.g. "the client failed before the server acknowledged the publish: gave up after 5 failed attempts (…)". */
  reason: string;
  savedForReload: boolean;
  at: number;
}

export interface Reconnect {
  downtimeMs: number;
  readyToOpenMs: number;
  reason: string;
  at: number;
}

export type ProblemKind = 'BAD_READINESS' | 'CONNECT_FAILED' | 'GAP' | 'HEARTBEAT_TIMEOUT' | 'LOG_REWOUND' | 'LOST'
  | 'MALFORMED_FRAME' | 'OFFLINE' | 'PUBLISH_RETRY' | 'SEND_FAILED' | 'SERVER_ERROR' | 'STORAGE' | 'UNEXPECTED_FRAME';

export interface Problem {
  kind: ProblemKind;
  message: string;
  at: number;
}

export interface PendingPublish {
  key: string;
  body: string;
  /** When publish() took it (epoch ms). */
  since: number;
}

export interface ClientStats {
  state: ClientState;
  /** Whether the current (or last) connection lasted minimumUptimeMs. */
  stable: boolean;
  failureReason: string | null;
  /** Failed attempts of this outage (the backoff's exponent). */
  attempt: number;
  breaker: BreakerStateName;
  offline: boolean;
  received: number;
  duplicates: number;
  lost: number;
  reconnects: number;
  connectAttempts: number;
  failedUpgrades: number;
  readinessRequests: number;
  badReadinessAnswers: number;
  readinessUnreachable: number;
  readinessThrottled: number;
  malformedFrames: number;
  unexpectedFrames: number;
  heartbeatTimeouts: number;
  connectsWhileNotReady: number;
  /** The last seq delivered (or skipped by a gap): the hello's lastSeq. */
  lastSeq: number;
  pending: number;
  lastAckSeq: number | null;
  publishRetries: number;
  /** Whether lastSeq and the outbox came from a saved session (a reload). */
  restored: boolean;
  pendingPublishes: PendingPublish[];
}

/** Every callback is optional; one that throws is logged and ignored. */
export interface ClientListener {
  onStateChange?(change: StateChange): void;
  onReadinessCheck?(check: ReadinessCheck): void;
  onMessage?(message: Message): void;
  onAck?(ack: Ack): void;
  onPublishRetry?(retry: PublishRetry): void;
  onPublishRejected?(rejection: PublishRejection): void;
  /** Once per publish without an ack, right after the change to CLOSED or FAILED. */
  onPublishAbandoned?(abandoned: PublishAbandoned): void;
  onReconnect?(reconnect: Reconnect): void;
  onProblem?(problem: Problem): void;
  onStats?(stats: ClientStats): void;
}

/** A minimal event target: window (online/offline), document (visibilitychange). */
export interface EventSource {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface WebSocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** What the client takes from its surroundings; each defaults to the browser's own. For tests. */
export interface ClientEnv {
  clock: { now(): number };
  timers: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(id: unknown): void };
  fetch(url: string, init?: { cache?: string; headers?: Record<string, string>; signal?: AbortSignal }): Promise<{
    status: number;
    headers: { get(name: string): string | null };
    text(): Promise<string>;
  }>;
  WebSocket: new (url: string) => WebSocketLike;
  /** In [0, 1). */
  random(): number;
  newKey(): string;
  /** Where the session is saved for a reload (default: sessionStorage); null: not saved. */
  storage: StorageLike | null;
  isOnline(): boolean;
  /** Fires 'online' and 'offline' (default: window). */
  network: EventSource | null;
  /** Fires 'visibilitychange' and has visibilityState (default: document). */
  document: (EventSource & { visibilityState: string }) | null;
}

export interface ClientOptions {
  /** The gateway's base URL (http or https). Default: the page's location. */
  gateway?: string;
  /** Default: ws(s)://<gateway host>/ws. */
  webSocketUrl?: string;
  config?: Partial<ClientConfig>;
  listener?: ClientListener;
  env?: Partial<ClientEnv>;
}

export interface ReconnectingClient {
  /** NEW → WAITING_FOR_READINESS; starts listening to online/offline/visibilitychange. Ignored after the first call. */
  start(): void;
  /**
   * Queues body under a fresh idempotency key and returns the key; sent now when OPEN, else after the
   * next welcome, and again after every welcome until acked (onAck), refused (onPublishRejected) or
   * abandoned when the client ends (onPublishAbandoned).
   * Throws TypeError (not a string), RangeError (too large for a frame), Error (CLOSED/FAILED, or maxPending full).
   */
  publish(body: string): string;
  /**
   * The page's own close: CLOSED, for good; every unacked publish goes to onPublishAbandoned. The saved
   * session stays (a reload resumes and sends those publishes again).
   */
  close(): void;
  /** Tells the client the network came back (true) or went (false); the browser's events do this already. */
  networkChanged(online: boolean): void;
  /** Removes the saved session (lastSeq, unacked publishes) from storage. */
  forgetSavedSession(): void;
  readonly state: ClientState;
  readonly breakerState: BreakerStateName;
  readonly failureReason: string | null;
  stats(): ClientStats;
  readonly webSocketUrl: string;
  readonly readinessUrl: string;
}

export declare function createReconnectingClient(options?: ClientOptions): ReconnectingClient;

/** A unique idempotency key ("web-" + 32 hex digits or a UUID). */
export declare function newKey(): string;

export interface BackoffSettings {
  backoffInitialMs: number;
  backoffMultiplier: number;
  backoffMaxMs: number;
}

/**
 * Full jitter: a whole number of ms, random in [0, ceiling] with ceiling = min(max, initial ×
 * multiplier^(attempt-1)) rounded down (as the Java client), minus alreadyWaitedMs, at least minimumMs.
 */
export declare function backoffDelay(attempt: number, config: BackoffSettings, random: () => number,
  hint?: { minimumMs?: number; alreadyWaitedMs?: number }): number;

export interface Breaker {
  readonly state: BreakerStateName;
  tryAcquire(): boolean;
  succeeded(): void;
  failed(): void;
  released(): void;
  openForMs(): number;
}

export declare function createBreaker(options: { failures: number; openWaitMs: number; now(): number }): Breaker;

export declare function parseRetryAfter(header: string | null | undefined, nowMs: number): number;
export declare function parseReadiness(status: number, retryAfterHeader: string | null, bodyText: string,
  nowMs: number): ReadinessResult;
export declare function summarize(readiness: Readiness | null): string;

/** Limits.MAX_FRAME_BYTES (65 536). */
export declare const MAX_FRAME_BYTES: number;

export type ServerFrame =
  | { type: 'welcome'; instance: string; head: number; resumeFrom: number; heartbeatMillis: number }
  | Message
  | { type: 'ack'; key: string; seq: number }
  | { type: 'error'; code: string; message: string; key: string | null }
  | { type: 'ping'; serverTime: number }
  | { type: 'gap'; from: number; to: number }
  | { type: 'hello' | 'publish' };

/** Checks one server frame like FrameCodec.decode; throws an Error saying what is wrong. */
export declare function decodeFrame(text: unknown): ServerFrame;
export declare function describeClose(code: number, reason?: string): string;
export declare function isRetryableError(code: string): boolean;
export declare function isSessionClose(code: number): boolean;
export declare function isTerminalClose(code: number): boolean;
export declare function publishableError(key: string, body: string): string | null;
export declare function webSocketUrlFor(base: string): string;
export declare function widestFrameBytes(key: string, body: string): number;

/** A re-armable timer (Phoenix socket.js's Timer): schedule replaces what was pending; tries counts firings. */
export declare class Timer {
  /** `now` (default Date.now) is the clock fireIfDue() judges by. */
  constructor(timers: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(id: unknown): void },
    now?: () => number);
  schedule(delayMs: number, task: () => void): void;
  /** Runs the pending task now if its time has come (a throttled timer); true when it ran. */
  fireIfDue(): boolean;
  cancel(): void;
  /** Cancels and counts tries from zero. */
  reset(): void;
  /** Counts tries from zero, leaving what is pending in place. */
  resetTries(): void;
  readonly tries: number;
  readonly pending: boolean;
}
