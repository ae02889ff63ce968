// The flow the soak deploys: two config nodes on one charger address (each with telemetry
// and a writer, so one charger sees two users, issue 9 row 4), a cloud command node, and a
// Catch node for all of them. Node ids are fixed so the soak finds them after a redeploy.

export const IDS = {
  configs: ['cfgA', 'cfgB'],
  telemetry: ['telA', 'telB'],
  writers: ['woA', 'woB'],
  cloud: 'cc',
  caught: 'caught',
} as const;

/** Poll every second, back off to at most 4 s: recovery must come within 1 s + 4 s. */
export const CADENCE = { pollInterval: 1, idleInterval: 1, maxBackoff: 4 } as const;

export function soakFlow(host: string, cloudUrl: string): object[] {
  const config = (id: string) => ({ id, type: 'v2c-config', name: `Trydan ${id.slice(-1)}`, host, deviceId: '', cloudUrl, ...CADENCE, version: 1 });
  const sink = (id: string) => ({ id, type: 'helper' });
  return [
    ...IDS.configs.map(config),
    ...IDS.telemetry.map((id, i) => ({ id, type: 'v2c-realtime-in', server: IDS.configs[i], output: 'every', ignore: '', version: 1, wires: [[`${id}-out`]] })),
    ...IDS.writers.map((id, i) => ({ id, type: 'v2c-write-out', server: IDS.configs[i], keyword: '', version: 1, wires: [[`${id}-out`]] })),
    { id: IDS.cloud, type: 'v2c-cloud-command', server: IDS.configs[0], command: '', version: 1, wires: [[`${IDS.cloud}-out`]] },
    { id: 'catchAll', type: 'catch', scope: null, uncaught: false, wires: [[IDS.caught]] },
    ...[...IDS.telemetry, ...IDS.writers, IDS.cloud].map((id) => sink(`${id}-out`)),
    sink(IDS.caught),
  ];
}

export function soakCredentials(apiKey: string): Record<string, { apiKey: string }> {
  return Object.fromEntries(IDS.configs.map((id) => [id, { apiKey }]));
}
