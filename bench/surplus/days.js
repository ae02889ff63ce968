// The replayed days: seeded profiles of PV and house load, one value per second, plus how
// each day's meter reports (every 1 to 10 s, with dropouts on one day) and its home battery.
'use strict';
const { seeded } = require('./random');

/** Simulated span of every day: 06:00 to 21:00. */
const DAY_START_S = 6 * 3600;
const DAY_SECONDS = 15 * 3600;

// PV on a clear day: a flattened sine between sunrise and sunset (a June day unless told).
function clearSky(secondOfDay, peakW, [sunrise, sunset] = [6.5, 20.5]) {
  const h = secondOfDay / 3600;
  if (h <= sunrise || h >= sunset) return 0;
  return peakW * Math.pow(Math.sin((Math.PI * (h - sunrise)) / (sunset - sunrise)), 1.3);
}

/** Attenuation by clouds, 0..1 per second: clear and cloudy spells with soft edges. */
function clouds(rng, spec) {
  const out = new Float64Array(DAY_SECONDS).fill(1);
  if (!spec) return out;
  let t = Math.floor(rng.between(...spec.clearS));
  while (t < DAY_SECONDS) {
    const length = Math.floor(rng.between(...spec.cloudyS));
    const depth = rng.between(...spec.depth); // share of sunlight left under the cloud
    const edge = Math.min(Math.floor(rng.between(...spec.edgeS)), Math.floor(length / 2));
    for (let i = 0; i < length && t + i < DAY_SECONDS; i++) {
      const ramp = edge > 0 ? Math.min(1, Math.min(i, length - i) / edge) : 1;
      out[t + i] = 1 - (1 - depth) * ramp;
    }
    t += length + Math.floor(rng.between(...spec.clearS));
  }
  return out;
}

/** House load, W per second: base, a cycling fridge, slow drift, appliances and optional spikes. */
function house(rng, spec) {
  const out = new Float64Array(DAY_SECONDS);
  const fridgePhase = rng.between(0, 2400);
  let drift = 0;
  for (let t = 0; t < DAY_SECONDS; t++) {
    drift += (rng.normal() * 6 - drift * 0.002);
    const fridge = (t + fridgePhase) % 2400 < 900 ? 110 : 0;
    out[t] = spec.baseW + fridge + drift;
  }
  const add = (start, seconds, watts) => {
    for (let i = 0; i < seconds && start + i < DAY_SECONDS; i++) if (start + i >= 0) out[start + i] += watts;
  };
  for (const [hour, minutes, watts] of spec.appliances) add(Math.floor((hour * 3600 - DAY_START_S) + rng.between(-900, 900)), minutes * 60, watts);
  if (spec.spikes) {
    const kinds = spec.spikes.kinds;
    let t = Math.floor(rng.between(...spec.spikes.everyS));
    while (t < DAY_SECONDS) {
      const [watts, minS, maxS] = kinds[Math.floor(rng.next() * kinds.length)];
      add(t, Math.floor(rng.between(minS, maxS)), watts);
      t += Math.floor(rng.between(...spec.spikes.everyS));
    }
  }
  if (spec.bigLoads) bigLoads(rng, spec.bigLoads, add);
  for (let t = 0; t < DAY_SECONDS; t++) out[t] = Math.max(80, out[t]);
  return out;
}

/**
 * The loads that make a house hard to follow: a heat pump cycling 2–3 kW, an induction hob
 * switching its zones every few tens of seconds, and a second car or a pool pump.
 */
function bigLoads(rng, spec, add) {
  // Heat pump: runs of 10–25 min at 2–3 kW, off 15–40 min, all day.
  for (let t = Math.floor(rng.between(0, 1800)); t < DAY_SECONDS; ) {
    const run = Math.floor(rng.between(600, 1500));
    add(t, run, rng.between(2000, 3000));
    t += run + Math.floor(rng.between(900, 2400));
  }
  // Induction hob: [hour, minutes]; zones pulse between 0.8 and 3.5 kW every 10–60 s.
  for (const [hour, minutes] of spec.hob) {
    let t = Math.floor(hour * 3600 - DAY_START_S + rng.between(-600, 600));
    const end = t + minutes * 60;
    while (t < end) {
      const length = Math.floor(rng.between(10, 60));
      add(t, Math.min(length, end - t), rng.between(800, 3500));
      t += length;
    }
  }
  // A second car (one phase, 11 A) or a pool pump: [hour, minutes, W].
  for (const [hour, minutes, watts] of spec.steady) add(Math.floor(hour * 3600 - DAY_START_S + rng.between(-600, 600)), minutes * 60, watts);
}

/** Meter silences: [start, end) seconds of the day's span. */
function dropouts(rng, spec) {
  if (!spec) return [];
  const list = [];
  for (let i = 0; i < spec.count; i++) {
    const start = Math.floor(rng.between(1.5 * 3600, DAY_SECONDS - 2 * 3600));
    list.push([start, start + Math.floor(rng.between(...spec.seconds))]);
  }
  return list.sort((a, b) => a[0] - b[0]);
}

// Appliances of an ordinary day: [hour, minutes, W].
const ORDINARY = [
  [7.5, 4, 2000], // kettle
  [10, 15, 2000], // washing machine heating
  [12, 40, 2500], // oven
  [13.5, 12, 2000], // dishwasher heating
  [16, 3, 2000], // kettle
  [18.5, 30, 2200], // cooking
];

const DAYS = [
  { name: 'sunny', seed: 101, peakW: 5500, meterS: 1, clouds: null },
  { name: 'fast clouds', seed: 202, peakW: 5500, meterS: 2, clouds: { clearS: [30, 420], cloudyS: [30, 420], depth: [0.15, 0.45], edgeS: [5, 20] } },
  { name: 'slow clouds', seed: 303, peakW: 5500, meterS: 5, clouds: { clearS: [600, 3600], cloudyS: [300, 2400], depth: [0.1, 0.35], edgeS: [60, 300] } },
  {
    name: 'house load spikes',
    seed: 404,
    peakW: 5500,
    meterS: 1,
    clouds: { clearS: [1800, 7200], cloudyS: [120, 600], depth: [0.4, 0.7], edgeS: [20, 60] },
    spikes: { everyS: [300, 2400], kinds: [[2200, 90, 240], [1200, 60, 360], [3000, 300, 1500], [1800, 300, 600]] },
  },
  {
    name: 'battery fills',
    seed: 505,
    peakW: 6500,
    meterS: 10,
    clouds: { clearS: [1200, 5400], cloudyS: [120, 900], depth: [0.2, 0.5], edgeS: [20, 120] },
    battery: { capacityWh: 10000, socStart: 15, minSoc: 10, maxChargeW: 3000, maxDischargeW: 3000, tauS: 5, prioritySoc: 80 },
  },
  {
    name: 'meter dropouts',
    seed: 606,
    peakW: 5500,
    meterS: 3,
    clouds: { clearS: [120, 1200], cloudyS: [60, 900], depth: [0.15, 0.5], edgeS: [10, 60] },
    dropouts: { count: 6, seconds: [180, 1200] },
  },
  // Added for issue 8 (the six days above stay as they were, so earlier figures compare).
  {
    name: 'winter',
    seed: 707,
    peakW: 2300, // a 6 kWp array low in the December sky: the surplus hovers about 1.4 kW
    sun: [8.4, 16.8],
    meterS: 5,
    clouds: { clearS: [900, 3600], cloudyS: [120, 1200], depth: [0.3, 0.7], edgeS: [30, 120] },
  },
  { name: 'long dark clouds', seed: 808, peakW: 5500, meterS: 2, clouds: { clearS: [1200, 4800], cloudyS: [1800, 5400], depth: [0.05, 0.2], edgeS: [120, 400] } },
  { name: 'fast light clouds', seed: 909, peakW: 5500, meterS: 1, clouds: { clearS: [20, 400], cloudyS: [20, 120], depth: [0.7, 0.9], edgeS: [3, 10] } },
  {
    name: 'big loads',
    seed: 1010,
    peakW: 6500,
    meterS: 1,
    clouds: { clearS: [1800, 7200], cloudyS: [120, 900], depth: [0.3, 0.6], edgeS: [20, 90] },
    bigLoads: { hob: [[12.5, 25], [19, 20]], steady: [[9, 180, 1100], [14, 90, 2530]] }, // pool pump; second car at 11 A
  },
  {
    name: 'battery discharges',
    seed: 1111,
    peakW: 5500,
    meterS: 2,
    clouds: { clearS: [1200, 5400], cloudyS: [300, 1800], depth: [0.15, 0.4], edgeS: [60, 240] },
    // Full enough to cover the house through clouds and the evening: the car must not drain it.
    battery: { capacityWh: 7000, socStart: 70, minSoc: 10, maxChargeW: 2500, maxDischargeW: 2500, tauS: 5, prioritySoc: 0 },
  },
];

/** A day's profiles, the same for every controller replayed on it. */
function makeDay(spec) {
  const rng = seeded(spec.seed);
  const cover = clouds(rng, spec.clouds);
  const pvW = new Float64Array(DAY_SECONDS);
  for (let t = 0; t < DAY_SECONDS; t++) pvW[t] = clearSky(DAY_START_S + t, spec.peakW, spec.sun) * cover[t] * (1 + 0.01 * rng.normal());
  const houseW = house(rng, { baseW: 280, appliances: ORDINARY, spikes: spec.spikes, bigLoads: spec.bigLoads });
  return {
    ...spec,
    pvW,
    houseW,
    dropouts: dropouts(rng, spec.dropouts),
    meterPhase: Math.floor(rng.between(0, spec.meterS)),
    noiseSeed: spec.seed * 7 + 1,
  };
}

module.exports = { DAYS, DAY_SECONDS, DAY_START_S, makeDay };
