// The PV surplus controller (docs/architecture.md): pure logic, no Node-RED, no I/O.

export { availablePower, type Available, type PowerSnapshot } from './available';
export { GRID_SOURCES, sampleOf, type GridSource } from './charger-sample';
export { CONTROL_KEYWORDS, CommandTracker, type ChargerView, type Command, type ControlKeyword } from './commands';
export { SETTLE_MS, SurplusController, type Decision, type Sample, type Spells, type Timers } from './controller';
export { Goal, type GoalDecision, type GoalState, type GoalView } from './goal';
export { nextTime, planGoal, type Piece, type Plan, type PlanInput } from './goal-plan';
export { MAX_SLOTS, mergePrices, parsePrices, type PriceSlot } from './prices';
export { DipCost, DipHistory, MERGE_MS, MIN_DIPS, SUN_WEIGHT, actOnDipIn, pauseBeatsBridging, rideCostW } from './dips';
export { DEFAULT_METER, GRID_FORMATS, POWER_UNITS, GridAssembler, readMessage, type GridFormat, type GridPart, type MeterMessage, type MeterOptions } from './meter';
export { REASONS, clock, reasonText, type ReasonCode, type ReasonParams, type State } from './reasons';
export { reportOf, siteReportOf, siteStatusOf, statusOf, type GoalReport, type Report, type StatusKey } from './report';
export { roundAmps, roundUpShare } from './rounding';
export {
  DEFAULT_SETTINGS,
  MODES,
  ORDERED_SETTINGS,
  ROUNDINGS,
  SETTINGS,
  STALE_ACTIONS,
  TIME_OF_DAY,
  parseMode,
  settingsFrom,
  toNumber,
  type Mode,
  type Rounding,
  type SettingName,
  type SettingSpec,
  type StaleAction,
  type SurplusSettings,
} from './settings';
export { AsymmetricSmoother } from './smoothing';
export { SHARINGS, allocate, houseAmps, type Allowance, type Demand, type Sharing, type SiteInput, type SiteLimits, type SiteMember } from './site';
export { HOLD_MS, SHORT_MS, SiteShare, decideOnSite, memberOf, type GridReading, type SiteView } from './site-share';
