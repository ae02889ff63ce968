#!/usr/bin/env node
// v2c-sim: runs the Trydan simulator on 127.0.0.1 until Ctrl-C.

import { parseArgs } from 'node:util';
import { isProfileName, PROFILE_NAMES } from './profiles';
import { TrydanSimulator, type TrydanSimulatorOptions } from './simulator';

export const USAGE = `Usage: v2c-sim [options]

Simulated V2C Trydan charger on 127.0.0.1 (LAN API plus a /_sim/ control API).

Options:
  --port <n>          TCP port on 127.0.0.1 (default 8180; 0 = any free port)
  --firmware <name>   firmware profile: ${PROFILE_NAMES.join(', ')} (default 2.5.0)
  --time-scale <x>    simulated seconds per real second (default 1)
  --latency <ms>      time each device answer takes (default 30)
  --seed <n>          seed of house load and clouds (default 1)
  --start <HH:MM>     simulated local time of day at start (default 10:00)
  --no-car            start with no car plugged in
  -h, --help          show this help

Control: GET /_sim/state, POST /_sim/fault, POST /_sim/car, POST /_sim/set,
POST /_sim/firmware, GET /_sim/log (JSON in and out).`;

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
  if (values.latency !== undefined) options.latencyMs = number('latency', values.latency, (n) => n >= 0);
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
  const { url } = await sim.start();
  process.stdout.write(
    `V2C Trydan simulator (firmware ${sim.firmware}, ID ${sim.state.ID}) listening on ${url}\n` +
      `  telemetry: ${url}/RealTimeData   control: ${url}/_sim/state\n`,
  );
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
