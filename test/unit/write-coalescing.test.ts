import { strict as assert } from 'node:assert';
import { WriteQueue } from '../../src/coordinator/write-queue';

/** Queues each message (keywords in the order given, the waiter named after the message) and sends. */
function sent(...messages: Array<[string, Record<string, number>]>): string[] {
  const q = new WriteQueue<string>();
  for (const [name, values] of messages) q.add(Object.entries(values).map(([keyword, value]) => ({ keyword, value, waiter: name })));
  return q.take().map((w) => `${w.keyword}=${w.value} (${[...w.waiters].sort().join(',')})`);
}

describe('write coalescing across queued messages', () => {
  it('never sends a state no message asked for: pause, 32 A while paused, pause again', () => {
    // Queued behind a slow write while charging at 16 A: dropping the first pause would send
    // 32 A to a charging car before any pause lands.
    assert.deepEqual(sent(['m1', { Paused: 1 }], ['m2', { Intensity: 32 }], ['m3', { Paused: 1 }]), [
      'Paused=1 (m1)',
      'Intensity=32 (m2)',
      'Paused=1 (m3)',
    ]);
  });

  it('lets the latest value win over a run of messages each rewritten by the next', () => {
    assert.deepEqual(sent(['a', { Intensity: 10 }], ['b', { Intensity: 12 }], ['c', { Intensity: 14, Paused: 1 }]), [
      'Intensity=14 (a,b,c)',
      'Paused=1 (c)',
    ]);
  });

  it('drops a message only for the one right after it, not across a kept one', () => {
    assert.deepEqual(sent(['a', { Intensity: 6 }], ['b', { Paused: 0 }], ['c', { Intensity: 8 }]), [
      'Intensity=6 (a)',
      'Paused=0 (b)',
      'Intensity=8 (c)',
    ]);
    // The one after it rewrites the kept message in turn: both go, the older first.
    assert.deepEqual(sent(['a', { Paused: 1 }], ['b', { Intensity: 32 }], ['c', { Intensity: 20 }]), ['Paused=1 (a)', 'Intensity=20 (b,c)']);
  });

  it('sends a message only partly rewritten whole, in its own order', () => {
    assert.deepEqual(sent(['a', { Intensity: 6, Paused: 0 }], ['b', { Intensity: 10 }]), ['Intensity=6 (a)', 'Paused=0 (a)', 'Intensity=10 (b)']);
  });
});
