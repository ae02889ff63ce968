// Firmware profiles: how each firmware writes /RealTimeData, one profile per quirk that
// real clients have had to survive (docs/charger-protocol.md, LAN). The quirks are reproduced byte for
// byte, so a strict JSON.parse fails where it fails on a real charger.

import { fieldsFor, formatValue, type KeywordValues, type RealtimeField } from './realtime-fields';

export const PROFILE_NAMES = [
  '2.5.0',
  '2.4.1',
  '2.3.20',
  '1.7.20',
  '1.6.13',
  'no-comma-readystate',
  'trailing-percent',
] as const;

export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface Quirks {
  /** `"FirmwareVersion":1.6.13` */
  readonly unquotedVersion?: boolean;
  /** `{"ID":"X""ChargeState":...` */
  readonly noCommaAfterId?: boolean;
  /** `"ChargeState":2"ReadyState":...` */
  readonly noCommaBeforeReadyState?: boolean;
  /** FirmwareVersion sent twice. */
  readonly duplicateVersion?: boolean;
  /** A `%` after the closing brace. */
  readonly trailingPercent?: boolean;
}

export interface FirmwareProfile {
  readonly name: ProfileName;
  /** The FirmwareVersion the device reports. */
  readonly firmwareVersion: string;
  /** What the profile reproduces, for docs and test names. */
  readonly description: string;
  /** Keys of /RealTimeData, in order. */
  readonly fields: readonly RealtimeField[];
  /** Whether GET /read/<Keyword> exists (2.3.20 and older answer 404). */
  readonly hasReadEndpoint: boolean;
  /** Content-Type of /RealTimeData. */
  readonly contentType: string;
  readonly quirks: Quirks;
}

const JSON_TYPE = 'application/json';

function profile(
  name: ProfileName,
  firmwareVersion: string,
  description: string,
  hasReadEndpoint: boolean,
  quirks: Quirks = {},
  contentType = JSON_TYPE,
): FirmwareProfile {
  return { name, firmwareVersion, description, fields: fieldsFor(firmwareVersion), hasReadEndpoint, contentType, quirks };
}

// The two quirks whose firmware is unknown sit on a 2.5.0 body, so each profile shows one
// quirk alone.
export const PROFILES: Readonly<Record<ProfileName, FirmwareProfile>> = {
  '2.5.0': profile('2.5.0', '2.5.0', 'clean JSON with every field (ChargeMode, per-phase measures, GridPower, Wi-Fi)', true),
  '2.4.1': profile('2.4.1', '2.4.1', 'no ChargeMode, GridPower or per-phase measures in /RealTimeData; /read/ChargeMode works', true),
  '2.3.20': profile(
    '2.3.20',
    '2.3.20',
    'FirmwareVersion sent twice, Content-Type: text, no /read/ endpoint (404)',
    false,
    { duplicateVersion: true },
    'text',
  ),
  '1.7.20': profile('1.7.20', '1.7.20', 'comma after the ID value missing; no BatteryPower, no Wi-Fi fields, no /read/', false, {
    noCommaAfterId: true,
  }),
  '1.6.13': profile('1.6.13', '1.6.13', 'FirmwareVersion value unquoted; no BatteryPower, no Wi-Fi fields, no /read/', false, {
    unquotedVersion: true,
  }),
  'no-comma-readystate': profile('no-comma-readystate', '2.5.0', 'comma before "ReadyState" missing (2.5.0 body)', true, {
    noCommaBeforeReadyState: true,
  }),
  'trailing-percent': profile('trailing-percent', '2.5.0', 'a % after the closing brace (2.5.0 body)', true, {
    trailingPercent: true,
  }),
};

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

export function getProfile(name: ProfileName): FirmwareProfile {
  return PROFILES[name];
}

export interface RenderOptions {
  /** Keys unknown to clients, appended before the closing brace (for pass-through tests). */
  extraKeys?: Readonly<Record<string, number | string>>;
}

/**
 * The /RealTimeData body as the profile's firmware writes it. FirmwareVersion comes from
 * the profile, not from `values`, so switching profile switches the reported version.
 */
export function renderRealTimeData(p: FirmwareProfile, values: KeywordValues, options: RenderOptions = {}): string {
  const q = p.quirks;
  const parts: Array<{ key: string; text: string }> = p.fields.map((field) => {
    if (field.key === 'FirmwareVersion') {
      const v = p.firmwareVersion;
      return { key: field.key, text: `"FirmwareVersion":${q.unquotedVersion ? v : JSON.stringify(v)}` };
    }
    return { key: field.key, text: `${JSON.stringify(field.key)}:${formatValue(values[field.key], field.format)}` };
  });
  if (q.duplicateVersion) parts.push({ key: 'FirmwareVersion', text: `"FirmwareVersion":${JSON.stringify(p.firmwareVersion)}` });
  for (const [key, value] of Object.entries(options.extraKeys ?? {})) {
    parts.push({ key, text: `${JSON.stringify(key)}:${typeof value === 'number' ? String(value) : JSON.stringify(value)}` });
  }
  let body = '{';
  parts.forEach((part, i) => {
    const prev = parts[i - 1];
    const dropComma =
      (q.noCommaAfterId && prev?.key === 'ID') || (q.noCommaBeforeReadyState && part.key === 'ReadyState');
    if (i > 0 && !dropComma) body += ',';
    body += part.text;
  });
  body += '}';
  if (q.trailingPercent) body += '%';
  return body;
}
