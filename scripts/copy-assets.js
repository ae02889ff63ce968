#!/usr/bin/env node
// Puts what Node-RED looks for beside the compiled nodes: editor HTML, message catalogues
// (each merged with the shared common.json, so shared texts are written once), help pages
// (with `<!-- v2c:name -->` markers replaced by the language's shared `_name.html` fragment,
// so shared help such as the error codes is written once too) and icons.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'nodes');
const out = path.join(root, 'dist', 'nodes');

const MARKER = /<!--\s*v2c:([a-z0-9-]+)\s*-->/g;

/** A help page with every marker replaced by its fragment; an unknown marker fails the build. */
function expandHelp(html, fragments, where) {
  return html.replace(MARKER, (_, name) => {
    if (!(name in fragments)) throw new Error(`${where}: no fragment _${name}.html for <!-- v2c:${name} -->`);
    return fragments[name].trim();
  });
}

fs.mkdirSync(out, { recursive: true });
for (const file of fs.readdirSync(src)) {
  if (file.endsWith('.html')) fs.copyFileSync(path.join(src, file), path.join(out, file));
}

const locales = path.join(src, 'locales');
for (const lang of fs.readdirSync(locales)) {
  const from = path.join(locales, lang);
  const to = path.join(out, 'locales', lang);
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  const commonFile = path.join(from, 'common.json');
  const common = fs.existsSync(commonFile) ? JSON.parse(fs.readFileSync(commonFile, 'utf8')) : {};
  const fragments = {};
  for (const file of fs.readdirSync(from)) {
    if (file.startsWith('_') && file.endsWith('.html')) fragments[file.slice(1, -5)] = fs.readFileSync(path.join(from, file), 'utf8');
  }
  for (const file of fs.readdirSync(from)) {
    if (file === 'common.json' || file.startsWith('_')) continue;
    if (file.endsWith('.json')) {
      const own = JSON.parse(fs.readFileSync(path.join(from, file), 'utf8'));
      fs.writeFileSync(path.join(to, file), JSON.stringify({ ...own, common }, null, 2));
    } else if (file.endsWith('.html')) {
      const html = fs.readFileSync(path.join(from, file), 'utf8');
      fs.writeFileSync(path.join(to, file), expandHelp(html, fragments, `${lang}/${file}`));
    } else {
      fs.copyFileSync(path.join(from, file), path.join(to, file));
    }
  }
}

fs.cpSync(path.join(root, 'icons'), path.join(out, 'icons'), { recursive: true });
