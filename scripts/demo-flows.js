// The demo's flows (scripts/demo.js, and the tests that deploy the examples as the demo does):
// every example on a tab of its own, wired to the simulated charger it may drive. Each tab that
// writes to a charger gets a charger of its own, so Manual control's Intensity is never undone
// by a PV surplus tab. Node IDs are derived afresh, so importing an example beside the demo
// never meets "nodes already exist".
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const examplesDir = path.resolve(__dirname, '..', 'examples');

/** The simulated chargers: key, config node name, and whether it serves the simulated cloud. */
const SIM_CHARGERS = [
  { key: 'A', name: 'Sim charger A (PV surplus)' },
  { key: 'B', name: 'Sim charger B (manual control)' },
  { key: 'C', name: 'Sim charger C (battery first)' },
  { key: 'D', name: 'Sim charger D (HTTP meter)' },
  { key: 'E', name: 'Sim charger E (MQTT meter)' },
  { key: 'F', name: 'Sim charger F (dashboard)' },
  { key: 'G', name: 'Sim charger G (cloud)', cloud: true },
  { key: 'H', name: 'Sim charger H (goal)' },
  { key: 'I', name: 'Sim charger I (site, garage)' },
  { key: 'J', name: 'Sim charger J (site, carport)' },
];

/**
 * Which simulated charger each example uses, and what it does with it (null: none); `more`:
 * the chargers of its second, third, ... config node, in the order they come in the example.
 */
const EXAMPLE_CHARGER = {
  "PV surplus with the charger's own meter": { key: 'A', role: 'drives' },
  'Read telemetry': { key: 'A', role: 'reads' },
  'Manual control': { key: 'B', role: 'drives' },
  'Battery priority and min+PV': { key: 'C', role: 'drives' },
  'PV surplus with an HTTP-polled meter': { key: 'D', role: 'drives' },
  'PV surplus with an MQTT grid meter': { key: 'E', role: 'drives' },
  'Dashboard - PV surplus at a glance': { key: 'F', role: 'drives' },
  '20 kWh by 7 am from the sun and the cheapest hours': { key: 'H', role: 'drives' },
  'Charge 10 kWh tonight': { key: 'G', role: 'drives' },
  'RFID cards': { key: 'G', role: 'drives' },
  'Charging statistics to a CSV file': { key: 'G', role: 'reads' },
  'Quota-aware cloud commands': { key: 'G', role: 'reads' },
  'Simulated sunny and cloudy day (no hardware)': null,
  'Two chargers share the surplus and one fuse': { key: 'I', role: 'drives', more: ['J'] },
};

/**
 * What the demo changes in an example besides its charger, by the example's own node ids: the
 * HTTP meter polls its simulated charger's /RealTimeData, which has the grid and PV powers.
 */
const DEMO_TWEAKS = {
  'PV surplus with an HTTP-polled meter': {
    '16452e6946cd1e8f': (node, address) => {
      node.props = node.props.map((p) => (p.p === 'url' ? { ...p, v: `http://${address.host}/RealTimeData` } : p));
      node.name = 'every 5 s (demo: the simulator)';
    },
    '10dc6e8524f67891': (node) => {
      node.rules = [{ t: 'set', p: 'payload', pt: 'msg', to: '{"grid": payload.GridPower, "pv": payload.FVPower}', tot: 'jsonata' }];
      node.name = 'to grid and pv (demo: the simulator)';
    },
  },
};

/** Examples that need a node package besides ours, by the node type prefix they use. */
const EXTRA_PACKAGES = { 'ui-': '@flowfuse/node-red-dashboard' };

const DEFAULT_CLOUD_URL = 'https://v2c.cloud/kong/v2c_service';

/** Every example's name (its file name without .json): the demo's order first, then the rest. */
function exampleNames() {
  const names = fs
    .readdirSync(examplesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length));
  const order = Object.keys(EXAMPLE_CHARGER);
  const rank = (n) => (order.includes(n) ? order.indexOf(n) : order.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function readExample(name) {
  return JSON.parse(fs.readFileSync(path.join(examplesDir, `${name}.json`), 'utf8'));
}

/** The packages an example needs besides ours (e.g. the dashboard). */
function extraPackagesOf(nodes) {
  const needed = new Set();
  for (const node of nodes) {
    for (const [prefix, pkg] of Object.entries(EXTRA_PACKAGES)) if (node.type.startsWith(prefix)) needed.add(pkg);
  }
  return [...needed];
}

/** A Node-RED id (16 hex digits) that stays the same from run to run. */
function stableId(...parts) {
  return createHash('sha1').update(parts.join('/')).digest('hex').slice(0, 16);
}

const configIdOf = (key) => stableId('v2c-demo', 'charger', key);
const tabIdOf = (name) => stableId('v2c-demo', 'tab', name);

/** Replaces every string that is one of `ids` (wires, scopes, links, groups, config refs), deeply. */
function remap(value, ids) {
  if (typeof value === 'string') return ids.has(value) ? ids.get(value) : value;
  if (Array.isArray(value)) return value.map((v) => remap(v, ids));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remap(v, ids)]));
  return value;
}

function describeCharger(charger, address) {
  return `**${charger.name}** (${address})`;
}

/** The demo's note in place of an example's "set your charger" comment. */
function demoNote(name, use, charger, address) {
  const what = use.role === 'drives' ? 'drives' : 'reads';
  const others = Object.entries(EXAMPLE_CHARGER)
    .filter(([other, u]) => other !== name && u && u.key === use.key)
    .map(([other]) => `"${other}"`);
  return [
    `In the demo this tab ${what} ${describeCharger(charger, address)}, a simulated Trydan started by \`npm start\`.`,
    others.length ? `It shares that charger with ${others.join(', ')}.` : 'No other tab uses that charger.',
    ...(charger.cloud ? ['', `Hold a card to its reader: \`curl -X POST http://${address}/_sim/cloud/swipe -d '{"code":"04C0FFEE"}'\``] : []),
    '',
    'Imported from *Import → Examples*, the same flow comes with a config node of its own, **My Trydan**, with no address: it contacts nothing until you set its **LAN address** (and **API key** for the cloud nodes).',
  ].join('\n');
}

/**
 * The demo's flows. `chargers` maps a simulated charger's key to `{ host, cloudUrl? }`; an
 * example whose charger is missing, or that needs a package not in `packages`, is left out.
 * Returns the flows, the credentials by node id, and which examples were left out and why.
 */
function demoFlows({ chargers, apiKey = '', packages = [], names = exampleNames() }) {
  const flows = [];
  const credentials = {};
  const skipped = [];
  const usedChargers = new Set();
  for (const name of names) {
    const nodes = readExample(name);
    const missing = extraPackagesOf(nodes).filter((p) => !packages.includes(p));
    if (missing.length) {
      skipped.push({ name, why: `needs ${missing.join(', ')}` });
      continue;
    }
    const use = EXAMPLE_CHARGER[name];
    if (use === undefined) throw new Error(`scripts/demo-flows.js: no charger chosen for the example "${name}"`);
    const charger = use && SIM_CHARGERS.find((c) => c.key === use.key);
    const address = charger && chargers[charger.key];
    const keys = use ? [use.key, ...(use.more || [])] : [];
    const absent = keys.find((k) => !chargers[k]);
    if (use && absent) {
      const c = SIM_CHARGERS.find((s) => s.key === absent);
      skipped.push({ name, why: `no ${c ? c.name : absent}` });
      continue;
    }
    const tab = tabIdOf(name);
    const ids = new Map();
    const configs = nodes.filter((n) => n.type === 'v2c-config');
    for (const node of nodes) {
      const key = keys[Math.min(configs.indexOf(node), keys.length - 1)];
      ids.set(node.id, node.type === 'v2c-config' && charger ? configIdOf(key) : stableId('v2c-demo', name, node.id));
    }
    const label = charger ? `${name} · Sim ${keys.join(' and ')}` : name;
    const info = charger
      ? `The "${name}" example. It ${use.role} ${describeCharger(charger, address.host)}.`
      : `The "${name}" example. It needs no charger.`;
    flows.push({ id: tab, type: 'tab', label, disabled: false, info });
    for (const node of nodes) {
      if (node.type === 'v2c-config' || node.type === 'tab') continue;
      const copy = remap(node, ids);
      const tweak = DEMO_TWEAKS[name] && DEMO_TWEAKS[name][node.id];
      if (tweak) tweak(copy, address);
      // Flow nodes (they have a place on the canvas) go on the tab; config nodes stay global.
      if ('x' in node) copy.z = tab;
      if (node.type === 'comment' && /config node/.test(node.name) && charger) {
        copy.name = `In the demo: ${charger.name}`;
        copy.info = demoNote(name, use, charger, address.host);
      }
      flows.push(copy);
    }
    for (const key of keys) usedChargers.add(key);
  }
  for (const charger of SIM_CHARGERS) {
    if (!usedChargers.has(charger.key)) continue;
    const { host, cloudUrl } = chargers[charger.key];
    const id = configIdOf(charger.key);
    flows.push({
      id,
      type: 'v2c-config',
      name: charger.name,
      host,
      deviceId: '',
      cloudUrl: cloudUrl || DEFAULT_CLOUD_URL,
      pollInterval: 5,
      idleInterval: 30,
      version: 1,
    });
    if (cloudUrl && apiKey) credentials[id] = { apiKey };
  }
  return { flows, credentials, skipped };
}

/**
 * A user's saved demo flows with the simulated chargers' addresses brought up to date (a port
 * may differ from the last run); nothing else is touched. Returns whether anything changed.
 */
function updateAddresses(flows, chargers) {
  let changed = false;
  for (const charger of SIM_CHARGERS) {
    const address = chargers[charger.key];
    const node = address && flows.find((n) => n.id === configIdOf(charger.key));
    if (!node) continue;
    const cloudUrl = address.cloudUrl || DEFAULT_CLOUD_URL;
    if (node.host !== address.host || (charger.cloud && node.cloudUrl !== cloudUrl)) {
      node.host = address.host;
      if (charger.cloud) node.cloudUrl = cloudUrl;
      changed = true;
    }
  }
  return changed;
}

module.exports = { SIM_CHARGERS, EXAMPLE_CHARGER, exampleNames, readExample, extraPackagesOf, demoFlows, updateAddresses, configIdOf };
