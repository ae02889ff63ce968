// The README's Troubleshooting quotes statuses a user can actually see: each quoted status is
// a status text of the en-US catalogue, as the nodes' own status code puts it together.

import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import type { NodeAPI } from 'node-red';
import { chargerStatus, errorStatus } from '../../nodes/lib/status';
import type { ChargerStatus, QuotaState } from '../../src/coordinator/status';
import { type Catalogue, ROOT, SOURCE, flatten, lookup, readCatalogue } from '../helpers/locales';

const NUMBER = /\d+(?:\.\d+)?/g;

/** Numbers vary (retry 40s, 7.2 kW): compare texts with every number as #. */
function normal(text: string): string {
  return text.replace(NUMBER, '#');
}

function troubleshootingQuotes(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = /^## Troubleshooting\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
  assert.ok(section, 'README has no Troubleshooting section');
  const quotes: string[] = [];
  for (const item of section.split(/^- /m).slice(1)) {
    // An entry about a status: "**Status "…"**" or "**PV surplus shows "…"**", up to its first ": ".
    if (!/^\*\*(Status|.* shows) "/.test(item)) continue;
    const head = item.slice(0, item.indexOf(': ') >= 0 ? item.indexOf(': ') : undefined);
    quotes.push(...[...head.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? ''));
  }
  return quotes;
}

/** Every status text the nodes can show, from the real status code with the en-US catalogue. */
function shownTexts(): { texts: string[]; templates: string[] } {
  const catalogue: Catalogue = { common: readCatalogue(SOURCE, 'common.json'), ...readCatalogue(SOURCE, 'v2c-surplus.json') };
  const RED = { _: (key: string, params?: Record<string, string | number>) => lookup(catalogue, key, params) } as unknown as NodeAPI;
  const codes = [undefined, 'DEVICE_UNREACHABLE', 'INVALID_RESPONSE', 'INVALID_INPUT', 'AUTH_FAILED', 'RATE_LIMITED', 'QUOTA_RESERVED', 'CLOUD_UNREACHABLE', 'CLOSED'];
  const states: ChargerStatus[] = [
    { state: 'connecting' },
    { state: 'online', charging: true, carConnected: true, power: 7200 },
    { state: 'online', charging: false, carConnected: true },
    { state: 'online', charging: false, carConnected: false },
    { state: 'unconfigured', error: 'x' },
    ...codes.map((code): ChargerStatus => ({ state: 'offline', error: 'x', failures: 1, retryInMs: 40_000, ...(code ? { code } : {}) })),
  ];
  const texts: string[] = [];
  for (const s of states) {
    for (const quota of [undefined, 'low', 'spent', 'authFailed', 'unshared'] as (QuotaState | undefined)[]) {
      texts.push(chargerStatus(RED, quota ? { ...s, quota } : s).text as string);
    }
  }
  for (const code of codes) texts.push(errorStatus(RED, { code }).text as string);
  // Texts shown as they are, with placeholders filled in by the node.
  const templates = [...flatten(catalogue).entries()]
    .filter(([key]) => /^(common|v2c-surplus)\.status\./.test(key))
    .map(([, text]) => String(text));
  return { texts: texts.filter(Boolean), templates };
}

function matches(quote: string, texts: string[], templates: string[]): boolean {
  const want = normal(quote);
  // "… · quota spent": the end of a composed status.
  if (want.startsWith('… ')) return texts.some((t) => normal(t).endsWith(want.slice(1)));
  if (texts.some((t) => normal(t) === want)) return true;
  return templates.some((t) => {
    const pattern = normal(t).split(/__[A-Za-z0-9]+__/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    return new RegExp(`^${pattern}$`).test(want);
  });
}

describe('README Troubleshooting', () => {
  it('quotes only statuses the nodes show', () => {
    const quotes = troubleshootingQuotes();
    assert.ok(quotes.length >= 5, `too few quoted statuses found: ${quotes.join(' | ')}`);
    const { texts, templates } = shownTexts();
    const unknown = quotes.filter((q) => !matches(q, texts, templates));
    assert.deepEqual(unknown, [], `not a status the nodes show; known: ${[...new Set(texts)].join(' | ')}`);
  });

  it('would catch a status the nodes never show', () => {
    const { texts, templates } = shownTexts();
    assert.equal(matches('no LAN address', texts, templates), false);
    assert.equal(matches('offline, retry 40s', texts, templates), true);
  });
});
