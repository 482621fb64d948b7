// protocol.js: what the browser client needs of the wire protocol (protocol/src/main/java/dev/reconnect/
// protocol: Frame, FrameCodec, CloseCodes, ErrorCodes, Limits, Paths), with the same checks and words.

import { abbreviate } from './text.js';

/**
 * Limits.MAX_FRAME_BYTES: the largest frame either side sends, in UTF-8 bytes. A body is limited by
 * the widest frame that will carry it, checked the way FrameCodec.requirePublishable checks it.
 */
export const MAX_FRAME_BYTES = 64 * 1024;

/** The seq and publishedAt the server's check assumes for the message frame (Long.MAX_VALUE). */
const WIDEST_LONG = '9223372036854775807';

/** UTF-8 bytes of the widest frame that carries body: the publish frame under key, or the message frame. */
export function widestFrameBytes(key, body) {
  const encoder = new TextEncoder();
  const publish = JSON.stringify({ type: 'publish', key, body });
  const message = `{"type":"message","seq":${WIDEST_LONG},"body":${JSON.stringify(body)},"publishedAt":${WIDEST_LONG}}`;
  return Math.max(encoder.encode(publish).length, encoder.encode(message).length);
}

/** null when the server will take body under key, else its reason in the server's words. */
export function publishableError(key, body) {
  const widest = widestFrameBytes(key, body);
  if (widest <= MAX_FRAME_BYTES) return null;
  return `"body" is too large: the frame carrying it would be ${widest} bytes and the limit is ${MAX_FRAME_BYTES}`
      + ' bytes (UTF-8, after JSON escaping; control characters take 6 bytes each)';
}

/** CloseCodes.isTerminal: the server refuses this client for good. */
export function isTerminalClose(code) {
  return code === 1008 || (code >= 4400 && code <= 4499);
}

/** CloseCodes.isSessionClose: this session was closed while the instance is fine; reconnect and resume. */
export function isSessionClose(code) {
  return code >= 4000 && code <= 4099;
}

const SESSION_CLOSE_WORDS = Object.freeze({
  4000: 'too slow',
  4001: 'no hello in time',
  4002: 'instance full',
  4003: 'the log went backwards, resynchronising',
  4004: 'the gateway is busy, try again shortly',
});

/** How a close is told in the timeline, e.g. "closed by the server: too slow (4000)" (ClientEngine.describeClose). */
export function describeClose(code, reason) {
  const text = reason ? String(reason).trim() : '';
  if (!isSessionClose(code)) return `close ${code}${text ? ' ' + text : ''}`;
  const words = SESSION_CLOSE_WORDS[code] || 'session closed';
  const base = `closed by the server: ${words} (${code})`;
  return !text || text.toLowerCase() === words ? base : `${base}: ${text}`;
}

/** ErrorCodes.isRetryable: the publish was not stored, or may not have been; send it again under its key. */
export function isRetryableError(code) {
  return code === 'log_unavailable' || code === 'outcome_unknown' || code === 'busy';
}

/**
 * Checks one server frame the way FrameCodec.decode does: strict about the fields it needs, lenient
 * about extra ones. Returns the frame object, or throws an Error whose message says what is wrong.
 */
export function decodeFrame(text) {
  if (typeof text !== 'string') throw new Error('binary frame (the protocol is JSON text)');
  let node;
  try {
    node = JSON.parse(text);
  } catch (e) {
    throw new Error('frame is not valid JSON');
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    throw new Error('frame must be a JSON object with a "type"');
  }
  const str = (field) => {
    if (typeof node[field] !== 'string') throw new Error(`"${field}" must be a string`);
    return node[field];
  };
  const num = (field, optional, positive) => {
    const value = node[field];
    if (value === undefined || value === null) {
      if (optional) return 0;
      throw new Error(`"${field}" is missing`);
    }
    if (!Number.isSafeInteger(value)) throw new Error(`"${field}" must be a whole number`);
    if (value < 0) throw new Error(`"${field}" must not be negative`);
    if (positive && value === 0) throw new Error(`"${field}" must be at least 1`);
    return value;
  };
  switch (node.type) {
    case 'welcome':
      return { type: 'welcome', instance: str('instance'), head: num('head'), resumeFrom: num('resumeFrom'),
        heartbeatMillis: num('heartbeatMillis') };
    case 'message':
      return { type: 'message', seq: num('seq', false, true), body: str('body'),
        publishedAt: num('publishedAt', true) };
    case 'ack':
      return { type: 'ack', key: str('key'), seq: num('seq', false, true) };
    case 'error':
      return { type: 'error', code: str('code'), message: str('message'),
        key: typeof node.key === 'string' ? node.key : null };
    case 'ping':
      return { type: 'ping', serverTime: num('serverTime', true) };
    case 'gap':
      return { type: 'gap', from: num('from', false, true), to: num('to', false, true) };
    case 'hello':
    case 'publish':
      return { type: node.type };          // valid frames, but only a client sends them
    case undefined:
    case '':
      throw new Error('frame has no "type"');
    default:
      throw new Error(`unknown frame type "${abbreviate(String(node.type), 40)}"`);
  }
}

/** ws(s)://<host of base>/ws */
export function webSocketUrlFor(base) {
  const url = new URL('/ws', base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

