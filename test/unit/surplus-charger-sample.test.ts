import { strict as assert } from 'node:assert';
import { sampleOf } from '../../src/surplus';

// A firmware 2.5.0 reading, as the LAN client parses it.
const READING = { ChargeState: 2, ChargePower: 2300, Paused: 0, Intensity: 10, PauseDynamic: 1, ChargeMode: 0, MinIntensity: 6, MaxIntensity: 16, Locked: 0, HousePower: 500, FVPower: 4000, GridPower: -1200 };

describe('sampleOf (a charger reading as the controller takes it)', () => {
  it('takes the control fields, the car and its connection; the grid comes from messages', () => {
    assert.deepEqual(sampleOf(READING, 'message', false), {
      charger: { Paused: 0, Intensity: 10, PauseDynamic: 1, ChargeMode: 0, MinIntensity: 6, MaxIntensity: 16, Locked: 0 },
      carConnected: true,
      carW: 2300,
    });
  });

  it('takes the grid from the charger\'s meter, inverted if told', () => {
    assert.equal(sampleOf(READING, 'charger', false).gridW, -1200);
    assert.equal(sampleOf(READING, 'charger', true).gridW, 1200);
  });

  it('puts the grid together from the house and PV clamps', () => {
    const s = sampleOf(READING, 'chargerHouse', false);
    assert.equal(s.gridW, 500 + 2300 - 4000);
    assert.equal(s.pvW, 4000);
  });

  it('takes the coordinator\'s sessionEnergy when the reading has it, else the charger\'s raw ChargeEnergy, kept apart', () => {
    assert.equal(sampleOf({ ...READING, ChargeEnergy: 0.2, sessionEnergy: 3.4 }, 'message', false).sessionEnergyKwh, 3.4);
    assert.equal(sampleOf({ ...READING, ChargeEnergy: 0.2, sessionEnergy: 3.4 }, 'message', false).chargeEnergyKwh, undefined);
    const raw = sampleOf({ ...READING, ChargeEnergy: 0.2 }, 'message', false);
    assert.equal(raw.chargeEnergyKwh, 0.2);
    assert.equal(raw.sessionEnergyKwh, undefined);
  });

  it('sees no car with ChargeState 0 and leaves out what the reading lacks', () => {
    assert.deepEqual(sampleOf({ ChargeState: 0 }, 'message', false), { charger: {}, carConnected: false });
  });
});
