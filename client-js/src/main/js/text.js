// text.js: how durations and foreign text are shown in the client's reasons and problems.

/** "750 ms", "2.5 s". */
export function seconds(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function errorText(body) {
  try {
    const node = JSON.parse(body);
    if (node && typeof node.error === 'string') return `: ${abbreviate(node.error, 60)}`;
  } catch (e) { /* not JSON */ }
  return body && String(body).trim() ? snippet(body) : '';
}

export function snippet(body) {
  const flat = String(body == null ? '' : body).replace(/\s+/g, ' ').trim();
  if (!flat) return ', empty body';
  return `: "${abbreviate(flat, 60)}"`;
}

export function abbreviate(text, max) {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : flat.slice(0, max) + '…';
}
