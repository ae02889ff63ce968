// Hourly day-ahead prices with the shape such markets have in a sunny season: cheap at night,
// a morning peak, cheaper at midday (the sun in the market), the dearest in the evening.
// Each day's series is the shape with seeded noise (±12 %), so the cheap hours move a little
// from day to day. EUR/kWh, as a retail tariff that follows the day-ahead market.
'use strict';
const { seeded } = require('../surplus/random');

const H = 3_600_000;
// EUR/kWh by hour of the day.
const SHAPE = [0.16, 0.14, 0.12, 0.11, 0.11, 0.12, 0.15, 0.22, 0.25, 0.21, 0.17, 0.13, 0.1, 0.09, 0.09, 0.11, 0.15, 0.21, 0.27, 0.32, 0.34, 0.3, 0.24, 0.19];

/** [{start: ISO text, price}] for every hour of [fromMs, toMs), as a price node gives them. */
function priceSeries(seed, fromMs, toMs) {
  const rng = seeded(seed);
  const out = [];
  for (let t = Math.floor(fromMs / H) * H; t < toMs; t += H) {
    const hour = new Date(t).getUTCHours();
    out.push({ start: new Date(t).toISOString(), price: Math.round(SHAPE[hour] * (1 + 0.12 * (rng.next() * 2 - 1)) * 10000) / 10000 });
  }
  return out;
}

/** The price at `ms` in a series of hourly {start, price}. */
function priceAt(series, ms) {
  const i = Math.floor((ms - Date.parse(series[0].start)) / H);
  return series[Math.max(0, Math.min(series.length - 1, i))].price;
}

module.exports = { priceSeries, priceAt, SHAPE };
