// v2c-surplus: the PV surplus controller as a node. Meter readings and commands come in as
// messages; with a charger (v2c-config) linked, the car's power and the charger's state come
// from its telemetry, and its own meter can be the grid source. Output 1 carries write
// commands for v2c-write-out, only when something must change; output 2 reports every decision.
//
// Time: the controller runs on a clock (src/surplus is pure). Here it is Date.now, unless the
// runtime setting `v2cSurplusClock: {now, tickMs}` supplies another (tests and demos that run
// the simulator faster than real time: then the controller's timers count simulated time).

import type { Node, NodeAPI, NodeDef, NodeMessage, NodeStatus } from 'node-red';
import type { ChargerStatus } from '../src/coordinator/status';
import { InvalidInput } from '../src/trydan/errors';
import { shown } from '../src/trydan/show';
import {
  type Decision,
  DEFAULT_METER,
  DEFAULT_SETTINGS,
  GRID_FORMATS,
  GRID_SOURCES,
  GridAssembler,
  POWER_UNITS,
  type GridSource,
  type MeterOptions,
  type PriceSlot,
  type Sample,
  SETTINGS,
  type SiteShare,
  decideOnSite,
  type SiteView,
  SurplusController,
  type SurplusSettings,
  type Mode,
  readMessage,
  reportOf,
  sampleOf,
  settingsFrom,
  siteReportOf,
  siteStatusOf,
  statusOf,
} from '../src/surplus';
import { type NodeConstructor, chargerOf } from './lib/config-node';
import { migrate } from './lib/migrate';
import { joinSite, leaveSite } from './lib/site-registry';
import { chargerStatus, errorStatus } from './lib/status';

interface SurplusDef extends NodeDef {
  server?: string;
  gridSource: GridSource;
  gridFormat: MeterOptions['gridFormat'];
  unit: MeterOptions['unit'];
  invertGrid: boolean;
  invertBattery: boolean;
  dryRun: boolean;
  version?: number;
}

// Node properties beyond the controller's settings table (src/surplus/settings.ts).
const NODE_DEFAULTS = {
  server: '',
  gridSource: 'message' as GridSource,
  ...DEFAULT_METER,
  dryRun: false,
  ...Object.fromEntries(Object.entries(DEFAULT_SETTINGS).map(([k, v]) => [k, v ?? ''])),
};

/** The runtime setting that replaces the clock: `v2cSurplusClock: {now: () => ms, tickMs}`. */
interface ClockSetting {
  now?: unknown;
  tickMs?: unknown;
}

function pick(config: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((n) => n in config).map((n) => [n, config[n]]));
}

function meterFrom(config: Record<string, unknown>): MeterOptions {
  const problems: string[] = [];
  const gridFormat = config.gridFormat as MeterOptions['gridFormat'];
  if (!GRID_FORMATS.includes(gridFormat)) problems.push(`gridFormat: ${shown(config.gridFormat)} is not one of ${GRID_FORMATS.join(', ')}`);
  if (!POWER_UNITS.includes(config.unit as MeterOptions['unit'])) problems.push(`unit: ${shown(config.unit)} is not one of ${POWER_UNITS.join(', ')}`);
  if (!GRID_SOURCES.includes(config.gridSource as GridSource)) problems.push(`gridSource: ${shown(config.gridSource)} is not one of ${GRID_SOURCES.join(', ')}`);
  if (problems.length) throw new InvalidInput(problems);
  const flag = (v: unknown) => v === true || v === 'true';
  return { gridFormat, unit: config.unit as MeterOptions['unit'], invertGrid: flag(config.invertGrid), invertBattery: flag(config.invertBattery) };
}

export = function (RED: NodeAPI): void {
  const hook = (RED.settings as unknown as { v2cSurplusClock?: ClockSetting }).v2cSurplusClock;
  const now: () => number = typeof hook?.now === 'function' ? (hook.now as () => number) : Date.now;
  const tickMs = typeof hook?.tickMs === 'number' && hook.tickMs > 0 ? hook.tickMs : 1000;

  function V2cSurplus(this: Node, def: SurplusDef): void {
    RED.nodes.createNode(this, def);
    const config = migrate(def, NODE_DEFAULTS as Partial<SurplusDef>) as SurplusDef & Record<string, unknown>;
    const topic = config.name || 'v2c-surplus';
    const dryRun = config.dryRun === true || (config.dryRun as unknown) === 'true';
    // The charger is optional; one that is selected but missing fails like in every other node.
    const server = config.server ? chargerOf(RED, this, config.server) : null;
    if (config.server && !server) return;

    let settings: SurplusSettings;
    let meter: MeterOptions;
    let needsLan = false;
    try {
      meter = meterFrom(config);
      settings = settingsFrom(pick(config, Object.keys(SETTINGS)));
      if (config.gridSource !== 'message' && !server) throw new InvalidInput([RED._('v2c-surplus.errors.needsCharger')]);
      // Through the cloud the car's power comes every 90 s at best and every change spends
      // the account's daily calls: too slow to follow a cloud, and the charger's own PV mode
      // does it better there. Refused at deploy, with what to do instead.
      needsLan = server?.transport === 'cloud';
      if (needsLan) throw new InvalidInput([RED._('v2c-surplus.errors.needsLan')]);
    } catch (err) {
      this.status({ fill: 'red', shape: 'ring', text: RED._(needsLan ? 'v2c-surplus.status.needsLan' : 'v2c-surplus.status.badSettings') });
      this.error(RED._('v2c-surplus.errors.badSettings', { error: (err as Error).message }));
      this.on('input', (_msg, _send, done) => done(err as Error));
      return;
    }

    const controller = new SurplusController(settings, { now: now(), dryRun, waitForCharger: server !== null });
    let grid = new GridAssembler(meter.gridFormat, settings.staleTimeout * 1000);
    let charger: ChargerStatus | undefined;
    let last: Decision | undefined;
    let latest: Decision | undefined;
    let failure: NodeStatus | undefined;
    let shown = '';

    // Several chargers on one site: the same site name shares the surplus and the fuse (src/surplus/site.ts).
    let site: SiteShare | null = null;
    let siteView: SiteView | undefined;
    const siteFor = (s: SurplusSettings): void => {
      if (site && site.name !== s.site) {
        leaveSite(site, this.id, now());
        site = null;
        siteView = undefined;
      }
      if (s.site) (site ??= joinSite(s.site)).join(this.id, s);
    };
    siteFor(settings);
    type Change = { mode?: Mode; settings?: SurplusSettings; prices?: readonly PriceSlot[] };
    /** A decision through the site: a grid reading becomes this charger's share of it, and the site's limit caps the current. */
    const decide = (sample: Sample, t: number, change: Change = {}): Decision => {
      if (change.settings) siteFor(change.settings);
      // Alone: no limit beyond the charger's own (a site left by msg.settings lifts its cap).
      if (!site) return controller.update(sample, t, { ...change, siteMaxA: Infinity });
      const r = decideOnSite(site, this.id, controller, sample, t, change, latest);
      siteView = r.view;
      return r.decision;
    };

    const showStatus = (): void => {
      let status: NodeStatus = {};
      if (failure) status = failure;
      // A charger that cannot be reached is the news, whatever the controller decides.
      else if (charger && (charger.state === 'offline' || charger.state === 'unconfigured')) status = chargerStatus(RED, charger);
      else if (latest) {
        const s = statusOf(latest, dryRun);
        let text = RED._(`v2c-surplus.status.${s.key}`, s.params);
        if (siteView) text = RED._('v2c-surplus.status.site', { text, ...siteStatusOf(siteView) });
        status = { fill: s.fill, shape: s.shape, text: dryRun ? RED._('v2c-surplus.status.dryRun', { text }) : text };
      }
      const key = JSON.stringify(status);
      if (key === shown) return;
      shown = key;
      this.status(status);
    };

    type Send = (msgs: Array<NodeMessage | null>) => void;
    const emit = (d: Decision, send: Send, msg: NodeMessage = {}): void => {
      const command = d.command && !dryRun ? { topic, payload: d.command } : null;
      send([command, Object.assign(msg, { topic, payload: { ...reportOf(d, dryRun), site: siteReportOf(siteView) } })]);
      last = latest = d;
      showStatus();
    };
    const sendOut: Send = (msgs) => this.send(msgs);

    const deregister = server?.register({
      telemetry: (reading) => emit(decide(sampleOf(reading, config.gridSource, meter.invertGrid), now()), sendOut),
      status: (s) => {
        charger = s;
        showStatus();
      },
    });

    this.on('input', (msg, send, done) => {
      try {
        const parsed = readMessage(msg as Parameters<typeof readMessage>[0], meter);
        if (config.gridSource !== 'message' && Object.keys(parsed.parts).length > 0) throw new InvalidInput([RED._('v2c-surplus.errors.gridFromCharger')]);
        const next = parsed.settings ? settingsFrom(parsed.settings, controller.settings) : undefined;
        const t = now();
        if (next && next.staleTimeout !== controller.settings.staleTimeout) grid = new GridAssembler(meter.gridFormat, next.staleTimeout * 1000);
        const gridW = grid.add(parsed.parts, t);
        const sample = gridW === undefined ? parsed.sample : { ...parsed.sample, gridW };
        const decision = decide(sample, t, { ...(parsed.mode ? { mode: parsed.mode } : {}), ...(next ? { settings: next } : {}), ...(parsed.prices ? { prices: parsed.prices } : {}) });
        failure = undefined;
        emit(decision, send as Send, msg);
        done();
      } catch (err) {
        failure = errorStatus(RED, err);
        showStatus();
        done(err as Error);
      }
    });

    // Timers and the stale-meter watchdog run without messages; report only what changed.
    const timer = setInterval(() => {
      const d = decide({}, now());
      if (d.command || !last || d.state !== last.state || d.reason !== last.reason || d.setpoint !== last.setpoint || d.mode !== last.mode) emit(d, sendOut);
      else {
        latest = d;
        showStatus();
      }
    }, tickMs);

    this.on('close', (_removed: boolean, done: () => void) => {
      clearInterval(timer);
      deregister?.();
      if (site) leaveSite(site, this.id, now());
      done();
    });
  }

  RED.nodes.registerType('v2c-surplus', V2cSurplus as unknown as NodeConstructor);
};
