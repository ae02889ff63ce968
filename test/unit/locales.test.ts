// Every language has every message key and help page that English has, with the same
// placeholders, sections and technical identifiers; shared help fragments are expanded in the
// build; the error codes the help names are the runtime's.

import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { WRITABLE_KEYWORDS } from '../../src/trydan/keywords';
import { BUILT_LOCALES, LANGUAGES, LOCALES, ROOT, SOURCE, filesOf, flatten, placeholders, readCatalogue } from '../helpers/locales';

const MARKER = /<!--\s*v2c:([a-z0-9-]+)\s*-->/g;
const TRANSLATIONS = LANGUAGES.filter((lang) => lang !== SOURCE);

function help(lang: string, file: string): string {
  return fs.readFileSync(path.join(LOCALES, lang, file), 'utf8');
}

function all(html: string, re: RegExp): string[] {
  return [...html.matchAll(re)].map((m) => m[1] ?? '');
}

/** What a translation must keep of a help page: its structure and its untranslated identifiers. */
function shape(html: string) {
  return {
    helpName: all(html, /data-help-name="([^"]+)"/g),
    h3: all(html, /<h3>/g).length,
    h4: all(html, /<h4>/g).length,
    dl: all(html, /<dl\b/g).length,
    dt: all(html, /<dt\b/g).length,
    li: all(html, /<li\b/g).length,
    markers: all(html, MARKER),
    code: [...new Set(all(html, /<code>([\s\S]*?)<\/code>/g).map((c) => c.replace(/\s+/g, ' ')))].sort(),
    pre: all(html, /<pre>([\s\S]*?)<\/pre>/g),
  };
}

const helpPages = filesOf(SOURCE, '.html').filter((f) => !f.startsWith('_'));
const fragments = filesOf(SOURCE, '.html').filter((f) => f.startsWith('_'));
const catalogues = filesOf(SOURCE, '.json');

describe('locales: five languages', () => {
  it('has exactly the languages Node-RED is given', () => {
    assert.deepEqual(fs.readdirSync(LOCALES).sort(), [...LANGUAGES].sort());
    // Node-RED's own editor uses these directory names; a look-up for de-DE or it-IT falls back to de / it.
    const editor = path.join(ROOT, 'node_modules', '@node-red', 'editor-client', 'locales');
    for (const lang of ['en-US', 'de', 'es-ES', 'fr']) assert.ok(fs.existsSync(path.join(editor, lang)), `Node-RED has no ${lang}`);
  });

  for (const lang of TRANSLATIONS) {
    describe(lang, () => {
      it('has every catalogue, with every English key, no stale key and the same placeholders', () => {
        assert.deepEqual(filesOf(lang, '.json'), catalogues, `${lang}: catalogue files`);
        const problems: string[] = [];
        for (const file of catalogues) {
          const english = flatten(readCatalogue(SOURCE, file));
          const translated = flatten(readCatalogue(lang, file));
          for (const [key, text] of english) {
            if (!translated.has(key)) {
              problems.push(`${file}: ${key} is missing`);
              continue;
            }
            const own = translated.get(key);
            if (typeof own !== typeof text) problems.push(`${file}: ${key} is a ${typeof own}, not a ${typeof text}`);
            else if (typeof own === 'string' && typeof text === 'string') {
              if (own.trim() === '' && text.trim() !== '') problems.push(`${file}: ${key} is empty`);
              const want = placeholders(text);
              const have = placeholders(own);
              if (want.join() !== have.join()) problems.push(`${file}: ${key} has placeholders [${have}], English [${want}]`);
            }
          }
          for (const key of translated.keys()) if (!english.has(key)) problems.push(`${file}: ${key} is not in English (stale)`);
        }
        assert.deepEqual(problems, [], `${lang}:\n  ${problems.join('\n  ')}`);
      });

      it('has every help page and fragment, with the same sections and identifiers', () => {
        const problems: string[] = [];
        const have = filesOf(lang, '.html');
        for (const file of have) if (!helpPages.includes(file) && !fragments.includes(file)) problems.push(`${file} is not in English (stale)`);
        for (const file of [...helpPages, ...fragments]) {
          if (!have.includes(file)) {
            problems.push(`${file} is missing`);
            continue;
          }
          const want = shape(help(SOURCE, file));
          const got = shape(help(lang, file));
          for (const key of Object.keys(want) as (keyof typeof want)[]) {
            const w = JSON.stringify(want[key]);
            const g = JSON.stringify(got[key]);
            if (w !== g) problems.push(`${file}: ${key} differs from en-US: ${g} instead of ${w}`);
          }
        }
        assert.deepEqual(problems, [], `${lang}:\n  ${problems.join('\n  ')}`);
      });
    });
  }
});

describe('locales: English help pages', () => {
  it('are one per node type, in the help style guide\'s sections', () => {
    const types = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } })['node-red'].nodes);
    assert.deepEqual(helpPages, types.map((t) => `${t}.html`).sort());
    for (const file of helpPages) {
      const html = help(SOURCE, file);
      assert.deepEqual(all(html, /data-help-name="([^"]+)"/g), [file.slice(0, -5)], file);
      const sections = all(html, /<h3>([^<]*)<\/h3>/g);
      // A config node has no ports: Details only. Every other node: Inputs, Outputs, Details in that order.
      const wanted = file === 'v2c-config.html' ? ['Details'] : ['Inputs', 'Outputs', 'Details'];
      assert.deepEqual(sections.filter((s) => wanted.includes(s)), wanted, `${file} sections: ${sections.join(', ')}`);
    }
  });

  it('have no table of more than two columns (the sidebar is about 300 px wide)', () => {
    for (const lang of LANGUAGES) {
      for (const file of filesOf(lang, '.html')) {
        for (const row of all(help(lang, file), /<tr>([\s\S]*?)<\/tr>/g)) {
          assert.ok((row.match(/<t[dh]\b/g) ?? []).length <= 2, `${lang}/${file}: a table row has more than two cells`);
        }
      }
    }
  });

  it('use only the fragments that exist, and every fragment is used', () => {
    const used = new Set(helpPages.flatMap((f) => all(help(SOURCE, f), MARKER)));
    assert.deepEqual([...used].sort(), fragments.map((f) => f.slice(1, -5)).sort());
  });

  it('list exactly the keywords and ranges write-out validates against', () => {
    const html = help(SOURCE, 'v2c-write-out.html');
    const details = html.slice(html.indexOf('<h3>Details</h3>'), html.indexOf('<h3>Errors</h3>'));
    const listed = all(details, /<dt>(\w+) <span class="property-type">/g);
    assert.deepEqual(listed, WRITABLE_KEYWORDS.map((k) => k.name));
    for (const k of WRITABLE_KEYWORDS.filter((k) => k.kind === 'range')) {
      assert.match(details, new RegExp(`<dt>${k.name} <span class="property-type">${k.min}\\.\\.${k.max} ${k.unit ?? ''}</span>`), k.name);
    }
  });

  it('name exactly the runtime\'s error codes', () => {
    const source = fs.readFileSync(path.join(ROOT, 'src', 'trydan', 'errors.ts'), 'utf8');
    const union = /export type TrydanErrorCode =([^;]+);/.exec(source)?.[1] ?? '';
    const codes = all(union, /'([A-Z_]+)'/g).sort();
    assert.ok(codes.length >= 10, 'TrydanErrorCode was not found in errors.ts');
    const text = [...helpPages, ...fragments].map((f) => help(SOURCE, f)).join('\n');
    const unknown = [...new Set(all(text, /\b([A-Z]{2,}(?:_[A-Z]+)+)\b/g))].filter((c) => !codes.includes(c));
    assert.deepEqual(unknown, [], 'codes in the help that the runtime does not have');
    const unnamed = codes.filter((c) => !new RegExp(`\\b${c}\\b`).test(text));
    assert.deepEqual(unnamed, [], 'runtime codes the help never explains');
  });
});

describe('locales: build output (npm run build)', () => {
  for (const lang of LANGUAGES) {
    it(`dist/nodes/locales/${lang} holds every catalogue and help page, fragments expanded`, function () {
      const dir = path.join(BUILT_LOCALES, lang);
      assert.ok(fs.existsSync(dir), `${dir} is missing: run npm run build`);
      const built = fs.readdirSync(dir).sort();
      const wanted = [...catalogues.filter((f) => f !== 'common.json'), ...helpPages].sort();
      assert.deepEqual(built, wanted, `${lang}: built files`);
      const common = readCatalogue(lang, 'common.json');
      for (const file of catalogues.filter((f) => f !== 'common.json')) {
        const served = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
        assert.deepEqual(served.common, common, `${lang}/${file}: common texts`);
      }
      for (const file of helpPages) {
        const html = fs.readFileSync(path.join(dir, file), 'utf8');
        assert.doesNotMatch(html, /v2c:/, `${lang}/${file}: a marker is left`);
        for (const name of all(help(lang, file), MARKER)) {
          const fragment = fs.readFileSync(path.join(LOCALES, lang, `_${name}.html`), 'utf8').trim();
          assert.ok(html.includes(fragment), `${lang}/${file}: fragment ${name} is not in the built page`);
        }
      }
    });
  }
});
