// v2c-wifi-scan: asks the charger (through the cloud) which Wi-Fi networks it sees.

import type { NodeAPI, NodeDef } from 'node-red';
import { registerCloudNode } from './lib/cloud-node';
import { migrate } from './lib/migrate';

interface ScanDef extends NodeDef {
  server: string;
  version?: number;
}

/** Strongest first, when the cloud tells the signal. */
function strength(n: Record<string, unknown>): number {
  const v = n.rssi ?? n.signal ?? n.quality;
  return typeof v === 'number' ? v : -Infinity;
}

export = function (RED: NodeAPI): void {
  registerCloudNode<ScanDef>(RED, 'v2c-wifi-scan', (def) => migrate(def, {}), {
    request: () => ({ endpoint: 'wifilist' }),
    output(_config, msg, result) {
      const networks = [...(result.payload as Record<string, unknown>[])].sort((a, b) => strength(b) - strength(a));
      return Object.assign(msg, { payload: networks });
    },
  });
};
