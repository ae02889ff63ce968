// A real Node-RED with this package installed, the simulator, and Debian's Chromium (through
// playwright-core) on the editor, shared by the browser tests. Without /usr/bin/chromium (or
// V2C_CHROMIUM) a suite fails under CI=true and is skipped elsewhere.
//
//   const ed = await openEditor(this, { flows: (sim) => [...] });   in before()
//   await ed.close();                                                in after()

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { TrydanSimulator, type SimStartResult, type TrydanSimulatorOptions } from '../../src/sim';
import { type NodeRedProcess, deployFlows, getJson, installPackage, packageJson, removeDir, repoRoot, startNodeRed, tempDir } from '../helpers/red';

export const CHROMIUM = process.env.V2C_CHROMIUM || '/usr/bin/chromium';
const IN_CI = !!process.env.CI && !/^(0|false)$/i.test(process.env.CI);
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The package's node types, as Node-RED loads them (package.json's node-red.nodes). */
export const NODE_TYPES: readonly string[] = Object.keys(packageJson['node-red'].nodes);
export const PACKAGE_NAME = packageJson.name;
/** The examples a user finds under Import → Examples → the package: examples/<name>.json. */
export const EXAMPLES: readonly string[] = fs
  .readdirSync(path.join(repoRoot, 'examples'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

export type FlowNode = { id: string; type: string; z?: string; [key: string]: unknown };

export interface Editor {
  page: Page;
  red: NodeRedProcess;
  sim: TrydanSimulator;
  simAddress: SimStartResult;
  userDir: string;
  close(): Promise<void>;
}

export interface EditorOptions {
  sim?: TrydanSimulatorOptions;
  /**
   * Flows deployed through the admin API once the editor knows the node types (the page is then
   * reloaded). `node(n)` adds the defaults of n's type as the editor has them, so that a node
   * is as valid as one dropped from the palette.
   */
  flows?: (sim: SimStartResult, node: (n: FlowNode) => FlowNode) => FlowNode[];
  viewport?: { width: number; height: number };
  /** Extra Node-RED settings, e.g. v2cConfigAllowLoopback for Check / Find my chargers on the simulator. */
  extraSettings?: Record<string, unknown>;
  /** Runs once the package is installed in the user directory, before Node-RED starts. */
  beforeStart?: (userDir: string) => void;
}

/** Skips (or, in CI, fails) the suite when there is no Chromium. */
function requireChromium(ctx: Mocha.Context): void {
  if (fs.existsSync(CHROMIUM)) return;
  if (IN_CI) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
  console.log(`      (skipped: ${CHROMIUM} is missing; apt-get install chromium)`);
  ctx.skip();
}

export async function openEditor(ctx: Mocha.Context, opts: EditorOptions = {}): Promise<Editor> {
  requireChromium(ctx);
  const cleanup: Array<() => Promise<void> | void> = [];
  const close = async (): Promise<void> => {
    for (const step of cleanup.reverse()) await step();
  };
  try {
    const sim = new TrydanSimulator({ latencyMs: 5, ...opts.sim });
    const simAddress = await sim.start();
    cleanup.push(() => sim.stop());
    const userDir = tempDir('v2c-e2e-browser-');
    cleanup.push(() => removeDir(userDir));
    await installPackage(userDir);
    opts.beforeStart?.(userDir);
    const red = await startNodeRed({ userDir, ...(opts.extraSettings ? { extraSettings: opts.extraSettings } : {}) });
    cleanup.push(() => red.stop());
    const profileDir = tempDir('v2c-e2e-chromium-');
    cleanup.push(() => removeDir(profileDir));
    const context: BrowserContext = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: opts.viewport ?? { width: 1400, height: 900 },
    });
    cleanup.push(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => console.log(`      page error: ${err.message}`));
    await loadEditor(page, red.url);
    if (opts.flows) {
      const defaults = await page.evaluate((types) => {
        const R = (globalThis as unknown as InPage).RED;
        return Object.fromEntries(types.map((t) => [t, Object.fromEntries(Object.entries(R.nodes.getType(t)?.defaults ?? {}).map(([k, d]) => [k, d.value]))]));
      }, NODE_TYPES);
      await deployFlows(red.url, opts.flows(simAddress, (n) => ({ ...defaults[n.type], ...n })));
      await loadEditor(page, red.url);
    }
    return { page, red, sim, simAddress, userDir, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function loadEditor(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('#red-ui-palette-search input').waitFor({ timeout: 30_000 });
  // The node definitions are in once every type of the package is known to the editor.
  await page.waitForFunction((types) => types.every((t) => !!(globalThis as unknown as InPage).RED.nodes.getType(t)), NODE_TYPES, { timeout: 30_000 });
}

// --- the editor's own API, inside the page -------------------------------------------------

/**
 * The editor page's globals, for functions run in the page (page.evaluate): they are sent as
 * source, so they reach `RED` as `(globalThis as unknown as InPage).RED`, never via an import.
 */
export interface InPage {
  RED: EditorRED;
}
export interface EditorNode {
  id: string;
  type: string;
  z?: string;
  valid?: boolean;
  status?: { fill?: string; shape?: string; text?: string };
  [key: string]: unknown;
}
export interface EditorRED {
  nodes: {
    getType(t: string): { category: string; defaults?: Record<string, { value: unknown }>; [key: string]: unknown } | undefined;
    node(id: string): EditorNode | undefined;
    eachNode(cb: (n: EditorNode) => void): void;
    eachConfig(cb: (n: EditorNode) => void): void;
    dirty(): boolean;
  };
  workspaces: { active(): string; show(id: string): void };
  tray?: { close(): void };
}

/** Palette node types of the package (not config nodes), as the editor knows them. */
export async function paletteTypes(page: Page): Promise<string[]> {
  return page.evaluate((types) => types.filter((t) => (globalThis as unknown as InPage).RED.nodes.getType(t)?.category !== 'config'), NODE_TYPES);
}

// --- dialogs -------------------------------------------------------------------------------

/** Opens a node's edit dialog by double-clicking it on the canvas (its tab is shown first). */
export async function openNodeDialog(page: Page, id: string): Promise<void> {
  await page.evaluate((nodeId) => {
    const R = (globalThis as unknown as InPage).RED;
    const z = R.nodes.node(nodeId)?.z;
    if (z && R.workspaces.active() !== z) R.workspaces.show(z);
  }, id);
  await page.locator(`[id="${id}"] .red-ui-flow-node`).first().dblclick();
  await page.locator('#node-dialog-ok').waitFor({ state: 'visible' });
}

/** Cancels every open edit dialog (after a failed test, so that the next starts clean). */
export async function cancelDialogs(page: Page): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const cancel = page.locator('#node-config-dialog-cancel:visible, #node-dialog-cancel:visible').first();
    if (!(await cancel.count())) return;
    await cancel.click();
    await page.waitForTimeout(300);
  }
}

/** The element of a dialog field (`node-input-<prop>`, or `node-config-input-<prop>`). */
export function field(page: Page, prop: string, config = false): Locator {
  return page.locator(`#node-${config ? 'config-' : ''}input-${prop}`);
}

/**
 * Shows the dialog tab holding an element (dialogs such as PV surplus spread their fields over
 * tabs made with RED.tabs: the tab's link is `a[href="#<content id>"]`).
 */
async function showTabOf(el: Locator): Promise<void> {
  const href = await el.evaluate((node) => {
    for (let e: Element | null = node; e; e = e.parentElement) {
      if (e.id && document.querySelector(`.red-ui-tabs a[href="#${e.id}"]`)) return `#${e.id}`;
    }
    return null;
  });
  if (href) await el.page().locator(`.red-ui-tabs a[href="${href}"]`).first().click();
}

/**
 * Sets a field the way a user does: chooses in a select, ticks a checkbox, types into a text
 * input; a typedInput gets its value (and type, when given as "type:value") through its widget.
 */
export async function setField(page: Page, prop: string, value: string, config = false): Promise<void> {
  const el = field(page, prop, config);
  await el.waitFor({ state: 'attached' });
  await showTabOf(el);
  const kind = await el.evaluate((e) => {
    const $ = (globalThis as unknown as { $: (e: Element) => { data(k: string): unknown } }).$;
    if ($(e).data('noderedTypedInput')) return 'typed';
    return e.tagName === 'SELECT' ? 'select' : (e as HTMLInputElement).type === 'checkbox' ? 'checkbox' : 'text';
  });
  if (kind === 'typed') {
    const [type, v] = /^[a-z]+:/.test(value) ? [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)] : [undefined, value];
    await el.evaluate(
      (e, a) => {
        const $ = (globalThis as unknown as { $: (e: Element) => { typedInput(k: string, v?: string): unknown; trigger(ev: string): void } }).$;
        if (a.type) $(e).typedInput('type', a.type);
        $(e).typedInput('value', a.v);
        $(e).trigger('change');
      },
      { type, v },
    );
  } else if (kind === 'select') {
    await el.selectOption(value);
  } else if (kind === 'checkbox') {
    await el.setChecked(value === 'true');
  } else {
    await el.fill(value);
    await el.press('Tab');
  }
}

/** Whether Node-RED marks a field invalid (`input-error` on it or on its typedInput). */
export async function fieldInvalid(page: Page, prop: string, config = false): Promise<boolean> {
  return field(page, prop, config).evaluate((e) => {
    const box = e.closest('.red-ui-typedInput-container') ?? (e.nextElementSibling?.classList.contains('red-ui-typedInput-container') ? e.nextElementSibling : null);
    return e.classList.contains('input-error') || !!box?.classList.contains('input-error');
  });
}

/** Clicks Done of the innermost dialog and waits until it has closed (or says what is invalid). */
export async function dialogDone(page: Page, config = false): Promise<void> {
  const id = config ? '#node-config-dialog-ok' : '#node-dialog-ok';
  await page.locator(id).click();
  try {
    await page.locator(id).waitFor({ state: 'detached', timeout: 10_000 });
  } catch (err) {
    // Node-RED marks what it refuses with input-error (on a field, or a typedInput's box).
    const invalid = await page
      .locator(`${config ? '#node-config-dialog-edit-form' : '#dialog-form'} .input-error`)
      .evaluateAll((els) => els.map((e) => e.id || (e.previousElementSibling as HTMLElement | null)?.id || e.className));
    throw new Error(`${id} did not close the dialog${invalid.length ? `; invalid: ${invalid.join(', ')}` : ' (no field is marked invalid)'}: ${(err as Error).message}`);
  }
}

// --- deploy, flows, status, log -------------------------------------------------------------

/** Presses Deploy and waits until the editor has nothing left undeployed. */
export async function deploy(page: Page): Promise<void> {
  const button = page.locator('#red-ui-header-button-deploy');
  if (await button.evaluate((e) => e.classList.contains('disabled'))) throw new Error('Deploy is disabled: nothing was changed');
  await button.click();
  try {
    await page.waitForFunction(() => !(globalThis as unknown as InPage).RED.nodes.dirty(), undefined, { timeout: 20_000 });
  } catch (err) {
    // Node-RED asks before deploying invalid or unknown nodes (a test wants neither): say what.
    const dialogs = await page.locator('.ui-dialog:visible, .red-ui-notification:visible').allInnerTexts();
    throw new Error(`the deploy did not finish${dialogs.length ? `; the editor asks: ${dialogs.join(' | ')}` : ''}: ${(err as Error).message}`);
  }
}

/** The deployed flows, as GET /flows answers (API v1: an array of nodes, no credentials). */
export async function deployedFlows(url: string): Promise<FlowNode[]> {
  return getJson<FlowNode[]>(`${url}/flows`);
}

/** Lines at error level that Node-RED printed since `from` (an index into its output). */
export function errorLines(red: NodeRedProcess, from: number): string[] {
  return red
    .output()
    .slice(from)
    .split('\n')
    .filter((l) => /\[error\]/i.test(l));
}

/** Texts of error notifications the editor shows now. */
export async function errorNotifications(page: Page): Promise<string[]> {
  return page.locator('.red-ui-notification-error').allInnerTexts();
}

// --- screenshots for the README -------------------------------------------------------------

const SCREENSHOT_DIR = path.join(repoRoot, 'docs', 'images');
export const WRITE_SCREENSHOTS = process.env.V2C_SCREENSHOTS === '1';

/** Writes docs/images/<name> when V2C_SCREENSHOTS=1 (so CI never rewrites the repository). */
export async function readmeScreenshot(target: Page | Locator, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
  if (!WRITE_SCREENSHOTS) return;
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, name);
  await target.screenshot({ path: file, ...(clip ? { clip } : {}) });
  assert.ok(fs.statSync(file).size > 1000, `${file} is empty`);
  console.log(`      screenshot: ${path.relative(repoRoot, file)}`);
}
