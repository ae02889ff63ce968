// Admin HTTP endpoints for the editor, each guarded by a Node-RED permission. Tables come
// from the same source the runtime validates with; discovery and the LAN check run only
// when a person presses the button in the config dialog, and the LAN check goes only to
// the address typed there.

import type { NodeAPI } from 'node-red';
import { acquireBudget, releaseBudget } from '../../src/coordinator/budget-registry';
import { cadenceLimits } from '../../src/coordinator/cadence';
import { acquireCharger, releaseCharger } from '../../src/coordinator/charger-registry';
import type { Coordinator } from '../../src/coordinator/coordinator';
import { DEFAULT_CLOUD_URL, endpointCatalogue } from '../../src/trydan/cloud-catalogue';
import { CloudClient } from '../../src/trydan/cloud-client';
import { checkCloudUrl } from '../../src/trydan/cloud-url';
import type { Pairing } from '../../src/trydan/cloud-reply';
import { TrydanError } from '../../src/trydan/errors';
import { keywordCatalogue } from '../../src/trydan/keywords';
import type { V2cConfigNode } from './config-node';
import { ledgerStore } from './ledger-store';

/** The editor sends this instead of a password field it did not change. */
const UNCHANGED_PASSWORD = '__PWRD__';

type Body = { id?: unknown; apiKey?: unknown; cloudUrl?: unknown; host?: unknown };

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
    const budget = acquireBudget(apiKey, cloudUrl, user, (id) => ({ store: ledgerStore(RED, ownNode, id) }));
    const client = new CloudClient({ baseUrl: cloudUrl, apiKey, budget });
    client
      .call('pairings/me', { priority: 'user' })
      .then((result) => {
        const pairings = (result.payload as Pairing[]).map((p) => ({ deviceId: p.deviceId, name: p.name, ip: p.ip ?? '', model: p.model ?? '' }));
        res.json({ pairings, rateLimit: result.rateLimit });
      })
      .catch((err: unknown) => {
        const { status, body: out } = failure(err);
        res.status(status).json(out);
      })
      .finally(() => {
        releaseBudget(apiKey, cloudUrl, user);
        void client.close();
      });
  });

  // Is there a Trydan at the address typed in the dialog? One /RealTimeData, nothing else,
  // through the charger's own queue: shared with the config nodes using that address, or
  // registered for the check's duration so a deploy meanwhile shares it too.
  RED.httpAdmin.post('/v2c-trydan/probe', RED.auth.needsPermission('v2c-config.write'), (req, res) => {
    const host = typeof (req.body as Body)?.host === 'string' ? String((req.body as Body).host) : '';
    const check = {};
    let coordinator: Coordinator;
    try {
      coordinator = acquireCharger(host, check);
    } catch (err) {
      const { status, body: out } = failure(err);
      res.status(status).json(out);
      return;
    }
    coordinator
      .refresh()
      .then((r) => res.json({ ID: r.ID ?? '', FirmwareVersion: r.FirmwareVersion ?? '', ChargeState: r.ChargeState }))
      .catch((err: unknown) => {
        const { status, body: out } = failure(err);
        res.status(status).json(out);
      })
      .finally(() => void releaseCharger(host, check));
  });
}
