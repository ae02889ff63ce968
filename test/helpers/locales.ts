// Reads the message catalogues and help pages under nodes/locales/, for the tests that keep
// the five languages complete and the README's quotes true.

import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const LOCALES = path.join(ROOT, 'nodes', 'locales');
export const BUILT_LOCALES = path.join(ROOT, 'dist', 'nodes', 'locales');
/** Node-RED's own directory names for these languages (editor-client/locales), plus Italian. */
export const LANGUAGES = ['en-US', 'de', 'es-ES', 'fr', 'it'] as const;
export const SOURCE = 'en-US';

export type Catalogue = { [key: string]: string | Catalogue };

export function readCatalogue(lang: string, file: string): Catalogue {
  return JSON.parse(fs.readFileSync(path.join(LOCALES, lang, file), 'utf8')) as Catalogue;
}

/** Every leaf of a catalogue as dotted key → text. */
export function flatten(catalogue: Catalogue, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(catalogue)) {
    const at = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of flatten(value, at)) out.set(k, v);
    } else {
      out.set(at, value);
    }
  }
  return out;
}

/** The `__name__` placeholders a text interpolates. */
export function placeholders(text: string): string[] {
  return [...new Set(text.match(/__[A-Za-z0-9]+__/g) ?? [])].sort();
}

export function filesOf(lang: string, ext: string): string[] {
  return fs.readdirSync(path.join(LOCALES, lang)).filter((f) => f.endsWith(ext)).sort();
}

/** A node's catalogue as Node-RED serves it: its own keys plus common.json under `common`. */
export function servedCatalogue(lang: string, node: string): Catalogue {
  return { ...readCatalogue(lang, `${node}.json`), common: readCatalogue(lang, 'common.json') };
}

/** Looks a key up like RED._ does: dotted path, then `__name__` replaced by params. */
export function lookup(catalogue: Catalogue, key: string, params: Record<string, string | number> = {}): string {
  let at: string | Catalogue | undefined = catalogue;
  for (const part of key.split('.')) at = typeof at === 'object' ? at[part] : undefined;
  if (typeof at !== 'string') throw new Error(`no text for ${key}`);
  return at.replace(/__([A-Za-z0-9]+)__/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
