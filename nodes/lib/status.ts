// One place that turns a charger status or an error into a Node-RED node status,
// with texts from the shared message catalogue (locales/<lang>/common.json).

import type { Node, NodeAPI, NodeStatus } from 'node-red';
import type { ChargerStatus } from '../../src/coordinator/status';

export function chargerStatus(RED: NodeAPI, s: ChargerStatus): NodeStatus {
  const t = (key: string, params?: Record<string, string | number>): string => RED._(`common.status.${key}`, params);
  const shown = stateStatus(s, t);
  // The cloud quota's trouble is worth a word, but never hides that the charger is offline.
  if (!s.quota || s.state === 'offline' || s.state === 'unconfigured' || !shown.text) return shown;
  if (s.quota === 'low' || s.quota === 'unshared') return { ...shown, fill: 'yellow', text: `${shown.text} · ${t(s.quota === 'low' ? 'quotaLow' : 'quotaUnshared')}` };
  return { fill: s.quota === 'authFailed' ? 'red' : 'yellow', shape: 'ring', text: `${shown.text} · ${t(s.quota === 'authFailed' ? 'cloudAuth' : 'quotaSpent')}` };
}

const OFFLINE_TEXT: Readonly<Record<string, string>> = {
  INVALID_RESPONSE: 'badReply',
  AUTH_FAILED: 'cloudAuth',
  RATE_LIMITED: 'quotaSpent',
  QUOTA_RESERVED: 'quotaLow',
  CLOUD_UNREACHABLE: 'cloudOffline',
};

function stateStatus(s: ChargerStatus, t: (key: string, params?: Record<string, string | number>) => string): NodeStatus {
  switch (s.state) {
    case 'idle':
    case 'closed':
      return {};
    case 'connecting':
      return { fill: 'yellow', shape: 'ring', text: t('connecting') };
    case 'online':
      if (s.charging) return { fill: 'green', shape: 'dot', text: t('charging', { power: formatKw(s.power ?? 0) }) };
      return { fill: 'green', shape: 'ring', text: t(s.carConnected ? 'connected' : 'noCar') };
    case 'offline': {
      const key = OFFLINE_TEXT[s.code ?? ''];
      const seconds = Math.round(s.retryInMs / 1000);
      return { fill: 'red', shape: 'ring', text: key ? `${t(key)}, ${t('retry', { seconds })}` : t('offline', { seconds }) };
    }
    case 'unconfigured':
      if (s.noAddress) return { fill: 'yellow', shape: 'ring', text: t('noAddress') };
      return { fill: 'red', shape: 'ring', text: t('unconfigured') };
  }
}

/** A failure of this node's own request (red dot), e.g. a rejected write. */
export function errorStatus(RED: NodeAPI, err: unknown): NodeStatus {
  const code = (err as { code?: string } | null)?.code;
  const key = code === 'INVALID_INPUT' ? 'invalidInput' : code === 'DEVICE_UNREACHABLE' ? 'unreachable' : OFFLINE_TEXT[code ?? ''] ?? 'failed';
  return { fill: 'red', shape: 'dot', text: RED._(`common.status.${key}`) };
}

export function formatKw(watts: number): string {
  return (watts / 1000).toFixed(1);
}

/**
 * A node's status: the charger's, except that a failure of the node's own request stays
 * shown until its next success, unless the charger itself goes offline or is unusable.
 */
export interface StatusView {
  charger(s: ChargerStatus): void;
  failed(err: unknown): void;
  succeeded(): void;
}

export function statusView(RED: NodeAPI, node: Node): StatusView {
  let last: ChargerStatus = { state: 'idle' };
  let failure: { status: NodeStatus; connectivity: boolean } | undefined;
  let shown = '';
  /** What the shown text was built from: a poll that changes none of it builds nothing. */
  let builtFrom: ChargerStatus | undefined;
  const show = () => {
    const failed = failure && last.state !== 'offline' && last.state !== 'unconfigured';
    if (!failed && builtFrom && sameText(builtFrom, last)) return;
    builtFrom = failed ? undefined : last;
    const status = failed ? failure!.status : chargerStatus(RED, last);
    // Polls repeat the same status; a Status node should only hear about changes.
    const key = JSON.stringify(status);
    if (key === shown) return;
    shown = key;
    node.status(status);
  };
  return {
    charger(s) {
      last = s;
      // A charger that answers again ends a failure that was only about reaching it.
      if (failure?.connectivity && s.state === 'online') failure = undefined;
      show();
    },
    failed(err) {
      const code = (err as { code?: string } | null)?.code ?? '';
      failure = { status: errorStatus(RED, err), connectivity: CONNECTIVITY.has(code) };
      show();
    },
    succeeded() {
      failure = undefined;
      show();
    },
  };
}

/** Whether two charger statuses read the same (online power as shown: to 0.1 kW). */
function sameText(a: ChargerStatus, b: ChargerStatus): boolean {
  if (a === b) return true;
  if (a.state !== b.state || a.quota !== b.quota) return false;
  if (a.state === 'online' && b.state === 'online') {
    return a.charging === b.charging && a.carConnected === b.carConnected && (!a.charging || formatKw(a.power ?? 0) === formatKw(b.power ?? 0));
  }
  if (a.state === 'offline' && b.state === 'offline') return a.code === b.code && Math.round(a.retryInMs / 1000) === Math.round(b.retryInMs / 1000);
  if (a.state === 'unconfigured' && b.state === 'unconfigured') return a.noAddress === b.noAddress;
  return a.state === 'idle' || a.state === 'connecting' || a.state === 'closed';
}

const CONNECTIVITY = new Set(['DEVICE_UNREACHABLE', 'CLOUD_UNREACHABLE', 'INVALID_RESPONSE', 'CLOSED']);
