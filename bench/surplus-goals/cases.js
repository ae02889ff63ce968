// The goal cases: when the car is plugged in, how much it must have by when. Times are UTC
// (the bench runs with TZ=UTC, so the controller's "07:00" is 07:00 here).
'use strict';

const CASES = [
  // Home from work: 20 kWh by the next morning; the evening sun first, the cheap night after.
  { name: 'evening, 20 kWh by 07:00', plugInH: 18, targetKwh: 20, byH: 7, targetTime: '07:00' },
  // A car at home by day: 15 kWh by 17:00, with the sun.
  { name: 'daytime, 15 kWh by 17:00', plugInH: 9, targetKwh: 15, byH: 17, targetTime: '17:00' },
];

/** Seconds from plug-in to the deadline. */
function spanS(c) {
  return (((c.byH - c.plugInH + 24) % 24) || 24) * 3600;
}

module.exports = { CASES, spanS };
