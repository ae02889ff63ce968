// What the controller takes from one charger reading (/RealTimeData as the coordinator
// delivers it): the charger's control fields, whether a car is connected, the car's power,
// and, when the charger's own meter is the grid source, the grid. Pure, so the node and the
// bench (bench/surplus) feed the controller exactly the same sample.

import { type Reading, isCarConnected } from '../trydan/telemetry';
import type { ChargerView } from './commands';
import type { Sample } from './controller';

/** Where the grid value comes from: flow messages, the charger's grid meter, or its house/PV clamps. */
export const GRID_SOURCES = ['message', 'charger', 'chargerHouse'] as const;
export type GridSource = (typeof GRID_SOURCES)[number];

const FIELDS = ['Paused', 'Intensity', 'PauseDynamic', 'ChargeMode', 'MinIntensity', 'MaxIntensity', 'Locked'] as const;

/** The controller's sample from a charger reading. */
export function sampleOf(r: Reading, source: GridSource, invertGrid: boolean): Sample {
  const sample: Sample = {};
  const charger: ChargerView = {};
  for (const f of FIELDS) if (typeof r[f] === 'number') charger[f] = r[f];
  sample.charger = charger;
  if (typeof r.ChargeState === 'number') sample.carConnected = isCarConnected(r);
  const car = typeof r.ChargePower === 'number' ? r.ChargePower : undefined;
  if (car !== undefined) sample.carW = car;
  // The session's energy: the coordinator's sessionEnergy (summed across pauses) when the
  // reading has it, else the charger's raw ChargeEnergy (which restarts at every pause), kept
  // apart because only the raw counter must be pieced together across its restarts.
  if (typeof r.sessionEnergy === 'number' && Number.isFinite(r.sessionEnergy)) sample.sessionEnergyKwh = r.sessionEnergy;
  else if (typeof r.ChargeEnergy === 'number' && Number.isFinite(r.ChargeEnergy)) sample.chargeEnergyKwh = r.ChargeEnergy;
  if (source === 'charger' && typeof r.GridPower === 'number') sample.gridW = r.GridPower * (invertGrid ? -1 : 1);
  if (source === 'chargerHouse' && typeof r.HousePower === 'number' && typeof r.FVPower === 'number' && car !== undefined) {
    sample.gridW = r.HousePower + car - r.FVPower;
    sample.pvW = r.FVPower;
  }
  return sample;
}
