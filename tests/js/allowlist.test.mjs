// The renderer-side allowlist: the same pattern rules as .NET's ChannelAllowlist, checked against the same cases as
// tests/IpcBridge.Tests/Core/AllowlistTests.cs and Typed/TypedAllowlistTests.cs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelAllowlist, IpcOperation, ErrorName } from '../../src/IpcBridge.AspNetCore/wwwroot/ipc-renderer.js';

const list = (...rules) => new ChannelAllowlist(false, rules.map(([operations, pattern]) => ({ operations, pattern })));

test('IsAllowed matches exact names, prefixes, and every requested operation (AllowlistTests)', () => {
  const l = list([IpcOperation.Send, 'app:ping'], [IpcOperation.Receive, 'files:*'], [IpcOperation.Ports, 'files:stream']);
  assert.equal(l.isAllowed(IpcOperation.Send, 'app:ping'), true);
  assert.equal(l.isAllowed(IpcOperation.Send, 'app:ping2'), false, 'an exact name is not a prefix');
  assert.equal(l.isAllowed(IpcOperation.Invoke, 'app:ping'), false);
  assert.equal(l.isAllowed(IpcOperation.Receive, 'files:anything'), true);
  assert.equal(l.isAllowed(IpcOperation.Receive, 'files'), false);
  assert.equal(l.isAllowed(IpcOperation.Receive | IpcOperation.Ports, 'files:stream'), true);
  assert.equal(l.isAllowed(IpcOperation.Receive | IpcOperation.Ports, 'files:other'), false);
  assert.equal(ChannelAllowlist.denyAll().isAllowed(IpcOperation.Send, 'x'), false);
  assert.equal(ChannelAllowlist.allowAll().isAllowed(IpcOperation.All, 'x'), true);
});

test('a prefix pattern allows only channels with that prefix (ChannelAllowlist_PrefixPattern)', () => {
  const l = list([IpcOperation.Invoke, 'files:*'], [IpcOperation.Receive, 'files:*']);
  assert.equal(l.isAllowed(IpcOperation.Invoke, 'files:read'), true);
  assert.equal(l.isAllowed(IpcOperation.Invoke, 'files:'), true);
  for (const denied of ['files', 'filesystem', 'x:files:read']) {
    assert.equal(l.isAllowed(IpcOperation.Invoke, denied), false, denied);
  }

  assert.equal(l.isAllowed(IpcOperation.Send, 'files:read'), false, 'the prefix grants Invoke and Receive, not Send');
  assert.equal(l.isAllowed(IpcOperation.Receive, 'files:changed'), true);
  assert.equal(l.isAllowed(IpcOperation.Receive, 'other'), false);
});

test('exact names grant exactly one channel per operation (TypedAllowlistTests)', () => {
  const l = list([IpcOperation.Send, 'orders:placed'], [IpcOperation.Receive, 'status'], [IpcOperation.Invoke, 'checkout'],
    [IpcOperation.Handle, 'doubler'], [IpcOperation.Ports, 'snake'], [IpcOperation.SendSync, 'snake-checkout']);
  assert.equal(l.isAllowed(IpcOperation.Send, 'orders:placed'), true);
  assert.equal(l.isAllowed(IpcOperation.Receive, 'orders:placed'), false);
  assert.equal(l.isAllowed(IpcOperation.Send, 'orders:placed-too'), false, 'an exact name grants its name, not a prefix');
  assert.equal(l.isAllowed(IpcOperation.Receive, 'status'), true);
  assert.equal(l.isAllowed(IpcOperation.Invoke, 'checkout'), true);
  assert.equal(l.isAllowed(IpcOperation.Handle, 'checkout'), false);
  assert.equal(l.isAllowed(IpcOperation.Handle, 'doubler'), true);
  assert.equal(l.isAllowed(IpcOperation.Ports, 'snake'), true);
  assert.equal(l.isAllowed(IpcOperation.SendSync, 'snake-checkout'), true);
});

test('DenyAll denies every operation; the empty operation set is always allowed', () => {
  const none = new ChannelAllowlist(false, []);
  for (const op of [IpcOperation.Send, IpcOperation.SendSync, IpcOperation.Invoke, IpcOperation.Receive, IpcOperation.Ports, IpcOperation.Handle]) {
    assert.equal(none.isAllowed(op, 'any'), false);
  }

  assert.equal(none.isAllowed(IpcOperation.None, 'any'), true);
  assert.equal(none.toString(), 'DenyAll');
  assert.equal(ChannelAllowlist.allowAll().toString(), 'AllowAll');
});

test('operations granted by several matching rules add up, as in .NET', () => {
  const l = list([IpcOperation.Send, 'app:x'], [IpcOperation.Ports, 'app:*']);
  assert.equal(l.isAllowed(IpcOperation.Send | IpcOperation.Ports, 'app:x'), true);
  assert.equal(l.isAllowed(IpcOperation.Send | IpcOperation.Ports, 'app:y'), false);
  assert.equal(l.isAllowed(IpcOperation.Send | IpcOperation.Invoke, 'app:x'), false);
});

test('a pattern with * anywhere but its end, or an empty one, is refused (ChannelAllowlist_StarNotAtEnd_Throws)', () => {
  for (const pattern of ['a*b', '*a', 'a**', '']) {
    assert.throws(() => list([IpcOperation.Send, pattern]), TypeError, JSON.stringify(pattern));
  }

  assert.throws(() => list([IpcOperation.Send, 'a*b']), /'a\*b'/);
  assert.doesNotThrow(() => list([IpcOperation.Send, '*']), 'a lone star is a prefix of everything');
  assert.equal(list([IpcOperation.Send, '*']).isAllowed(IpcOperation.Send, 'anything'), true);
});

test('a non-string channel is never allowed (unless everything is)', () => {
  const l = list([IpcOperation.Send, '*']);
  assert.equal(l.isAllowed(IpcOperation.Send, undefined), false);
  assert.equal(l.isAllowed(IpcOperation.Send, 42), false);
});

test('the welcome carries operations as numbers; the names form ("Send, Invoke") is read too', () => {
  const fromNumbers = ChannelAllowlist.fromWelcome({ allowAll: false, rules: [{ operations: 5, pattern: 'files:*' }] });
  const fromNames = ChannelAllowlist.fromWelcome({ allowAll: false, rules: [{ operations: 'Send, Invoke', pattern: 'files:*' }] });
  for (const l of [fromNumbers, fromNames]) {
    assert.equal(l.isAllowed(IpcOperation.Send, 'files:a'), true);
    assert.equal(l.isAllowed(IpcOperation.Invoke, 'files:a'), true);
    assert.equal(l.isAllowed(IpcOperation.Receive, 'files:a'), false);
  }

  assert.deepEqual(fromNames.rules, [{ operations: 5, pattern: 'files:*' }]);
  assert.equal(ChannelAllowlist.fromWelcome({ allowAll: true }).allowsEverything, true);
  assert.equal(ChannelAllowlist.fromWelcome({ allowAll: false }).isAllowed(IpcOperation.Send, 'x'), false);
  assert.throws(() => ChannelAllowlist.fromWelcome({ rules: [{ operations: 'Teleport', pattern: 'x' }] }), (e) => e.name === ErrorName.Protocol);
  assert.throws(() => ChannelAllowlist.fromWelcome({ rules: 'all' }), (e) => e.name === ErrorName.Protocol);
});

test('a list is immutable', () => {
  const l = list([IpcOperation.Send, 'x']);
  assert.ok(Object.isFrozen(l));
  const rules = l.rules;
  rules.push({ operations: IpcOperation.All, pattern: '*' });
  assert.equal(l.isAllowed(IpcOperation.Invoke, 'y'), false);
});
