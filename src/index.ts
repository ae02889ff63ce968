// The package's programmatic API (`require('@v2c-trydan/node-red')`), for function nodes and
// scripts: the same layers the nodes are built on, nothing of Node-RED. docs/architecture.md
// tells how they fit together; README, "Use it from a function node or script", how to use them.
//
// In a Node-RED process this module is the one the nodes loaded, so acquireCharger() hands a
// function node the very coordinator the nodes of that charger share (one request at a time).

// --- errors: every failure is a TrydanError with a stable `code` ---------------------------
export {
  Closed,
  DeviceUnreachable,
  InvalidInput,
  InvalidResponse,
  TrydanError,
  WriteNotVerified,
  WriteRejected,
  type TrydanErrorCode,
} from './trydan/errors';
export { AuthFailed, CloudRejected, CloudUnreachable, Forbidden, QuotaReserved, RateLimited } from './trydan/cloud-errors';

// --- the charger's LAN API -----------------------------------------------------------------
export { LAN_GAP_MS, LAN_TIMEOUT_MS, LanClient, type LanClientOptions } from './trydan/lan-client';
export { hostToOrigin } from './trydan/host';
export {
  TELEMETRY_FIELDS,
  changedKeys,
  isCarConnected,
  isCharging,
  parseRealtime,
  toPayload,
  type FullReading,
  type Reading,
  type TelemetryPayload,
} from './trydan/telemetry';
export { WRITABLE_KEYWORDS, findKeyword, keywordCatalogue, validateWrite, type WritableKeyword } from './trydan/keywords';
export { CHARGE_MODE, CHARGE_STATE, DYNAMIC_POWER_MODE, SIGNAL_STATUS, SLAVE_ERROR, labelOf } from './trydan/labels';
export { systemClock, type Clock } from './trydan/clock';

// --- the V2C cloud -------------------------------------------------------------------------
export {
  CloudClient,
  NoDevice,
  type Budget,
  type CloudCall,
  type CloudClientOptions,
  type CloudResult,
  type Priority,
  type RateLimitHeaders,
  type Reservation,
} from './trydan/cloud-client';
export { CLOUD_ENDPOINTS, DEFAULT_CLOUD_URL, endpointCatalogue, findEndpoint, type CloudEndpoint, type CloudGroup } from './trydan/cloud-catalogue';
export type { Pairing } from './trydan/cloud-reply';
export { CloudBudget, MIN_CLOUD_POLL_MS, type BudgetOptions, type BudgetState, type Ledger, type LedgerStore } from './coordinator/cloud-budget';
export { acquireBudget, releaseBudget } from './coordinator/budget-registry';

// --- the coordinator: one per charger, shared ----------------------------------------------
export { Coordinator, type ChargerApi, type Listener, type WriteResult } from './coordinator/coordinator';
export { acquireCharger, activeChargers, releaseCharger, type ChargerOptions } from './coordinator/charger-registry';
export { CloudCharger, type CloudAccess } from './coordinator/cloud-charger';
export { CADENCE_LIMITS, DEFAULT_CADENCE, cadenceFrom, type CadenceSettings } from './coordinator/cadence';
export type { ChargerState, ChargerStatus, QuotaState } from './coordinator/status';

// --- the PV surplus controller: pure, time passed in ----------------------------------------
export {
  CONTROL_KEYWORDS,
  DEFAULT_METER,
  DEFAULT_SETTINGS,
  GRID_FORMATS,
  GRID_SOURCES,
  GridAssembler,
  MODES,
  REASONS,
  ROUNDINGS,
  SETTINGS,
  STALE_ACTIONS,
  SurplusController,
  parseMode,
  readMessage,
  reasonText,
  reportOf,
  sampleOf,
  settingsFrom,
  statusOf,
  type ChargerView,
  type Command,
  type ControlKeyword,
  type Decision,
  type GridFormat,
  type GridSource,
  type MeterMessage,
  type MeterOptions,
  type Mode,
  type ReasonCode,
  type Report,
  type Rounding,
  type Sample,
  type SettingName,
  type SettingSpec,
  type Spells,
  type StaleAction,
  type State as SurplusState,
  type StatusKey,
  type SurplusSettings,
  type Timers,
} from './surplus';

// --- the simulator: a Trydan (LAN and cloud) on 127.0.0.1 ----------------------------------
export {
  TrydanSimulator,
  type SimCloudOptions,
  type SimSnapshot,
  type SimStartResult,
  type TrydanSimulatorOptions,
} from './sim/simulator';
export { SimClock, type SimClockOptions } from './sim/clock';
export { PROFILE_NAMES, type ProfileName } from './sim/profiles';
/** Everything else of the simulator (accounts, faults, physics), for tests of your own. */
export * as sim from './sim';
