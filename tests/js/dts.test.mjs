// The .d.ts ships beside the module: every export of one is declared in the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as module from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';

test('ipc-renderer.d.ts declares exactly what ipc-renderer.js exports', () => {
  const dts = readFileSync(new URL('../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.d.ts', import.meta.url), 'utf8');
  const declared = [...dts.matchAll(/^export declare (?:const|function|class) ([A-Za-z_]+)/gm)].map((m) => m[1]).sort();
  assert.deepEqual(declared, Object.keys(module).sort());
});

test('the constants the .d.ts spells out have the values the module uses', () => {
  const dts = readFileSync(new URL('../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.d.ts', import.meta.url), 'utf8');
  for (const name of ['FrameKind', 'IpcOperation', 'ErrorCode', 'DisconnectReason', 'QueueFullMode', 'ErrorName']) {
    const block = new RegExp(`export declare const ${name}: Readonly<\\{([^}]*)\\}>`, 's').exec(dts)[1];
    const entries = Object.fromEntries([...block.matchAll(/(\w+): ('[^']*'|0x[0-9a-f]+|\d+)/g)].map(([, k, v]) => [k, v.startsWith("'") ? v.slice(1, -1) : Number(v)]));
    assert.deepEqual(entries, { ...module[name] }, name);
  }
});
