import { strict as assert } from 'node:assert';
import * as reply from '../../src/trydan/cloud-reply';

describe('cloud reply decoding', () => {
  it('unwraps JSON, JSON in text, JSON in a JSON string, bare scalars and empty bodies', () => {
    assert.deepEqual(reply.decode('{"a":"1"}'), { a: '1' });
    assert.deepEqual(reply.decode(JSON.stringify(JSON.stringify({ a: 1 }))), { a: 1 });
    assert.equal(reply.decode('true'), true);
    assert.equal(reply.decode('1'), 1);
    assert.equal(reply.decode('"OK"'), 'OK');
    assert.equal(reply.decode('OK'), 'OK');
    assert.equal(reply.decode(''), null);
  });

  it('turns currentstatecharge into LAN keywords, kW into W, cloud states into LAN states', () => {
    const reading = reply.currentStateToReading({
      error: '0', battery: '0.500000', voltage: '230.50', intensity: '6', seconds: '93', photovoltaic_on: '1',
      house_power: '3.500000', charge_state: '3', power: '1.380000', sun_power: '1.500000', phases: '1', cp_level: '248.000000', energy: '2.25',
    });
    assert.deepEqual(reading, {
      ChargeState: 6, ChargePower: 1380, ChargeEnergy: 2.25, ChargeTime: 93, HousePower: 3500, FVPower: 1500, BatteryPower: 500,
      Intensity: 6, SlaveError: 0, VoltageInstallation: 248, Phases: 1, PhotovoltaicOn: 1,
    });
  });

  it('maps each cloud fault state to its LAN number', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(reply.lanChargeState), [0, 1, 2, 6, 5, 4]);
  });

  it('reads the reported shadow, even as a JSON string with JSON inside', () => {
    const shadow = JSON.stringify({ intensity: '16', contract_power: '46', charge_state: '4', wifi_info: JSON.stringify({ ssid: 'Home', ip: '192.168.1.5' }) });
    const o = reply.reportedToObject(reply.decode(JSON.stringify(shadow)));
    assert.equal(o.intensity, 16);
    assert.equal(o.contract_power_w, 4600);
    assert.equal(o.ChargeState, 5);
    assert.deepEqual(o.wifi_info, { ssid: 'Home', ip: '192.168.1.5' });
  });

  it('reads connected from a bool, a number or a word', () => {
    for (const v of [true, 1, 'true', '1', { connected: 'true' }]) assert.equal(reply.toBoolean(v), true, JSON.stringify(v));
    for (const v of [false, 0, 'false']) assert.equal(reply.toBoolean(v), false, JSON.stringify(v));
    assert.throws(() => reply.toBoolean(null), { code: 'INVALID_RESPONSE' });
  });

  it('reads the version from an object or a bare string', () => {
    assert.equal(reply.toVersion({ versionId: '2.5.0' }), '2.5.0');
    assert.equal(reply.toVersion('2.4.1'), '2.4.1');
  });

  it('reads pairings the way the cloud really sends them', () => {
    assert.deepEqual(reply.toPairings([{ deviceId: 'ABC', tag: 'Garage', ip: '192.168.1.9', model: 'trydan', modelName: 'Trydan' }]), [
      { deviceId: 'ABC', name: 'Garage', ip: '192.168.1.9', model: 'Trydan', tag: 'Garage', modelName: 'Trydan' },
    ]);
  });

  it('reads sessions with numbers and energy per hour as a list', () => {
    const [s] = reply.toSessions([{ id: 1, energy: '9.6', cost: '1.44', energyByHour: '0.9|3.5|3.6|1.6', energyByHourFv: null }]);
    assert.deepEqual(s, { id: 1, energy: 9.6, cost: 1.44, energyByHour: [0.9, 3.5, 3.6, 1.6], energyByHourFv: null });
  });

  it('reads account totals', () => {
    assert.deepEqual(reply.toTotals([{ totalEnergy: '1500.75', totalCharges: '120' }]), { totalEnergy: 1500.75, totalCharges: 120 });
  });

  it('keeps codes, names and addresses as text even when they look like numbers', () => {
    assert.deepEqual(reply.toList([{ code: '00123456', tag: '007' }, { code: '3E41', tag: 'x' }], 'rfid'), [{ code: '00123456', tag: '007' }, { code: '3E41', tag: 'x' }]);
    const o = reply.reportedToObject({ mac: '001122334455', intensity: '16', wifi_info: JSON.stringify({ ssid: '12345' }) });
    assert.equal(o.mac, '001122334455');
    assert.equal(o.intensity, 16);
    assert.deepEqual(o.wifi_info, { ssid: '12345' });
    assert.equal(reply.num('0x1A'), '0x1A');
    assert.equal(reply.num('-3.5'), -3.5);
  });

  it('finds the list in wrapped replies', () => {
    assert.deepEqual(reply.toList({ data: [{ code: 'aa', tag: 'Ana' }] }, 'rfid'), [{ code: 'aa', tag: 'Ana' }]);
    assert.deepEqual(reply.toList(null, 'rfid'), []);
  });

  it('treats a command answer of false or ERROR as a failure', () => {
    assert.deepEqual(reply.toCommandResult(null), { ok: true });
    assert.deepEqual(reply.toCommandResult({ message: 'Command executed successfully' }), { ok: true, message: 'Command executed successfully' });
    assert.throws(() => reply.toCommandResult('ERROR'), { code: 'INVALID_RESPONSE' });
  });
});
