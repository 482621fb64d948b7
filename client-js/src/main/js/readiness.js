// readiness.js: reading the gateway's GET /readiness answers (the Java client's ReadinessParser and
// RetryAfter). Nothing here throws: whatever comes back becomes a result with an outcome.

import { abbreviate, snippet, errorText } from './text.js';

/** The Retry-After header as milliseconds: delta-seconds or an HTTP-date; 0 when absent or unreadable. */
export function parseRetryAfter(header, nowMs) {
  const max = 10 * 60_000;
  if (header == null) return 0;
  const value = String(header).trim();
  if (/^\d+$/.test(value)) {
    return Math.min(max, Number(value) * 1000);
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) return 0;
  return Math.min(max, Math.max(0, at - nowMs));
}

/**
 * Turns whatever came back from GET /readiness into a result; never throws (ReadinessParser).
 * outcome: 'ready' | 'not_ready' | 'throttled' (429: ask again after Retry-After) | 'garbage' (not JSON /
 * not a readiness answer) | 'http_error' | 'unreachable'
 */
export function parseReadiness(status, retryAfterHeader, bodyText, nowMs) {
  let retryAfterMs = parseRetryAfter(retryAfterHeader, nowMs);
  const result = (outcome, readiness, index, detail) => ({ outcome, ready: outcome === 'ready', readiness, index,
    retryAfterMs, detail, status });
  if (status === 429) {
    if (retryAfterMs <= 0) retryAfterMs = 1000;  // still "not now", whatever the header said
    return result('throttled', null, null, `gateway busy, asked to wait ${retryAfterMs} ms (HTTP 429${errorText(bodyText)})`);
  }
  if (status !== 200 && status !== 503) {
    return result('http_error', null, null, `HTTP ${status}${snippet(bodyText)}`);
  }
  let node;
  try {
    node = JSON.parse(bodyText);
  } catch (e) {
    node = undefined;
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node) || typeof node.ready !== 'boolean') {
    return result('garbage', null, null, `not a readiness answer (HTTP ${status}${snippet(bodyText)})`);
  }
  const rawServices = node.services === undefined || node.services === null ? [] : node.services;
  if (!Array.isArray(rawServices) || rawServices.some(s => s === null || typeof s !== 'object')) {
    return result('garbage', null, null, `malformed readiness answer (HTTP ${status})`);
  }
  const readiness = {
    ready: node.ready,
    registry: typeof node.registry === 'string' ? node.registry : 'unknown',
    stale: node.stale === true,
    index: Number.isSafeInteger(node.index) ? node.index : null,
    // > 0 when the gateway woke a crowd of waiting clients at once: take a random place in that window.
    connectSpreadMillis: Number.isSafeInteger(node.connectSpreadMillis) && node.connectSpreadMillis > 0
      ? node.connectSpreadMillis : 0,
    services: rawServices.map(s => ({
      name: typeof s.name === 'string' ? s.name : '?',
      status: typeof s.status === 'string' ? s.status : '?',
      passing: Number.isSafeInteger(s.passing) ? s.passing : 0,
    })),
  };
  // The status is authoritative: a 503 is never "ready", whatever the body says.
  const ready = status === 200 && readiness.ready;
  const summary = summarize(readiness);
  return result(ready ? 'ready' : 'not_ready', readiness, readiness.index,
      (ready ? 'ready' : 'not ready') + (summary ? ` (${summary})` : ''));
}

/** e.g. "ws-service passing=1, api-service passing=0 (registry unavailable, stale)". */
export function summarize(readiness) {
  if (!readiness) return '';
  let text = readiness.services.map(s => `${s.name} passing=${s.passing}`).join(', ');
  if (!text) text = readiness.ready ? 'ready' : 'not ready';
  if (readiness.stale || readiness.registry !== 'up') {
    text += ` (registry ${readiness.registry}${readiness.stale ? ', stale' : ''})`;
  }
  return text;
}

