// Admin HTTP endpoints for the editor, each guarded by a Node-RED permission. Tables come
// from the same source the runtime validates with; discovery and the LAN check run only
// when a person presses the button in the config dialog, go only to the address typed
// there and only where check-target.ts allows, and never echo what answered: the Check
// returns a Trydan's ID, firmware and state when they look like a Trydan's, and one same
// message for every other outcome (refused, reset, timeout, garbage), so it cannot be
// used to tell ports apart or read other services' pages.

import type { NodeAPI } from 'node-red';
import { acquireBudget, releaseBudget } from '../../src/coordinator/budget-registry';
import type { CloudBudget } from '../../src/coordinator/cloud-budget';
import { cadenceLimits } from '../../src/coordinator/cadence';
import { acquireCharger, releaseCharger } from '../../src/coordinator/charger-registry';
import type { Coordinator } from '../../src/coordinator/coordinator';
import { DEFAULT_CLOUD_URL, endpointCatalogue } from '../../src/trydan/cloud-catalogue';
import { CloudClient } from '../../src/trydan/cloud-client';
import { checkCloudUrl } from '../../src/trydan/cloud-url';
import type { Pairing } from '../../src/trydan/cloud-reply';
import { InvalidInput, TrydanError } from '../../src/trydan/errors';
import { keywordCatalogue } from '../../src/trydan/keywords';
import { hostToOrigin } from '../../src/trydan/host';
import type { Reading } from '../../src/trydan/telemetry';
import { OUTPUTS, POWER_DEADBAND, TELEMETRY_KEY, WATCH_CHOICES } from '../../src/trydan/telemetry-change';
import { GRID_FORMATS, GRID_SOURCES, ORDERED_SETTINGS, POWER_UNITS, SETTINGS } from '../../src/surplus';
import { RANGE_PRESETS, STATISTICS_SCOPES } from '../../src/trydan/statistics';
import { mayReachHost } from './check-target';
import { actionCatalogue } from './cloud-actions';
import { TYPED_INPUTS } from './typed-value';
import type { V2cConfigNode } from './config-node';
import { ledgerStore } from './ledger-store';

/** The editor sends this instead of a password field it did not change. */
const UNCHANGED_PASSWORD = '__PWRD__';

type Body = { id?: unknown; apiKey?: unknown; cloudUrl?: unknown; host?: unknown };

/** What the Check says about anything that is not a Trydan's answer. */
const NO_TRYDAN = { error: 'no V2C Trydan answered at this address (check the IP address, that the charger is on, and that Node-RED is on its network)', code: 'DEVICE_UNREACHABLE' };

/** The cloud's failures in fixed words: nothing of a reply's body goes back to the editor. */
const CLOUD_FAILURES: Partial<Record<string, { status: number; error: string }>> = {
  AUTH_FAILED: { status: 401, error: 'the V2C cloud refused the API key (401); check the key, or wait: cloud outages cause this too' },
  FORBIDDEN: { status: 401, error: 'the V2C cloud does not list chargers for this key (403): enter the device ID by hand' },
  RATE_LIMITED: { status: 502, error: "the V2C cloud daily quota is spent; try again after the quota's reset" },
  QUOTA_RESERVED: { status: 502, error: 'too few V2C cloud calls left today to look for chargers' },
};

function cloudFailure(err: unknown): { status: number; body: { error: string; code?: string } } {
  if (err instanceof TrydanError) {
    if (err.code === 'INVALID_INPUT') return { status: 400, body: { error: err.message, code: err.code } };
    const known = CLOUD_FAILURES[err.code];
    if (known) return { status: known.status, body: { error: known.error, code: err.code } };
  }
  return { status: 502, body: { error: 'the V2C cloud gave no usable answer', code: 'CLOUD_UNREACHABLE' } };
}

/** A Trydan's serial, firmware version and charge state, or undefined when the reading does not look like a Trydan's. */
function trydanFacts(r: Reading): { ID: string; FirmwareVersion: string; ChargeState: number } | undefined {
  const id = r.ID;
  const firmware = r.FirmwareVersion ?? '';
  const state = r.ChargeState;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) return undefined;
  if (typeof firmware !== 'string' || (firmware !== '' && !/^\d{1,3}(\.\d{1,3}){1,3}$/.test(firmware))) return undefined;
  if (typeof state !== 'number' || !Number.isInteger(state) || state < 0 || state > 9) return undefined;
  return { ID: id, FirmwareVersion: firmware, ChargeState: state };
}

const allowLoopback = (RED: NodeAPI): boolean => (RED.settings as unknown as Record<string, unknown>).v2cConfigAllowLoopback === true;

function failure(err: unknown): { status: number; body: { error: string; code?: string } } {
  if (err instanceof TrydanError) {
    const status = err.code === 'INVALID_INPUT' ? 400 : err.code === 'AUTH_FAILED' || err.code === 'FORBIDDEN' ? 401 : 502;
    return { status, body: { error: err.message, code: err.code } };
  }
  return { status: 500, body: { error: 'unexpected error' } };
}

export function registerAdminEndpoints(RED: NodeAPI): void {
  RED.httpAdmin.get('/v2c-trydan/keywords', RED.auth.needsPermission('v2c-write-out.read'), (_req, res) => {
    res.json(keywordCatalogue());
  });

  RED.httpAdmin.get('/v2c-trydan/cadence', RED.auth.needsPermission('v2c-config.read'), (_req, res) => {
    res.json(cadenceLimits());
  });

  RED.httpAdmin.get('/v2c-trydan/endpoints', RED.auth.needsPermission('v2c-cloud-command.read'), (_req, res) => {
    res.json(endpointCatalogue());
  });

  // Every other table the dialogs need, in one answer the shared editor script fetches once.
  RED.httpAdmin.get('/v2c-trydan/tables', RED.auth.needsPermission('v2c-config.read'), (_req, res) => {
    res.json(editorTables());
  });

  // The config dialog's address check: the runtime's own rule (src/trydan/host.ts) on the text
  // typed, nothing sent anywhere.
  RED.httpAdmin.get('/v2c-trydan/address', RED.auth.needsPermission('v2c-config.read'), (req, res) => {
    const host = typeof req.query.host === 'string' ? req.query.host : '';
    res.json(addressVerdict(host));
  });

  // The account's chargers, for the config dialog. The key comes in the POST body (typed
  // in the dialog) or from the saved credentials of the config node being edited.
  RED.httpAdmin.post('/v2c-trydan/discover', RED.auth.needsPermission('v2c-config.write'), (req, res) => {
    const body = (req.body ?? {}) as Body;
    let cloudUrl: string;
    try {
      cloudUrl = checkCloudUrl(typeof body.cloudUrl === 'string' && body.cloudUrl.trim() ? body.cloudUrl : DEFAULT_CLOUD_URL);
    } catch (err) {
      const { status, body: out } = failure(err);
      res.status(status).json(out);
      return;
    }
    const typed = typeof body.apiKey === 'string' && body.apiKey !== UNCHANGED_PASSWORD ? body.apiKey.trim() : '';
    // A saved key only goes to the cloud its own deployed v2c-config node uses.
    const configNode = typeof body.id === 'string' ? (RED.nodes.getNode(body.id) as V2cConfigNode | null) : null;
    const ownNode = configNode?.type === 'v2c-config' && configNode.cloudUrl === cloudUrl ? configNode : undefined;
    const saved = ownNode ? String((RED.nodes.getCredentials(ownNode.id) as { apiKey?: string } | undefined)?.apiKey ?? '') : '';
    const apiKey = typed || saved;
    if (!apiKey) {
      res.status(400).json({ error: 'enter the V2C cloud API key first (a saved key is used only with the cloud URL it was deployed with)' });
      return;
    }
    const user = {};
    let budget: CloudBudget | undefined;
    let client: CloudClient | undefined;
    mayReachHost(new URL(cloudUrl).hostname, allowLoopback(RED))
      .then((allowed) => {
        if (!allowed) throw new InvalidInput([`${new URL(cloudUrl).host} is not a cloud address the editor may use (loopback, link-local, unspecified and multicast addresses are refused)`]);
        budget = acquireBudget(apiKey, cloudUrl, user, (id) => ({ store: ledgerStore(RED, ownNode, id) }));
        client = new CloudClient({ baseUrl: cloudUrl, apiKey, budget });
        return client.call('pairings/me', { priority: 'user' });
      })
      .then((result) => {
        const pairings = (result.payload as Pairing[]).map((p) => ({ deviceId: p.deviceId, name: p.name, ip: p.ip ?? '', model: p.model ?? '' }));
        res.json({ pairings, rateLimit: result.rateLimit });
      })
      .catch((err: unknown) => {
        const { status, body: out } = cloudFailure(err);
        res.status(status).json(out);
      })
      .finally(() => {
        if (budget) void releaseBudget(apiKey, cloudUrl, user);
        void client?.close();
      });
  });

  // Is there a Trydan at the address typed in the dialog? One /RealTimeData, nothing else,
  // through the charger's own queue: shared with the config nodes using that address, or
  // registered for the check's duration so a deploy meanwhile shares it too.
  RED.httpAdmin.post('/v2c-trydan/probe', RED.auth.needsPermission('v2c-config.write'), (req, res) => {
    const host = typeof (req.body as Body)?.host === 'string' ? String((req.body as Body).host) : '';
    let origin: URL;
    try {
      origin = new URL(hostToOrigin(host));
    } catch (err) {
      const { status, body: out } = failure(err);
      res.status(status).json(out);
      return;
    }
    const check = {};
    let coordinator: Coordinator | undefined;
    mayReachHost(origin.hostname, allowLoopback(RED))
      .then((allowed) => {
        if (!allowed) {
          res.status(400).json({
            error: `${origin.host} is not a charger address the editor may check (loopback, link-local, unspecified and multicast addresses are refused; v2cConfigAllowLoopback: true in settings.js allows a simulator on this machine)`,
            code: 'INVALID_INPUT',
          });
          return;
        }
        coordinator = acquireCharger(host, check);
        return withinDeadline(coordinator.refresh(), PROBE_DEADLINE_MS).then(
          (reading) => {
            const facts = trydanFacts(reading);
            if (facts) res.json(facts);
            else res.status(502).json(NO_TRYDAN);
          },
          () => res.status(502).json(NO_TRYDAN),
        );
      })
      .catch(() => res.status(502).json(NO_TRYDAN))
      .finally(() => {
        if (coordinator) void releaseCharger(host, check);
      });
  });
}

/** The tables the dialogs take their choices, ranges and rules from. */
export function editorTables() {
  return {
    cadence: cadenceLimits(),
    surplus: {
      settings: SETTINGS,
      ordered: ORDERED_SETTINGS,
      meter: {
        gridSource: { choices: GRID_SOURCES },
        gridFormat: { choices: GRID_FORMATS },
        unit: { choices: POWER_UNITS },
      },
    },
    statistics: { ranges: RANGE_PRESETS, scopes: STATISTICS_SCOPES },
    realtime: {
      output: { choices: OUTPUTS },
      watch: { choices: WATCH_CHOICES },
      key: TELEMETRY_KEY.source,
      deadband: { min: 0, max: POWER_DEADBAND.max, default: POWER_DEADBAND.default, unit: 'W' },
    },
    actions: actionCatalogue(),
    typedInputs: TYPED_INPUTS,
  };
}

/** Whether the config node would take this address: empty (no LAN) or what hostToOrigin accepts. */
export function addressVerdict(host: string): { ok: true; origin: string } | { ok: false; error: string } {
  if (host.trim() === '') return { ok: true, origin: '' };
  try {
    return { ok: true, origin: hostToOrigin(host) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/**
 * The editor waits for a Check, so it gets an answer in bounded time: a charger that is busy
 * with a slow or endless reply (each try has its own deadline, then a retry and the pause a
 * timed-out request leaves) is reported like one that does not answer.
 */
export const PROBE_DEADLINE_MS = 20_000;

function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
