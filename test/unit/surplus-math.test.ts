import { strict as assert } from 'node:assert';
import { AsymmetricSmoother, availablePower, roundAmps } from '../../src/surplus';

describe('surplus arithmetic', () => {
  describe('rounding policies', () => {
    it('no import: always down, as evcc does', () => {
      assert.equal(roundAmps(8.99, 'noImport', 70), 8);
      assert.equal(roundAmps(9, 'noImport', 70), 9);
    });

    it('nearest: half an amp of import at most', () => {
      assert.equal(roundAmps(8.49, 'nearest', 70), 8);
      assert.equal(roundAmps(8.5, 'nearest', 70), 9);
    });

    it('PV ratio: up once PV covers that share of the next amp', () => {
      assert.equal(roundAmps(8.69, 'pvRatio', 70), 8);
      assert.equal(roundAmps(8.7, 'pvRatio', 70), 9);
      assert.equal(roundAmps(8.01, 'pvRatio', 0), 9, '0 %: any PV in the next amp is enough');
      assert.equal(roundAmps(8.99, 'pvRatio', 100), 8, '100 %: the whole amp from PV, as no import');
    });

    it('leaves whole amps alone, including float noise', () => {
      assert.equal(roundAmps(1380 / 230, 'pvRatio', 0), 6);
      assert.equal(roundAmps(6 - 1e-12, 'noImport', 70), 6);
    });
  });

  describe('smoothing', () => {
    it('rises with the rise time and falls with the fall time', () => {
      const s = new AsymmetricSmoother(30_000, 5_000);
      s.push(0, 0);
      assert.ok(Math.abs(s.push(1000, 30_000) - 1000 * (1 - Math.exp(-1))) < 1e-9);
      const top = s.value!;
      assert.ok(Math.abs(s.push(0, 35_000) - top * Math.exp(-1)) < 1e-9);
    });

    it('gives the same value for one reading every second or every ten seconds', () => {
      const fast = new AsymmetricSmoother(30_000, 5_000);
      const slow = new AsymmetricSmoother(30_000, 5_000);
      fast.push(0, 0);
      slow.push(0, 0);
      for (let t = 1000; t <= 60_000; t += 1000) fast.push(2000, t);
      for (let t = 10_000; t <= 60_000; t += 10_000) slow.push(2000, t);
      assert.ok(Math.abs(fast.value! - slow.value!) < 1e-6);
    });

    it('takes the next reading as it is after a reset, and follows at once with zero time constants', () => {
      const s = new AsymmetricSmoother(0, 0);
      s.push(100, 0);
      assert.equal(s.push(900, 1), 900);
      s.reset();
      assert.equal(s.value, undefined);
      assert.equal(s.push(-50, 2), -50);
    });
  });

  describe('available power', () => {
    const settings = { gridAllowance: 0, batteryPrioritySoc: 80, batteryMargin: 100 };

    it('is the car plus the export', () => {
      assert.equal(availablePower({ gridW: -1500, carW: 2000 }, settings).availableW, 3500);
      assert.equal(availablePower({ gridW: 400, carW: 2000 }, settings).availableW, 1600);
    });

    it('adds the grid allowance', () => {
      assert.equal(availablePower({ gridW: 0, carW: 1380 }, { ...settings, gridAllowance: 300 }).availableW, 1680);
    });

    it('gives a charging battery its power below the priority charge, less nothing but the margin', () => {
      const a = availablePower({ gridW: -200, carW: 0, batteryW: -2500, soc: 40 }, settings);
      assert.deepEqual(a, { availableW: 100, batteryPriority: true, batteryFeeds: false });
    });

    it('counts a charging battery as surplus at or above the priority charge', () => {
      assert.deepEqual(availablePower({ gridW: -200, carW: 0, batteryW: -2500, soc: 80 }, settings), { availableW: 2700, batteryPriority: false, batteryFeeds: false });
    });

    it('never counts a discharging battery, whatever its charge', () => {
      assert.equal(availablePower({ gridW: 0, carW: 2000, batteryW: 800, soc: 95 }, settings).availableW, 1200);
      assert.equal(availablePower({ gridW: 0, carW: 2000, batteryW: 800, soc: 20 }, settings).availableW, 1200);
    });
  });
});
