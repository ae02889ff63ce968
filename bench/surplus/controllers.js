// The controllers replayed: ours (the SurplusController fed exactly as the v2c-surplus node
// feeds it), an evcc-style baseline, and the ideal bound (perfect tracking, in site.js).
'use strict';
const path = require('node:path');
const { VOLTS, MIN_AMPS, MAX_AMPS } = require('./site');

const { SurplusController, GridAssembler, readMessage, sampleOf, decideOnSite, DEFAULT_METER } = require(path.join(__dirname, '..', '..', 'dist', 'src', 'surplus'));

/**
 * Ours, wired as nodes/v2c-surplus.ts wires it: flow messages through readMessage and the
 * GridAssembler, the charger's readings through sampleOf, a tick every second; the commands
 * of every decision go to the charger. `site` ({share: SiteShare, id}): a member of a site
 * (several chargers on one meter), each decision through it as the node makes it.
 */
function ours(sc, settings = {}, site) {
  const { day, car } = sc;
  const s = { ...car.settings, ...(day.battery ? { batteryPrioritySoc: day.battery.prioritySoc } : {}), ...settings };
  let c;
  let grid;
  let last;
  const make = (now) => {
    if (!c) {
      c = new SurplusController(s, { now, waitForCharger: true });
      grid = new GridAssembler(DEFAULT_METER.gridFormat, c.settings.staleTimeout * 1000);
      site?.share.join(site.id, c.settings);
    }
    return c;
  };
  const decide = (sample, now) => {
    const controller = make(now);
    last = site ? decideOnSite(site.share, site.id, controller, sample, now, {}, last).decision : controller.update(sample, now);
    return last.command;
  };
  return {
    name: 'v2c-surplus',
    onMeter(now, msg) {
      make(now);
      const parsed = readMessage(msg, DEFAULT_METER);
      const gridW = grid.add(parsed.parts, now);
      return decide(gridW === undefined ? parsed.sample : { ...parsed.sample, gridW }, now);
    },
    onCharger: (now, reading) => decide(sampleOf(reading, 'message', false), now),
    onTick: (now) => decide({}, now),
  };
}

/**
 * evcc's PV mode as its documentation and source describe it: a 30 s loop on instant readings (the meter's
 * latest value, the car's measured current at that moment), target = current −
 * sitePower / (phases × V), truncated to whole amps; start after 1 min at or above the
 * minimum, stop after 3 min below it (holding the minimum meanwhile), one timer that resets
 * when its condition breaks. Battery as evcc's site does it: a charging battery below the
 * priority state of charge keeps its power, otherwise its power is in sitePower (a
 * discharging battery is never surplus). A meter silent for 15 s skips the cycle. With phase
 * switching, evcc's rule: up to three phases when their minimum has been available for the
 * enable delay, down to one when it has not for the disable delay; the car is paused around
 * a switch and resumed at the next cycle.
 */
function evccBaseline(sc) {
  const { day, car } = sc;
  const LOOP_S = 30;
  const ENABLE_DELAY_S = 60;
  const DISABLE_DELAY_S = 180;
  const residualW = day.battery ? 100 : 0;
  const switching = car.phases === 'switch';
  let phases = car.phases === 3 ? 3 : 1;
  let meter;
  let enabled = false;
  let current = MIN_AMPS;
  let timer;
  let phaseTimer;
  let resumeAfterSwitch = false;
  let first;
  const loop = (now, truth) => {
    let sitePower = meter.gridW + residualW;
    if (day.battery && !(meter.batteryW < 0 && meter.soc < day.battery.prioritySoc)) sitePower += meter.batteryW;
    const measured = truth.carW / (phases * VOLTS);
    const availableW = measured * phases * VOLTS - sitePower;
    const command = {};
    if (resumeAfterSwitch) {
      resumeAfterSwitch = false;
      const amps = Math.min(MAX_AMPS, Math.max(MIN_AMPS, Math.floor(availableW / (phases * VOLTS))));
      if (amps !== current) command.Intensity = current = amps;
      command.Paused = 0;
      return command;
    }
    if (switching) {
      const scale = enabled ? phaseScale(now, availableW) : undefined;
      if (scale) {
        phases = scale;
        enabled = true;
        resumeAfterSwitch = true;
        return { Paused: 1, ChargeMode: scale === 3 ? 1 : 0 };
      }
      // Not charging: start on whichever phases the power allows.
      if (!enabled) {
        const want = availableW >= MIN_AMPS * 3 * VOLTS ? 3 : 1;
        if (want !== phases) {
          phases = want;
          command.ChargeMode = want === 3 ? 1 : 0;
        }
      }
    }
    const target = Math.floor(Math.max(0, availableW / (phases * VOLTS)));
    if (!enabled) {
      if (target >= MIN_AMPS) {
        timer ??= now;
        if (now - timer >= ENABLE_DELAY_S * 1000) {
          timer = undefined;
          enabled = true;
          const amps = Math.min(MAX_AMPS, target);
          if (amps !== current) command.Intensity = current = amps;
          command.Paused = 0;
        }
      } else {
        timer = undefined;
      }
    } else if (target < MIN_AMPS) {
      timer ??= now;
      if (now - timer >= DISABLE_DELAY_S * 1000) {
        timer = undefined;
        enabled = false;
        command.Paused = 1;
      } else if (current !== MIN_AMPS) {
        command.Intensity = current = MIN_AMPS;
      }
    } else {
      timer = undefined;
      const amps = Math.min(MAX_AMPS, target);
      if (amps !== current) command.Intensity = current = amps;
    }
    return command;
  };
  // evcc's pvScalePhases: the phase timer runs while the condition holds, resets when it breaks.
  const phaseScale = (now, availableW) => {
    const min3 = MIN_AMPS * 3 * VOLTS;
    const up = phases === 1 && availableW >= min3;
    const down = phases === 3 && availableW < min3;
    if (!up && !down) {
      phaseTimer = undefined;
      return undefined;
    }
    phaseTimer ??= now;
    if (now - phaseTimer < (up ? ENABLE_DELAY_S : DISABLE_DELAY_S) * 1000) return undefined;
    phaseTimer = undefined;
    timer = undefined;
    return up ? 3 : 1;
  };
  return {
    name: 'evcc-style',
    onMeter(now, _msg, values) {
      meter = { ...values, at: now };
      return null;
    },
    onCharger() {
      return null;
    },
    onTick(now, truth) {
      first ??= now;
      if ((now - first) % (LOOP_S * 1000) !== 0) return null;
      if (!meter || now - meter.at > 15_000) return null;
      const command = loop(now, truth);
      return Object.keys(command).length ? command : null;
    },
  };
}

const ideal = () => ({ name: 'ideal bound', ideal: true });

/**
 * The "calm" settings for a scenario: fewer restarts for some of the sun. A sunny spell must
 * offer 15 minutes at the minimum before a start (startEnergy empty), a restart is worth 6
 * minutes at the minimum on the car's phases, a pause lasts at least 5 minutes.
 */
function calmSettings(sc) {
  const phases = sc.car.phases === 3 ? 3 : 1;
  return { startEnergy: null, minPause: 300, bridgeEnergy: Math.round(MIN_AMPS * VOLTS * phases * (6 / 60)) };
}

module.exports = { ours, evccBaseline, ideal, calmSettings };
