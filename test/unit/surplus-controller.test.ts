import { strict as assert } from 'node:assert';
import { type Decision, settingsFrom } from '../../src/surplus';
import { T0, site } from './surplus-site';

const MIN_W = 6 * 230; // the minimum current's power on one phase
const intensityWrites = (commands: object[]) => commands.filter((c) => 'Intensity' in c);
const seconds = (d: Decision) => (d.time - T0) / 1000;

describe('surplus controller: PV mode, start to stop', () => {
  it('takes control and keeps the car paused while the surplus cannot carry the minimum', () => {
    const s = site();
    const d = s.run(30, MIN_W - 300);
    assert.equal(d.state, 'waiting');
    assert.equal(d.reason, 'noSurplus');
    assert.match(d.reasonText, /surplus 1080 W, 1359 W needed to start/);
    assert.deepEqual(s.commands, [{ PauseDynamic: 1, Paused: 1 }], 'PauseDynamic=1 takes control; Paused, never Locked');
  });

  it('starts once the smoothed surplus has carried the minimum for the start delay, current before resume', () => {
    const s = site();
    s.run(10, 500);
    s.run(150, 2000);
    const starting = s.decisions.filter((d) => d.state === 'starting');
    assert.ok(starting.length > 0, 'a starting phase with a countdown');
    assert.ok(starting[0]!.timers.startIn! <= 60 && starting[0]!.timers.startIn! > 58);
    assert.match(starting[0]!.reasonText, /start in 1:00|start in 0:59/);
    const start = s.decisions.find((d) => d.reason === 'started')!;
    const since = seconds(starting[0]!);
    assert.ok(seconds(start) - since >= 60 && seconds(start) - since <= 61, `started ${seconds(start) - since} s after the surplus reached the minimum`);
    assert.deepEqual(Object.keys(start.command!), ['Intensity', 'Paused'], 'the current is set before the car resumes');
    assert.equal(start.command!.Paused, 0);
    assert.equal(start.command!.Intensity, 8, '≈1900 W smoothed → 8 A, rounded down');
    assert.equal(s.last().state, 'charging');
    assert.equal(s.last().reason, 'surplus');
  });

  it('restarts the start timer when the surplus breaks off', () => {
    const s = site();
    s.run(60, 2000); // starting, not yet started
    assert.equal(s.last().state, 'starting');
    s.run(20, 0); // a cloud
    assert.equal(s.last().state, 'waiting');
    s.run(60, 2000);
    assert.equal(s.last().state, 'starting', 'a minute of sun after the cloud is not yet a minute of surplus (smoothing)');
    s.run(40, 2000);
    assert.equal(s.last().state, 'charging');
  });

  it('follows the surplus up slowly and down quickly, writing at most every 10 s', () => {
    const s = site({ minPause: 0 });
    s.run(200, 1800);
    assert.equal(s.charger.Intensity, 7);
    s.run(300, 3100); // 13.5 A
    assert.equal(s.charger.Intensity, 13);
    const writes = s.decisions.filter((d) => d.command && 'Intensity' in d.command).map(seconds);
    for (let i = 1; i < writes.length; i++) assert.ok(writes[i]! - writes[i - 1]! >= 10, `writes at ${writes.join(', ')} s`);
    const before = s.now;
    s.run(30, 2100); // 9.1 A
    const down = s.decisions.find((d) => d.time > before && d.command?.Intensity === 9);
    assert.ok(down, 'came down to 9 A');
    assert.ok((down.time - before) / 1000 <= 15, `down within ${(down.time - before) / 1000} s`);
  });

  it('does not toggle between two amps when the surplus sits on the edge', () => {
    const s = site();
    s.run(200, 2000);
    const writes = intensityWrites(s.commands).length;
    s.run(600, (i) => 2300 + (i % 2 ? 20 : -20)); // 10.0 A ± 0.09
    assert.ok(intensityWrites(s.commands).length - writes <= 1, 'one step at most, then it stays');
    const last = s.charger.Intensity;
    const settled = intensityWrites(s.commands).length;
    s.run(600, (i) => 2300 + (i % 2 ? 20 : -20));
    assert.equal(intensityWrites(s.commands).length, settled, 'no writes while hovering');
    assert.equal(s.charger.Intensity, last);
  });

  it('holds the minimum while the surplus is low and pauses after the stop delay', () => {
    const s = site();
    s.run(200, 2500);
    const low = s.now;
    s.run(240, 400);
    const stopping = s.decisions.filter((d) => d.time > low && d.state === 'stopping');
    assert.ok(stopping.length > 170);
    assert.ok(stopping.every((d) => d.setpoint === 6 && d.reason === 'stopDelay'));
    assert.match(stopping[0]!.reasonText, /below 1359 W: minimum current, stop in 3:00|stop in 2:59/);
    const stop = s.decisions.find((d) => d.time > low && d.reason === 'stopped')!;
    assert.deepEqual(stop.command, { Paused: 1 });
    const after = (stop.time - low) / 1000;
    assert.ok(after >= 180 && after <= 190, `paused ${after} s after the surplus fell`);
    assert.equal(s.last().state, 'waiting');
  });

  it('restarts the stop timer when the sun comes back for half a minute or more', () => {
    const s = site();
    s.run(200, 2500);
    s.run(120, 400);
    s.run(40, 2500);
    s.run(120, 400);
    assert.equal(s.last().state, 'stopping', '4 minutes low in two spells is no stop');
    assert.ok(s.last().timers.stopIn! > 50);
  });

  it('keeps the stop timer through sun shorter than half a minute, as the dip goes on', () => {
    const s = site();
    s.run(200, 2500);
    const low = s.now;
    s.run(120, 400);
    s.run(15, 2500);
    s.run(60, 400);
    const stop = s.decisions.find((d) => d.time > low && d.reason === 'stopped');
    assert.ok(stop, 'paused');
    const after = (stop.time - low) / 1000;
    assert.ok(after >= 180 && after <= 190, `paused ${after} s into the dip, the short sun included`);
  });

  it('keeps charging for the minimum charge time', () => {
    const s = site({ minChargeTime: 600 });
    s.run(200, 2500);
    const started = s.decisions.find((d) => d.reason === 'started')!;
    s.run(700, 0);
    const held = s.decisions.filter((d) => d.reason === 'minChargeTime');
    assert.ok(held.length > 0);
    assert.ok(held[0]!.timers.minChargeLeft! > 0);
    const stop = s.decisions.find((d) => d.reason === 'stopped')!;
    assert.ok((stop.time - started.time) / 1000 >= 600);
  });

  it('keeps the minimum pause before starting again', () => {
    const s = site({ minPause: 300 });
    s.run(200, 2500);
    s.run(200, 0);
    const stop = s.decisions.find((d) => d.reason === 'stopped')!;
    s.run(400, 2500);
    const waits = s.decisions.filter((d) => d.reason === 'minPause');
    assert.ok(waits.length > 0, 'told why it waits');
    const restart = s.decisions.filter((d) => d.reason === 'started')[1]!;
    const pause = (restart.time - stop.time) / 1000;
    assert.ok(pause >= 300 && pause <= 302, `paused ${pause} s`);
  });

  it('uses the thresholds given instead of the minimum current power', () => {
    const s = site({ startSurplus: 2500, stopSurplus: 500 });
    s.run(200, 2000);
    assert.equal(s.last().state, 'waiting', '2000 W < 2500 W to start');
    s.run(200, 3000);
    assert.equal(s.last().state, 'charging');
    s.run(300, 800);
    assert.equal(s.last().state, 'charging', '800 W is above the 500 W stop threshold');
    assert.equal(s.last().setpoint, 6);
  });
});

describe('surplus controller: modes', () => {
  it('min+PV never pauses: the minimum current when the surplus is less', () => {
    const s = site({ mode: 'minpv' });
    s.run(5, 0);
    assert.deepEqual(s.commands[0], { PauseDynamic: 1, Intensity: 6, Paused: 0 });
    s.run(1000, (i) => (i < 500 ? 0 : 3200));
    assert.ok(s.decisions.every((d) => d.charging));
    assert.equal(s.decisions[100]!.reason, 'minimum');
    assert.equal(s.charger.Intensity, 13);
  });

  it('fast charges at the maximum current at once, whatever the surplus', () => {
    const s = site({ mode: 'fast', maxCurrent: 20 });
    const d = s.run(1, -3000);
    assert.equal(d.reason, 'fast');
    assert.deepEqual(d.command, { PauseDynamic: 1, Intensity: 20, Paused: 0 });
  });

  it('off pauses and stays paused', () => {
    const s = site({ mode: 'off' });
    s.run(100, 5000);
    assert.deepEqual(s.commands, [{ PauseDynamic: 1, Paused: 1 }]);
    assert.equal(s.last().state, 'off');
  });

  it('changes mode by message at once; from fast back to PV it pauses without the stop delay', () => {
    const s = site();
    s.run(10, 200);
    let d = s.mode('fast');
    assert.deepEqual(d.command, { Intensity: 16, Paused: 0 });
    s.run(30, 200);
    d = s.mode('pv');
    assert.equal(d.reason, 'stopped');
    assert.deepEqual(d.command, { Paused: 1 });
  });

  it('from fast back to PV with sun it keeps charging and follows the surplus', () => {
    const s = site({ mode: 'fast' });
    s.run(30, 3000);
    s.mode('pv');
    s.run(30, 3000);
    assert.equal(s.last().state, 'charging');
    assert.equal(s.charger.Intensity, 13);
  });

  it('pauses when the car is unplugged and says so', () => {
    const s = site({ mode: 'minpv' });
    s.run(10, 2000);
    const d = s.telemetry({ carConnected: false });
    assert.equal(d.state, 'noCar');
    assert.deepEqual(d.command, { Paused: 1 });
  });
});

describe('surplus controller: stale meter', () => {
  const charging = (settings = {}) => {
    const s = site(settings);
    s.run(300, 3000); // 13 A
    assert.equal(s.charger.Intensity, 13);
    return s;
  };

  it('hold: keeps charging but drops to the minimum once no reading came for the timeout', () => {
    const s = charging();
    s.silent(60);
    assert.equal(s.last().state, 'charging', 'within the timeout nothing changes');
    const d = s.silent(1);
    assert.equal(d.state, 'stale');
    assert.equal(d.reason, 'stale');
    assert.match(d.reasonText, /no grid reading for 1:01: holding, at most the minimum current/);
    assert.deepEqual(d.command, { Intensity: 6 }, 'at once, whatever the write interval');
    s.silent(600);
    assert.equal(s.charger.Paused, 0);
    assert.equal(s.charger.Intensity, 6);
  });

  it('hold keeps a paused car paused', () => {
    const s = site();
    s.run(30, 0);
    s.silent(120);
    assert.equal(s.last().state, 'stale');
    assert.equal(s.charger.Paused, 1);
  });

  it('minimum: charges at the minimum current, also from a pause', () => {
    const s = site({ staleAction: 'minimum' });
    s.run(30, 0);
    const d = s.silent(61);
    assert.deepEqual(d.command, { Intensity: 6, Paused: 0 });
  });

  it('pause: pauses', () => {
    const s = charging({ staleAction: 'pause' });
    const d = s.silent(61);
    assert.deepEqual(d.command, { Paused: 1 });
  });

  it('without any reading and an unknown charger, it still caps the current', () => {
    const s = site();
    const d = s.silent(61);
    assert.deepEqual(d.command, { PauseDynamic: 1, Intensity: 6 });
  });

  it('goes back to following the surplus when readings return', () => {
    const s = charging();
    s.silent(120);
    s.run(200, 3000);
    assert.equal(s.last().state, 'charging');
    assert.equal(s.charger.Intensity, 13);
  });

  it('never leaves the car above the minimum on a meter silent longer than the timeout', () => {
    // Random silences on a changing surplus: after every decision the charger is checked.
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const staleAction of ['hold', 'minimum', 'pause'] as const) {
      const s = site({ staleTimeout: 30, staleAction, minPause: 0 });
      for (let round = 0; round < 60; round++) {
        s.run(Math.floor(rnd() * 300), () => 500 + rnd() * 4000);
        s.silent(Math.floor(rnd() * 120));
        for (const d of s.decisions.slice(-5)) {
          if (d.dataAge > 30) assert.ok(d.setpoint <= 6, `${staleAction}: ${d.setpoint} A with a meter silent ${d.dataAge} s`);
        }
        if (s.last().dataAge > 30) assert.ok(s.charger.Paused === 1 || s.charger.Intensity <= 6, `${staleAction}: charger at ${s.charger.Intensity} A`);
      }
    }
  });
});

describe('surplus controller: the charger it controls', () => {
  it('waits for the charger\'s first reading and takes over a running session without pausing it', () => {
    const s = site({}, { waitForCharger: true, charger: { Paused: 0, Intensity: 10, PauseDynamic: 1 } });
    s.run(5, 0, { carW: undefined });
    assert.equal(s.last().reason, 'waitingForCharger');
    assert.deepEqual(s.commands, []);
    s.telemetry();
    s.run(30, 10 * 230 + 50);
    assert.equal(s.last().state, 'charging');
    assert.ok(s.commands.every((c) => !('Paused' in c)), 'never paused the session it found');
  });

  it('clamps the current to the charger\'s MinIntensity and MaxIntensity', () => {
    const s = site({ maxCurrent: 32 });
    s.telemetry({ charger: { MaxIntensity: 10, MinIntensity: 8, Paused: 1 } });
    s.run(300, 5000);
    assert.equal(s.charger.Intensity, 10);
    s.run(60, 400);
    assert.equal(s.last().setpoint, 8);
  });

  it('does not repeat what the charger shows; puts back what was changed elsewhere, at most every 30 s', () => {
    const s = site();
    s.run(200, 2500);
    const count = s.commands.length;
    s.telemetry(); // shows what we sent
    s.run(5, 2500);
    assert.equal(s.commands.length, count);
    // Someone paused the car from the app: the controller is in charge and resumes it.
    s.charger.Paused = 1;
    const resumed = s.telemetry();
    assert.deepEqual(resumed.command, { Paused: 0 });
    // The write got lost: 15 s later the charger still shows Paused 1.
    s.run(15, 2500);
    s.charger.Paused = 1;
    assert.equal(s.telemetry().command, null, 'not sent again within 30 s');
    s.run(20, 2500);
    const again = s.decisions.find((d) => d.time > resumed.time && d.command?.Paused === 0)!;
    assert.equal((again.time - resumed.time) / 1000, 30);
  });

  it('reads a grid reading alone against the car\'s measured power once the car shows the last change', () => {
    const s = site();
    s.run(200, 2500);
    const changed = s.decisions.filter((d) => d.command).pop()!;
    // The site's car follows at once and its power came with every reading: nothing is pending.
    const d = s.controller.update({ gridW: -1000 }, changed.time + 1000);
    assert.equal(d.surplus.carPendingSeconds, null);
    assert.equal(d.surplus.rawW, s.carW() + 1000);
  });

  it('estimates the car from the current set when no car power arrives', () => {
    const s = site();
    s.run(200, 2500);
    const amps = s.charger.Intensity;
    const d = s.controller.update({ gridW: -300 }, (s.now += 20_000));
    assert.equal(d.surplus.rawW, amps * 230 + 300);
  });

  it('dry run: decides and reports commands once, as if they had been sent', () => {
    const s = site({}, { dryRun: true });
    s.run(200, 2500);
    const commands = s.decisions.filter((d) => d.command).map((d) => d.command);
    assert.deepEqual(commands[0], { PauseDynamic: 1, Paused: 1 });
    assert.ok(commands.some((c) => c!.Paused === 0), 'would have started');
    assert.equal(s.charger.Paused, 1, 'nothing reached the charger');
    s.telemetry(); // the charger still shows Paused 1: no new command for that
    assert.equal(s.last().command, null);
  });

  it('takes new settings at run time', () => {
    const s = site();
    s.run(200, 4000);
    assert.equal(s.charger.Intensity, 16);
    s.configure({ maxCurrent: 10 });
    s.run(20, 4000);
    assert.equal(s.charger.Intensity, 10);
  });
});

describe('surplus controller: home battery', () => {
  it('leaves a charging battery its power below the priority charge, and takes it above', () => {
    const low = site({ batteryPrioritySoc: 80 });
    low.run(200, 500, { batteryW: -2000, soc: 50 });
    assert.equal(low.last().state, 'waiting', 'the battery comes first');
    assert.equal(low.last().surplus.batteryPriority, true);
    assert.equal(low.last().surplus.rawW, 500 - 100);
    const high = site({ batteryPrioritySoc: 80 });
    high.run(200, 500, { batteryW: -2000, soc: 90 });
    assert.equal(high.last().state, 'charging', 'above 80 % the car comes first');
    assert.equal(high.last().surplus.rawW, 2500);
  });

  it('never counts a discharging battery as surplus', () => {
    const s = site();
    s.run(200, 2500, { batteryW: 1500, soc: 60 });
    assert.equal(s.last().surplus.rawW, 1000);
    assert.equal(s.last().state, 'waiting');
  });
});

describe('surplus controller: phase switching', () => {
  it('switches to three phases with enough surplus, pausing around the switch, and back', () => {
    const s = site({ phaseSwitching: true, phaseSettle: 60 });
    s.run(200, 2500);
    assert.equal(s.charger.ChargeMode, 0);
    s.run(200, 5000);
    const sw = s.decisions.find((d) => d.state === 'phaseSwitch')!;
    assert.deepEqual(sw.command, { Paused: 1, ChargeMode: 1, Intensity: 7 }, 'pause, switch, and the current for three phases: 5000 W → 7 A');
    const resume = s.decisions.find((d) => d.time > sw.time && d.command?.Paused === 0)!;
    assert.equal((resume.time - sw.time) / 1000, 60);
    assert.deepEqual(resume.command, { Paused: 0 });
    assert.ok(s.decisions.some((d) => d.reason === 'phaseUp' && d.timers.phaseSwitchIn !== null));
    s.run(400, 3000);
    const down = s.decisions.find((d) => d.time > sw.time && d.command?.ChargeMode === 0)!;
    assert.deepEqual(down.command, { Paused: 1, ChargeMode: 0, Intensity: 13 });
    assert.ok((down.time - sw.time) / 1000 > 180, 'down after the stop delay');
    s.run(100, 3000);
    assert.equal(s.charger.ChargeMode, 0);
    assert.equal(s.charger.Intensity, 13);
    assert.equal(s.last().phases, 1);
  });

  it('stays on one phase through a spell that offers little beyond what one phase takes', () => {
    // 4500 W carries three phases at 6 A, but one phase takes 3680 W of it at 16 A: the 820 W
    // more must add up to what a switch is worth (a restart: 2 minutes at the minimum, 46 Wh).
    const s = site({ phaseSwitching: true, bridgeEnergy: null });
    s.run(300, 3000);
    assert.equal(s.last().phases, 1);
    s.run(150, 4500);
    assert.equal(s.charger.ChargeMode, 0, 'a short spell: still one phase');
    assert.equal(s.last().reason, 'phaseUp');
    s.run(200, 4500);
    assert.equal(s.charger.ChargeMode, 1, 'a long one: three');
  });

  it('leaves three phases at once in a dip below their minimum once such dips are known to last', () => {
    const s = site({ phaseSwitching: true, bridgeEnergy: null, startDelay: 30 });
    s.run(300, 6000);
    for (let i = 0; i < 3; i++) {
      s.run(1200, 2500); // 20 minutes between the one- and three-phase minimum
      s.run(600, 6000);
    }
    assert.equal(s.charger.ChargeMode, 1);
    assert.equal(s.last().phases, 3);
    const low = s.now;
    s.run(300, 2500);
    const down = s.decisions.find((d) => d.time > low && d.command?.ChargeMode === 0)!;
    assert.ok(down, 'switched down');
    assert.ok((down.time - low) / 1000 <= 30, `switched ${(down.time - low) / 1000} s into the dip (the smoothing takes a few seconds to see it), not after the 180 s stop delay`);
    assert.equal(s.charger.Paused, 0, 'and charges on one phase');
  });

  it('starts on three phases when the surplus carries them from the outset', () => {
    const s = site({ phaseSwitching: true });
    s.run(200, 6000);
    const start = s.decisions.find((d) => d.reason === 'started')!;
    assert.deepEqual(start.command, { ChargeMode: 1, Intensity: 8, Paused: 0 });
  });
});

describe('surplus controller: a locked charger', () => {
  it('says it is locked, writes nothing while locked, and takes control afresh once unlocked', () => {
    const s = site();
    s.run(200, 2500);
    assert.equal(s.charger.Paused, 0, 'charging before the lock');
    const before = s.commands.length;
    let d = s.telemetry({ charger: { Locked: 1, Paused: 0, Intensity: s.charger.Intensity } });
    assert.equal(d.state, 'locked');
    assert.equal(d.reason, 'locked');
    assert.match(d.reasonText, /locked/);
    assert.equal(d.charging, false);
    assert.equal(d.setpoint, 0);
    d = s.run(300, 500, { charger: { Locked: 1 } }); // a cloud while locked: no pause is written either
    assert.equal(d.state, 'locked');
    assert.equal(s.commands.length, before, 'no command while locked');
    d = s.run(120, 2500, { charger: { Locked: 0, Paused: s.charger.Paused, Intensity: s.charger.Intensity } });
    assert.equal(d.state, 'charging', 'back in control once unlocked');
    assert.ok(s.commands.length > before || s.charger.Paused === 0);
  });
});

describe('surplus controller: home battery buffer', () => {
  it('lets a battery above its buffer charge feed a running car, and stops it below', () => {
    const s = site({ bufferSoc: 60 });
    s.run(200, 2500, { batteryW: 0, soc: 70 });
    assert.equal(s.last().state, 'charging');
    // A cloud: 300 W of sun, the battery covers the rest of the car (the grid stays at zero).
    const fed = s.run(600, 2300, { batteryW: 2000, soc: 70 });
    assert.equal(fed.state, 'charging', 'the battery above 60 % feeds the car');
    assert.equal(fed.reason, 'batteryBuffer');
    assert.equal(fed.surplus.batteryFeeds, true);
    const drained = s.run(400, 2300, { batteryW: 2000, soc: 55 });
    assert.equal(drained.state, 'waiting', 'below 60 % its discharge is no surplus: paused');
  });

  it('starts from the battery above its buffer-start charge when the sun alone is short', () => {
    const s = site({ bufferSoc: 60, bufferStartSoc: 90 });
    s.run(200, 400, { batteryW: 0, soc: 85 });
    assert.equal(s.last().state, 'waiting', 'not above 90 %');
    s.run(65, 400, { batteryW: 0, soc: 95 });
    const start = s.decisions.find((d) => d.reason === 'batteryStart');
    assert.ok(start, 'started from the battery');
    assert.equal(start.command!.Intensity, 6, 'at the minimum');
    // The battery now covers what the sun cannot: 980 W of the car's 1380 W.
    const d = s.run(300, 1380, { batteryW: 980, soc: 94 });
    assert.equal(d.state, 'charging');
    assert.equal(d.reason, 'batteryBuffer');
  });

  it('refuses a buffer-start charge below the buffer charge', () => {
    assert.throws(() => settingsFrom({ bufferSoc: 80, bufferStartSoc: 70 }), /bufferStartSoc 70 % is below bufferSoc 80 %/);
    assert.throws(() => settingsFrom({ batteryPrioritySoc: 50, bufferSoc: 40, bufferStartSoc: 40 }), /bufferSoc 40 % is below batteryPrioritySoc 50 %/);
  });
});
