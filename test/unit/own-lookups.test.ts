// Names from outside (message keys, topics, card names) that every object inherits are
// ordinary names: never a lookup that finds Object.prototype.

import { strict as assert } from 'node:assert';
import { DEFAULT_METER, readMessage } from '../../src/surplus/meter';
import { summarise } from '../../src/trydan/statistics';

describe('lookups of names from outside', () => {
  it('surplus meter: a payload key "constructor" beside the grid is an unknown input, ignored', () => {
    const m = readMessage({ payload: { grid: 500, constructor: 1 } }, DEFAULT_METER);
    assert.equal(m.parts.grid, 500);
  });

  it('surplus meter: a bare value with topic "home/__proto__" is the grid, as under any unknown topic', () => {
    assert.equal(readMessage({ topic: 'home/meter', payload: 500 }, DEFAULT_METER).parts.grid, 500);
    assert.equal(readMessage({ topic: 'home/__proto__', payload: 500 }, DEFAULT_METER).parts.grid, 500);
    assert.equal(readMessage({ topic: 'toString', payload: 500 }, DEFAULT_METER).parts.grid, 500);
  });

  it('statistics: RFID cards named "constructor" or "__proto__" keep their energy', () => {
    const s = summarise([
      { energy: 5, rfidName: 'constructor' },
      { energy: 7, rfidName: '__proto__' },
      { energy: 1, rfidName: '__proto__' },
    ]);
    assert.equal(JSON.stringify(s.byCard), JSON.stringify({ constructor: 5, ['__proto__']: 8 }));
    assert.equal(Object.getPrototypeOf(s.byCard), Object.prototype, 'the result\'s prototype is untouched');
  });
});
