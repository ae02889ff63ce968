// The help of every node fits Node-RED's default sidebar, in English and in the other
// languages: opened in the Help tab of a real editor in chromium, nothing in it is wider
// than the sidebar (no horizontal scrolling, no table or code sticking out).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { type NodeRedProcess, installPackage, nodeRedVersion, packageJson, removeDir, repoRoot, startNodeRed, tempDir } from '../helpers/red';

const CHROMIUM = process.env.V2C_CHROMIUM || '/usr/bin/chromium';
const IN_CI = !!process.env.CI && !/^(0|false)$/i.test(process.env.CI);
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES = Object.keys(packageJson['node-red'].nodes);
// The browser's language picks the editor's (navigator.language); de-DE and it-IT fall back to de and it.
const BROWSER_LOCALES: Record<string, string> = { 'en-US': 'en-US', de: 'de-DE', 'es-ES': 'es-ES', fr: 'fr-FR', it: 'it-IT' };

interface Overflow {
  sidebar: number;
  scrollWidth: number;
  clientWidth: number;
  sticking: string[];
  title: string;
  sections: string[];
}

/** Opens the Help tab on a node type and measures its content against the sidebar. */
async function measureHelp(page: Page, type: string): Promise<Overflow> {
  // The Info tab has a help section too, hidden while the Help tab shows: measure the visible
  // one. The editor may still be switching tabs or laying out the sidebar while it starts, so
  // show the help again until it is on screen with a width.
  const sections = page.locator('.red-ui-sidebar-info .red-ui-help', { has: page.locator('h1.red-ui-help-title') });
  for (let tries = 0; ; tries++) {
    await page.evaluate((t) => (window as unknown as { RED: { sidebar: { help: { show(type: string): void } } } }).RED.sidebar.help.show(t), type);
    const shown = (await sections.evaluateAll(measureVisible)).filter((m): m is Overflow => m !== null);
    if (shown.length === 1 && shown[0]!.sidebar > 0 && shown[0]!.sections.length > 0) return shown[0]!;
    if (tries >= 100) throw new Error(`${type}: the help did not show in the Help tab (${shown.length} visible sections)`);
    await page.waitForTimeout(100);
  }
}

/** Runs in the page: for each help section, null when hidden, else its measures. */
function measureVisible(els: Element[]): (Overflow | null)[] {
  return els.map((node) => {
    const el = node as HTMLElement;
    if (el.getClientRects().length === 0) return null;
    const scroller = el.parentElement as HTMLElement;
    const box = scroller.getBoundingClientRect();
    const right = box.left + scroller.clientWidth + 0.5;
    const sticking: string[] = [];
    for (const child of Array.from(el.querySelectorAll('*')) as HTMLElement[]) {
      const r = child.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const overflowsItself = ['TABLE', 'PRE', 'DL', 'UL', 'OL', 'P', 'DD', 'DT', 'CODE'].includes(child.tagName) && child.scrollWidth > child.clientWidth + 1 && child.clientWidth > 0;
      if (r.right > right || overflowsItself) sticking.push(`<${child.tagName.toLowerCase()}> ${Math.round(r.width)} px: ${(child.textContent ?? '').trim().slice(0, 60)}`);
    }
    return {
      sidebar: Math.round(box.width),
      scrollWidth: scroller.scrollWidth,
      clientWidth: scroller.clientWidth,
      sticking: sticking.slice(0, 8),
      title: el.querySelector('h1.red-ui-help-title')?.textContent ?? '',
      sections: Array.from(el.querySelectorAll('.red-ui-help h3')).map((h) => (h.textContent ?? '').trim()),
    };
  });
}

/** The h3 headings of a help page as written in nodes/locales/<lang>/. */
function writtenSections(lang: string, type: string): string[] {
  const html = fs.readFileSync(path.join(repoRoot, 'nodes', 'locales', lang, `${type}.html`), 'utf8');
  return [...html.matchAll(/<h3>([^<]*)<\/h3>/g)].map((m) => (m[1] ?? '').trim());
}

describe(`e2e: help fits the sidebar, Node-RED ${nodeRedVersion}`, function () {
  this.timeout(180_000);

  let userDir: string | undefined;
  let red: NodeRedProcess | undefined;
  let browser: Browser | undefined;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (IN_CI) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
      console.log(`      (skipped: ${CHROMIUM} is missing; apt-get install chromium)`);
      this.skip();
    }
    userDir = tempDir('v2c-e2e-help-');
    await installPackage(userDir);
    red = await startNodeRed({ userDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  after(async function () {
    await browser?.close();
    await red?.stop();
    removeDir(userDir);
  });

  for (const [lang, locale] of Object.entries(BROWSER_LOCALES)) {
    it(`${lang}: every node's help opens in its language and nothing is wider than the sidebar`, async function () {
      const context = await browser!.newContext({ locale, viewport: { width: 1400, height: 900 } });
      try {
        const page = await context.newPage();
        page.on('pageerror', (err) => console.log(`      page error: ${err.message}`));
        await page.goto(red!.url);
        await page.locator('#red-ui-palette-search input').waitFor({ timeout: 30_000 });
        // The node definitions (and with them the help) have loaded once the palette shows ours.
        await page.locator('.red-ui-palette-node[data-palette-type="v2c-realtime-in"]').waitFor({ state: 'attached', timeout: 30_000 });
        const problems: string[] = [];
        for (const type of TYPES) {
          const m = await measureHelp(page, type);
          assert.ok(m.sidebar >= 250 && m.sidebar <= 400, `${type}: the sidebar is ${m.sidebar} px, not Node-RED's default`);
          assert.deepEqual(m.sections.map((s) => s.replace(/\s+/g, ' ')), writtenSections(lang, type), `${lang} ${type}: not the ${lang} help`);
          if (m.scrollWidth > m.clientWidth) problems.push(`${type}: help scrolls sideways (${m.scrollWidth} > ${m.clientWidth} px)`);
          for (const s of m.sticking) problems.push(`${type}: ${s}`);
        }
        assert.deepEqual(problems, [], `${lang}: wider than the sidebar:\n  ${problems.join('\n  ')}`);
      } finally {
        await context.close();
      }
    });
  }
});
