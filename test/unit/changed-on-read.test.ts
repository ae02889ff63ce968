import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { util } from '@node-red/util';
import { changedOnRead } from '../../nodes/lib/changed-on-read';

describe('msg.changed worked out on read', () => {
  it('is worked out only when read, and each time from the same rule', () => {
    let calls = 0;
    const msg = changedOnRead({ payload: 1 }, () => (calls++, ['ChargePower']));
    assert.equal(calls, 0);
    assert.deepEqual(msg.changed, ['ChargePower']);
    assert.equal(calls, 1);
  });

  it('is an own enumerable key: JSON, Object.keys and cloneMessage see the keys as a plain value', () => {
    const msg = changedOnRead({ topic: 'A', payload: {} }, () => ['Intensity']);
    assert.deepEqual(Object.keys(msg), ['topic', 'payload', 'changed']);
    assert.equal(JSON.stringify(msg), '{"topic":"A","payload":{},"changed":["Intensity"]}');
    const clone = util.cloneMessage(msg) as Record<string, unknown>;
    assert.deepEqual(Object.getOwnPropertyDescriptor(clone, 'changed')?.value, ['Intensity']);
  });

  it('can be overwritten by a flow', () => {
    const msg = changedOnRead({}, () => ['Intensity']);
    msg.changed = ['mine'];
    assert.deepEqual(msg.changed, ['mine']);
    assert.equal(Object.getOwnPropertyDescriptor(msg, 'changed')?.writable, true);
  });

  it('leaves every message the same hidden class (one per message lands in V8 old space)', () => {
    // %HaveSameMap needs V8's natives syntax: asked in a child Node of its own.
    const script = `
      const { changedOnRead } = require(${JSON.stringify(path.resolve(__dirname, '../../nodes/lib/changed-on-read.ts'))});
      const make = (i) => changedOnRead({ topic: 'A', payload: { i }, source: 'lan' }, () => [String(i)]);
      const a = make(1), b = make(2);
      process.stdout.write(JSON.stringify({ same: %HaveSameMap(a, b), fast: %HasFastProperties(a) }));`;
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '-r', 'tsx/cjs', '-e', script], { encoding: 'utf8', timeout: 15_000 });
    assert.deepEqual(JSON.parse(out), { same: true, fast: true });
  });
});
