#!/usr/bin/env node
// v2c-sim: runs the Trydan simulator on 127.0.0.1 until Ctrl-C.

import { parseArgs } from 'node:util';
import { DEFAULT_API_KEY, DEFAULT_QUOTA } from './cloud-account';
import { MAX_FAULT_DELAY_MS } from './lan-server';
import { isProfileName, PROFILE_NAMES } from './profiles';
import { TrydanSimulator, type SimCloudOptions, type TrydanSimulatorOptions } from './simulator';

export const DEFAULT_CLOUD_PORT = 8181;

export const USAGE = `Usage: v2c-sim [options]

Simulated V2C Trydan charger on 127.0.0.1 (LAN API plus a /_sim/ control API), and
with --cloud a simulated V2C cloud account holding it.

Options:
  --port <n>          TCP port on 127.0.0.1 (default 8180; 0 = any free port)
  --firmware <name>   firmware profile: ${PROFILE_NAMES.join(', ')} (default 2.5.0)
  --time-scale <x>    simulated seconds per real second (default 1)
  --latency <ms>      time each device answer takes (default 30)
  --seed <n>          seed of house load and clouds (default 1)
  --start <HH:MM>     simulated local time of day at start (default 10:00)
  --no-car            start with no car plugged in
  --cloud             also serve the cloud API (base path /kong/v2c_service)
  --cloud-port <n>    cloud TCP port on 127.0.0.1 (default ${DEFAULT_CLOUD_PORT}; implies --cloud)
  --quota <n>         cloud calls per day (default ${DEFAULT_QUOTA}; implies --cloud)
  --api-key <key>     the apikey clients must send (default ${DEFAULT_API_KEY}; implies --cloud)
  -h, --help          show this help

Control: GET /_sim/state, POST /_sim/fault, POST /_sim/car, POST /_sim/set,
POST /_sim/firmware, GET /_sim/log (JSON in and out); with the cloud also
GET /_sim/cloud/state, POST /_sim/cloud/fault, POST /_sim/cloud/quota,
POST /_sim/cloud/swipe, POST /_sim/cloud/link, GET /_sim/cloud/log.`;

export type CliCommand = { help: true } | { help: false; options: TrydanSimulatorOptions };

function number(name: string, text: string, check: (n: number) => boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new RangeError(`--${name}: ${JSON.stringify(text)} is not valid`);
  return n;
}

/** Parses the command line; throws a RangeError with a message for the user. */
export function parseCli(argv: readonly string[], realNow: number = Date.now()): CliCommand {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      firmware: { type: 'string' },
      'time-scale': { type: 'string' },
      latency: { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      'no-car': { type: 'boolean' },
      cloud: { type: 'boolean' },
      'cloud-port': { type: 'string' },
      quota: { type: 'string' },
      'api-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const options: TrydanSimulatorOptions = {
    port: values.port === undefined ? 8180 : number('port', values.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535),
  };
  if (values.firmware !== undefined) {
    if (!isProfileName(values.firmware)) {
      throw new RangeError(`--firmware: ${JSON.stringify(values.firmware)} is not a profile; profiles: ${PROFILE_NAMES.join(', ')}`);
    }
    options.firmware = values.firmware;
  }
  if (values['time-scale'] !== undefined) options.timeScale = number('time-scale', values['time-scale'], (n) => n > 0);
  if (values.latency !== undefined) options.latencyMs = number('latency', values.latency, (n) => n >= 0 && n <= MAX_FAULT_DELAY_MS);
  if (values.seed !== undefined) options.seed = number('seed', values.seed, Number.isInteger);
  if (values.start !== undefined) {
    const m = /^(\d{1,2}):(\d{2})$/.exec(values.start);
    const h = Number(m?.[1]);
    const min = Number(m?.[2]);
    if (!m || h > 23 || min > 59) throw new RangeError(`--start: ${JSON.stringify(values.start)} is not a time like 12:30`);
    const d = new Date(realNow);
    d.setHours(h, min, 0, 0);
    options.startTime = d.getTime();
  }
  if (values['no-car']) options.carConnected = false;
  const cloudFlags = [values['cloud-port'], values.quota, values['api-key']];
  if (values.cloud || cloudFlags.some((v) => v !== undefined)) {
    const cloud: SimCloudOptions = {
      port:
        values['cloud-port'] === undefined
          ? DEFAULT_CLOUD_PORT
          : number('cloud-port', values['cloud-port'], (n) => Number.isInteger(n) && n >= 0 && n <= 65535),
    };
    if (values.quota !== undefined) cloud.quota = number('quota', values.quota, (n) => Number.isInteger(n) && n >= 0);
    if (values['api-key'] !== undefined) {
      if (values['api-key'].trim() === '') throw new RangeError('--api-key: the key must not be empty');
      cloud.apiKey = values['api-key'];
    }
    options.cloud = cloud;
  }
  return { help: false, options };
}

async function main(): Promise<void> {
  let command: CliCommand;
  try {
    command = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (command.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sim = new TrydanSimulator(command.options);
  const { url, cloudUrl, apiKey } = await sim.start();
  process.stdout.write(
    `V2C Trydan simulator (firmware ${sim.firmware}, ID ${sim.state.ID}) listening on ${url}\n` +
      `  telemetry: ${url}/RealTimeData   control: ${url}/_sim/state\n`,
  );
  if (cloudUrl !== undefined && apiKey !== undefined) {
    process.stdout.write(
      `V2C cloud simulator listening on ${cloudUrl}\n` +
        `  apikey: ${apiKey}   (a simulator key; send it in the "apikey" header)\n` +
        `  deviceId: ${sim.state.ID}   quota: ${sim.account?.quota.limit ?? DEFAULT_QUOTA} calls/day   control: ${url}/_sim/cloud/state\n`,
    );
  }
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    sim.stop().then(
      () => process.stdout.write('simulator stopped\n'),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
