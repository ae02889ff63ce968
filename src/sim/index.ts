// The Trydan simulator: LAN server, physics, firmware profiles (see DESIGN.md, "Simulator").

export { LOG_LIMIT } from './capped-log';
export { SimClock, defaultStartTime, type SimClockOptions } from './clock';
export {
  DeviceState,
  parseSetInput,
  type CarInfo,
  type DeviceIdentity,
  type DeviceStateOptions,
  type SimSetInput,
  type WriteRecord,
  type WriteSource,
} from './device-state';
export {
  LanServer,
  LOOPBACK,
  NOT_FOUND_BODY,
  NO_FAULTS,
  mergeFaults,
  parseFaultsInput,
  type ControlHandler,
  type LanDevice,
  type LanFaults,
  type LanFaultsInput,
  type LanServerOptions,
  type MalformedKind,
  type RequestRecord,
} from './lan-server';
export * from './physics';
export {
  PROFILES,
  PROFILE_NAMES,
  getProfile,
  isProfileName,
  renderRealTimeData,
  type FirmwareProfile,
  type ProfileName,
  type Quirks,
  type RenderOptions,
} from './profiles';
export {
  REALTIME_FIELDS,
  compareVersions,
  fieldsFor,
  formatValue,
  isKeywordName,
  type FieldFormat,
  type KeywordName,
  type KeywordValues,
  type RealtimeField,
} from './realtime-fields';
export { TrydanSimulator, type SimSnapshot, type TrydanSimulatorOptions } from './simulator';
