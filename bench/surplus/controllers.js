// The controllers replayed: ours (the SurplusController as the v2c-surplus node drives it),
// an evcc-style baseline, and the ideal bound (perfect tracking, handled in site.js).
'use strict';
const path = require('node:path');
const { VOLTS, MIN_AMPS, MAX_AMPS } = require('./site');

const { SurplusController } = require(path.join(__dirname, '..', '..', 'dist', 'src', 'surplus'));

/**
 * Ours, wired as the node wires it: meter messages, the charger's telemetry (car power and
 * its settings) and a tick every second; decisions' commands go to the charger.
 */
function ours(day, settings = {}) {
  let c;
  const make = (now) => {
    c ??= new SurplusController(
      { minCurrent: MIN_AMPS, maxCurrent: MAX_AMPS, phases: 1, voltage: VOLTS, ...(day.battery ? { batteryPrioritySoc: day.battery.prioritySoc } : {}), ...settings },
      { now, waitForCharger: true },
    );
    return c;
  };
  return {
    name: 'v2c-surplus',
    staleTimeoutS: () => c.settings.staleTimeout,
    onMeter: (now, r) => make(now).update(r, now).command,
    onCharger: (now, r) => make(now).update({ carW: r.carW, charger: { Paused: r.Paused, Intensity: r.Intensity, PauseDynamic: r.PauseDynamic } }, now).command,
    onTick: (now) => make(now).tick(now).command,
  };
}

/**
 * evcc's PV mode as pv-surplus.md describes it: a 30 s loop on instant readings (the meter's
 * latest value, the car's power at that moment), target = current + (-site power)/(V),
 * truncated to whole amps; start after 1 min at or above the minimum, stop after 3 min
 * below it (holding the minimum meanwhile), one timer that resets when its condition breaks.
 * Battery: below the priority state of charge its power is ignored, else added to the grid's.
 * A meter that has not reported for 15 s is an error: the cycle is skipped.
 */
function evccBaseline(day) {
  const LOOP_S = 30;
  const ENABLE_DELAY_S = 60;
  const DISABLE_DELAY_S = 180;
  const residualW = day.battery ? 100 : 0;
  let meter;
  let enabled = false;
  let current = MIN_AMPS;
  let timer;
  let first;
  return {
    name: 'evcc-style',
    onMeter(now, r) {
      meter = { ...r, at: now };
      return null;
    },
    onCharger() {
      return null;
    },
    onTick(now, truth) {
      first ??= now;
      if ((now - first) % (LOOP_S * 1000) !== 0) return null;
      if (!meter || now - meter.at > 15_000) return null;
      let sitePower = meter.gridW + residualW;
      if (day.battery && meter.soc >= day.battery.prioritySoc) sitePower += meter.batteryW;
      const effective = truth.carW / VOLTS;
      const target = Math.floor(Math.max(0, effective - sitePower / VOLTS));
      const command = {};
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
      return Object.keys(command).length ? command : null;
    },
  };
}

const ideal = () => ({ name: 'ideal bound', ideal: true });

module.exports = { ours, evccBaseline, ideal };
