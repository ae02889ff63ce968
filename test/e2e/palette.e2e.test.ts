// The palette as a new user sees it, in Chromium on a real Node-RED with the package installed:
// every node type of package.json under "V2C Trydan", each with an icon of its own that loads,
// found by a "trydan" filter, its label on one line. Writes docs/images/palette.png with
// V2C_SCREENSHOTS=1.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Locator } from 'playwright-core';
import { nodeRedVersion } from '../helpers/red';
import { type Editor, NODE_TYPES, PACKAGE_NAME, openEditor, paletteTypes, readmeScreenshot } from './browser';

const CATEGORY = 'V2C Trydan';

describe(`e2e: the palette in chromium, Node-RED ${nodeRedVersion}`, function () {
  this.timeout(60_000);
  let ed: Editor | undefined;
  let types: string[];

  before(async function () {
    this.timeout(120_000);
    ed = await openEditor(this);
    types = await paletteTypes(ed.page);
    assert.ok(types.length >= 1, 'no palette node types');
  });
  after(async () => ed?.close());

  const entry = (type: string): Locator => ed!.page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
  const search = (): Locator => ed!.page.locator('#red-ui-palette-search input');
  async function filter(text: string): Promise<void> {
    await search().fill('');
    if (text) await search().pressSequentially(text);
  }

  it(`shows every node type of package.json under "${CATEGORY}", config nodes not at all`, async function () {
    await filter('');
    const configTypes = NODE_TYPES.filter((t) => !types.includes(t));
    for (const type of configTypes) assert.equal(await entry(type).count(), 0, `${type} (a config node) is in the palette`);
    for (const type of types) {
      await entry(type).waitFor({ state: 'attached' });
      const category = ed!.page.locator('.red-ui-palette-category', { has: entry(type) }).locator('.red-ui-palette-header span').first();
      assert.equal((await category.textContent())?.trim(), CATEGORY, `${type}: category`);
    }
  });

  interface Icon {
    url: string;
    hash: string;
    /** naturalWidth once decoded in the page (0: it did not load). */
    width: number;
    status: number;
    contentType: string;
  }

  /** What each entry shows as its icon: the image's address, what it holds, and whether it drew. */
  async function icons(): Promise<Map<string, Icon>> {
    const found = new Map<string, Icon>();
    for (const type of types) {
      const icon = entry(type).locator('.red-ui-palette-icon');
      const css = await icon.evaluate((e) => getComputedStyle(e).backgroundImage);
      const url = /url\("?([^")]+)"?\)/.exec(css)?.[1];
      assert.ok(url, `${type}: the palette entry has no icon image (${css})`);
      const loaded = await ed!.page.evaluate(async (src) => {
        const img = new Image();
        img.src = src;
        try {
          await img.decode();
        } catch {
          return 0;
        }
        return img.naturalWidth;
      }, url);
      const res = await fetch(new URL(url, ed!.red.url + '/'));
      const body = Buffer.from(await res.arrayBuffer());
      found.set(type, { url, hash: createHash('sha1').update(body).digest('hex'), width: loaded, status: res.status, contentType: res.headers.get('content-type') ?? '' });
    }
    return found;
  }

  it('gives every node an icon of the package that loads (not Node-RED\'s default)', async function () {
    // Node-RED answers a missing icon with its default one: compare by content too.
    const fallback = createHash('sha1')
      .update(Buffer.from(await (await fetch(`${ed!.red.url}/icons/node-red/arrow-in.svg`)).arrayBuffer()))
      .digest('hex');
    for (const [type, icon] of await icons()) {
      assert.equal(icon.status, 200, `${type}: ${icon.url} answered ${icon.status}`);
      assert.ok(icon.url.includes(`icons/${PACKAGE_NAME}/`), `${type}: icon ${icon.url} is not the package's`);
      assert.ok(icon.width > 0, `${type}: ${icon.url} did not load (naturalWidth 0)`);
      assert.match(icon.contentType, /svg/, `${type}: ${icon.url} is not an SVG`);
      assert.notEqual(icon.hash, fallback, `${type}: ${icon.url} is Node-RED's default icon`);
    }
  });

  it('gives each node an icon of its own', async function () {
    const byHash = new Map<string, string[]>();
    for (const [type, icon] of await icons()) byHash.set(icon.hash, [...(byHash.get(icon.hash) ?? []), type]);
    const shared = [...byHash.values()].filter((t) => t.length > 1);
    assert.deepEqual(shared, [], `node types sharing one icon: ${shared.map((t) => t.join(' = ')).join('; ')}`);
  });

  it('finds every node with the filter "trydan"', async function () {
    await filter('trydan');
    // The filter applies as the user types; the first type of the package shows once it has.
    await ed!.page.locator('.red-ui-palette-node[data-palette-type="inject"]').waitFor({ state: 'hidden' });
    const missed: string[] = [];
    for (const type of types) if (!(await entry(type).isVisible())) missed.push(`${type} (${await entry(type).getAttribute('data-palette-label')})`);
    assert.deepEqual(missed, [], `"trydan" does not find: ${missed.join(', ')}`);
  });

  it('shows each label on one line', async function () {
    await filter('');
    const wrapped: string[] = [];
    for (const type of types) {
      const label = entry(type).locator('.red-ui-palette-label');
      // Node-RED breaks a long label with <br> itself; CSS may wrap one too.
      const { lines, text } = await label.evaluate((e) => ({
        lines: Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)),
        text: (e as HTMLElement).innerText,
      }));
      if (lines > 1) wrapped.push(`${type}: "${text.replace(/\n/g, '⏎')}"`);
    }
    assert.deepEqual(wrapped, [], `labels on more than one line: ${wrapped.join('; ')}`);
  });

  it('writes docs/images/palette.png (V2C_SCREENSHOTS=1)', async function () {
    await filter('');
    const category = ed!.page.locator('.red-ui-palette-category', { has: entry(types[0]!) });
    await category.scrollIntoViewIfNeeded();
    await readmeScreenshot(category, 'palette.png');
  });
});
