// A small seeded generator (mulberry32): the same seed gives the same day on every machine.
'use strict';

function seeded(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** Uniform in [lo, hi). */
    between: (lo, hi) => lo + (hi - lo) * next(),
    /** Roughly normal, mean 0, standard deviation 1 (sum of uniforms). */
    normal: () => next() + next() + next() + next() + next() + next() - 3,
  };
}

module.exports = { seeded };
