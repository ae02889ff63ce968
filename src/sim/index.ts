// The Trydan simulator: LAN server, cloud account, physics, firmware profiles (see
// docs/architecture.md, "The simulator").

export { LOG_LIMIT } from './capped-log';
export { SimClock, defaultStartTime, type SimClockOptions } from './clock';
export {
  DEFAULT_API_KEY,
  DEFAULT_QUOTA,
  SimAccount,
  type CloudMember,
  type SimAccountOptions,
  type SimAccountSnapshot,
} from './cloud-account';
export {
  CloudDevice,
  DEFAULT_CLOUD_SETTINGS,
  type ChargeLimits,
  type ChargeTimer,
  type CloudDeviceOptions,
  type CloudDeviceSnapshot,
  type CloudSettings,
  type SwipeOutcome,
} from './cloud-device';
export {
  CLOUD_BASE_PATH,
  CLOUD_DEFAULTS,
  parseCloudFaults,
  type CloudFaults,
  type CloudFaultsInput,
  type CloudRequestRecord,
  type RateLimitHeaders,
} from './cloud-gateway';
export type { PowerProfile } from './cloud-profiles';
export type { QuotaSnapshot } from './cloud-quota';
export { COMMAND_MESSAGE, type CommandReply } from './cloud-replies';
export type { RfidCard, SwipeResult } from './cloud-rfid';
export {
  CLOUD_ROUTES,
  FV_MODE_TO_DYNAMIC_POWER_MODE,
  findRoute,
  type AccountRoute,
  type CloudRoute,
  type DeviceRoute,
  type HttpMethod,
  type ReportedForm,
} from './cloud-routes';
export { cloudChargeState } from './cloud-shapes';
export {
  DeviceState,
  parseSetInput,
  type CarInfo,
  type DeviceIdentity,
  type DeviceObserver,
  type DeviceSample,
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
export { type SessionRecord } from './session-history';
export {
  TrydanSimulator,
  type SimCloudOptions,
  type SimSnapshot,
  type SimStartResult,
  type TrydanSimulatorOptions,
} from './simulator';
