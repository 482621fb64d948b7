// reconnect.d.ts is hand-written: these checks keep its names in step with what the modules export,
// the settings DEFAULTS has and the fields stats() returns (tsc is not part of this build).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as api from '../../main/js/reconnect.js';
import { harness } from './harness.js';

const dts = readFileSync(new URL('../../main/js/reconnect.d.ts', import.meta.url), 'utf8');

/** The member names of `interface name { ... }` in the declarations. */
function members(name) {
  const match = dts.match(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`));
  assert.ok(match, `interface ${name} is declared`);
  return [...match[1].matchAll(/^ {2}(?:readonly )?([A-Za-z]+)\??[:(]/gm)].map(m => m[1]).sort();
}

test('the declarations declare exactly what reconnect.js exports', () => {
  const declared = [...dts.matchAll(/^export declare (?:const|function|class) ([A-Za-z_]+)/gm)].map(m => m[1]).sort();
  assert.deepEqual(declared, Object.keys(api).sort());
});

test('ClientConfig declares exactly the settings of DEFAULTS', () => {
  assert.deepEqual(members('ClientConfig'), Object.keys(api.DEFAULTS).sort());
});

test('ClientStats declares exactly the fields of stats()', () => {
  assert.deepEqual(members('ClientStats'), Object.keys(harness().client.stats()).sort());
});

test('ClientListener declares exactly the callbacks the modules call', () => {
  const dir = new URL('../../main/js/', import.meta.url);
  const called = new Set();
  for (const file of readdirSync(dir).filter(name => name.endsWith('.js'))) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const match of source.matchAll(/emit\('(on[A-Za-z]+)'/g)) called.add(match[1]);
  }
  assert.deepEqual(members('ClientListener'), [...called].sort());
});

test('ReconnectingClient declares exactly the client\'s members', () => {
  assert.deepEqual(members('ReconnectingClient'), Object.keys(harness().client).sort());
});
