// Runs the editor scripts (resources/v2c-editor.js, then a node's HTML scripts) in a VM with a
// stand-in RED and jQuery, as the editor loads them: what they register, what they fetch,
// and a dialog whose fields validators read while it is "open".

import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

export const root = path.resolve(__dirname, '../..');

export interface Definition {
  category: string;
  color?: string;
  icon?: string;
  inputs?: number;
  outputs?: number;
  defaults: Record<string, { value: unknown; required?: boolean; type?: string; validate?: (this: unknown, v: unknown, opt?: unknown) => unknown }>;
  credentials?: Record<string, { type: string }>;
  paletteLabel: (this: unknown) => string;
  label: (this: unknown) => string;
  inputLabels?: (this: unknown, i: number) => string;
  outputLabels?: (this: unknown, i: number) => string;
}

/** A node's catalogue as Node-RED serves it: its own texts with the shared ones under "common". */
export function catalogue(type: string): Record<string, unknown> {
  const dir = path.join(root, 'nodes/locales/en-US');
  const own = JSON.parse(fs.readFileSync(path.join(dir, `${type}.json`), 'utf8')) as Record<string, unknown>;
  return { ...own, common: JSON.parse(fs.readFileSync(path.join(dir, 'common.json'), 'utf8')) };
}

/** Node-RED's this._ for a node: the catalogue text with __params__ filled in, or the key when missing. */
export function translator(type: string): (key: string, params?: Record<string, unknown>) => string {
  const texts = catalogue(type);
  return (key, params = {}) => {
    const found = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], texts);
    if (typeof found !== 'string') return key;
    return found.replace(/__(\w+)__/g, (_m, name: string) => String(params[name] ?? ''));
  };
}

/** The inline scripts of a node's HTML (the ones that run), and the src of the others. */
export function scriptsOf(type: string): { inline: string[]; src: string[]; html: string } {
  const html = fs.readFileSync(path.join(root, 'nodes', `${type}.html`), 'utf8');
  const inline = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  const src = [...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]!);
  return { inline, src, html };
}

type Done = (answer: unknown) => void;

export interface Sandbox {
  registered: Map<string, Definition>;
  /** URLs asked for with $.getJSON, in order (with their query, if any). */
  fetched: string[];
  /** Answers every pending request to `url` (and later ones at once). */
  answer(url: string, body: unknown): void;
  /** Opens a "dialog" for the node: validators then read these field values. */
  open(node: { id: string }, fields: Record<string, unknown>): void;
  close(): void;
  /** Validates one property as the editor does: validate.call(node, value, opt). */
  validate(type: string, node: Record<string, unknown>, prop: string, value?: unknown): unknown;
  context: vm.Context;
}

export function sandbox(...types: string[]): Sandbox {
  const registered = new Map<string, Definition>();
  const fetched: string[] = [];
  const pending = new Map<string, Done[]>();
  const answers = new Map<string, unknown>();
  let stack: { id: string }[] = [];
  let fields: Record<string, unknown> = {};

  const getJSON = (url: string, data?: Record<string, unknown>) => {
    const key = data ? `${url}?${new URLSearchParams(data as Record<string, string>).toString()}` : url;
    fetched.push(key);
    const promise = {
      done(fn: Done) {
        if (answers.has(key)) fn(answers.get(key));
        else pending.set(key, [...(pending.get(key) ?? []), fn]);
        return promise;
      },
      fail() {
        return promise;
      },
    };
    return promise;
  };

  // Just enough of jQuery for what validators read: $('#node-input-x, #node-config-input-x').first().val().
  const $ = Object.assign(
    (selector: string) => {
      const ids = String(selector)
        .split(',')
        .map((s) => s.trim().replace(/^#/, ''));
      const name = ids.map((id) => id.replace(/^node-(config-)?input-/, '')).find((n) => n in fields);
      const found = name !== undefined;
      const element = {
        length: found ? 1 : 0,
        first: () => element,
        attr: (a: string) => (a === 'type' && typeof fields[name!] === 'boolean' ? 'checkbox' : undefined),
        val: () => (found ? fields[name!] : undefined),
        prop: () => (found ? fields[name!] : undefined),
        trigger: () => element,
      };
      return element;
    },
    { getJSON },
  );

  const RED = {
    nodes: { registerType: (type: string, def: Definition) => registered.set(type, def) },
    editor: { getEditStack: () => stack },
  };
  const context = vm.createContext({ RED, $, window: {} as Record<string, unknown> });
  (context as { window: unknown }).window = context;
  vm.runInContext(fs.readFileSync(path.join(root, 'resources/v2c-editor.js'), 'utf8'), context);
  for (const type of types) for (const script of scriptsOf(type).inline) vm.runInContext(script, context);

  return {
    registered,
    fetched,
    context,
    answer(url, body) {
      answers.set(url, body);
      for (const fn of pending.get(url) ?? []) fn(body);
      pending.delete(url);
    },
    open(node, values) {
      stack = [node];
      fields = values;
    },
    close() {
      stack = [];
      fields = {};
    },
    validate(type, node, prop, value = node[prop]) {
      const def = registered.get(type)!;
      const full = { type, _: translator(type), ...node };
      return def.defaults[prop]!.validate!.call(full, value, {});
    },
  };
}
