// Shared pieces of the node tests: the runtime under test, our node modules (compiled, as
// Node-RED loads them), a simulator per test, and small flow builders.

import fs from 'node:fs';
import path from 'node:path';
import helper from 'node-red-node-test-helper';
import { TrydanSimulator } from '../../src/sim';
import { redModule } from '../helpers/red';

helper.init(redModule);

const dist = path.resolve(__dirname, '../../dist/nodes');
/** Every node type the package registers, loaded from the build as Node-RED loads them. */
const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
export const nodes = Object.keys(manifest['node-red'].nodes).map(
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (t) => require(path.join(dist, `${t}.js`)),
);

export { helper };

export async function startSim(
  options: ConstructorParameters<typeof TrydanSimulator>[0] = {},
): Promise<{ sim: TrydanSimulator; host: string; cloudUrl: string; apiKey: string }> {
  const sim = new TrydanSimulator({ latencyMs: 5, ...options });
  const started = await sim.start();
  return { sim, host: started.host, cloudUrl: started.cloudUrl ?? '', apiKey: started.apiKey ?? '' };
}

export const config = (host: string, extra: Record<string, unknown> = {}) => ({
  id: 'cfg', type: 'v2c-config', name: 'Garage', host, deviceId: '', cloudUrl: 'https://v2c.cloud/kong/v2c_service', pollInterval: 1, idleInterval: 1, version: 1, ...extra,
});

export function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const value = check();
      if (value) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A full deploy. The helper's own wait for 'flows:started' can miss a fast start, so wait for the nodes instead. */
export async function redeploy(flow: object[], ids: string[]): Promise<void> {
  await helper.setFlows(flow, 'full').catch((err: Error) => {
    if (!/timeout waiting event/.test(err.message)) throw err;
  });
  await waitFor('the new flow', () => ids.every((id) => helper.getNode(id)));
}

export interface ShownStatus {
  fill?: string;
  shape?: string;
  text?: string;
}

/** The statuses one node showed, in order (the helper spies on every node's status at once). */
export function statusesOf(id: string): ShownStatus[] {
  const node = helper.getNode(id);
  const spy = node.status as unknown as { getCalls(): Array<{ thisValue: unknown; args: [ShownStatus] }> };
  return spy.getCalls().filter((c) => c.thisValue === node).map((c) => c.args[0]);
}

export const lastStatus = (id: string): ShownStatus | undefined => statusesOf(id).at(-1);
