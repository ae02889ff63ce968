// What `npm pack` puts in the tarball: everything a user needs (the compiled nodes with their
// editor files, catalogues and icons, the shared editor resources, the examples, the API with
// its declarations, README, LICENSE, CHANGELOG) and nothing else. Expectations come from what
// is on disk (nodes/locales, icons/, examples/, resources/), so a new language or icon is
// expected as soon as it is added.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  types: string;
  bin: Record<string, string>;
  'node-red': { nodes: Record<string, string> };
};

/** Files under `dir` (relative to the repository, forward slashes), or none if it is absent. */
function filesUnder(dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return (fs.readdirSync(full, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

function packList(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: root, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`npm pack --dry-run failed: ${err.message}\n${stderr}`));
      const [report] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
      resolve(report!.files.map((f) => f.path));
    });
  });
}

/** What a user needs, and nothing else: any packed file must match one of these. */
const ALLOWED: readonly RegExp[] = [
  /^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/,
  /^examples\/[^/]+\.json$/,
  /^resources\//,
  /^dist\/nodes\/[^/]+\.(js|html)$/,
  /^dist\/nodes\/lib\/[^/]+\.js$/,
  /^dist\/nodes\/locales\/[^/]+\/[^/]+\.(json|html)$/,
  /^dist\/nodes\/icons\/[^/]+\.(svg|png)$/,
  /^dist\/src\/.+\.(js|d\.ts)$/,
];

/** Never in the tarball. */
const FORBIDDEN: readonly RegExp[] = [
  /^test\//,
  /^dist\/test\//,
  /fixtures\//,
  /^\.ci\//,
  /\.cache\//,
  /^\.demo\//,
  /^\.e2e\//,
  /^bench\//,
  /^scripts\//,
  /^(src|nodes)\//,
  /^docs\//,
  /\.map$/,
  /(^|\/)[^/]+(?<!\.d)\.ts$/,
  /^dist\/nodes\/.*\.d\.ts$/,
  /(^|\/)(tsconfig\.json|eslint\.config\.mjs|\.mocharc\.json|package-lock\.json|\.gitignore)$/,
  /(^|\/)node_modules\//,
];

describe('npm pack', function () {
  this.timeout(60_000);
  let packed: Set<string>;

  before(async function () {
    if (!fs.existsSync(path.join(root, 'dist', 'nodes'))) throw new Error('dist/ is missing: run `npm run build` first');
    packed = new Set(await packList());
  });

  const missing = (expected: Iterable<string>): string[] => [...expected].filter((f) => !packed.has(f));

  it('holds every node: runtime, editor HTML, and the catalogues and help of every language', () => {
    const expected: string[] = [];
    for (const file of Object.values(pkg['node-red'].nodes)) {
      expected.push(file.replace(/^\.\//, ''), file.replace(/^\.\//, '').replace(/\.js$/, '.html'));
    }
    const languages = fs.readdirSync(path.join(root, 'nodes', 'locales'));
    assert.ok(languages.includes('en-US'), 'no en-US catalogue');
    for (const lang of languages) {
      // common.json is merged into each catalogue by the build, not shipped on its own.
      for (const file of fs.readdirSync(path.join(root, 'nodes', 'locales', lang))) {
        // common.json is merged into each catalogue and _fragments into the help pages by the build.
        if (file !== 'common.json' && !file.startsWith('_')) expected.push(`dist/nodes/locales/${lang}/${file}`);
      }
    }
    assert.deepEqual(missing(expected), []);
  });

  it('holds every icon, example, shared editor resource, README, LICENSE and CHANGELOG', () => {
    const icons = filesUnder('icons').map((f) => `dist/nodes/${f}`);
    assert.ok(icons.length > 0, 'no icons on disk');
    const examples = filesUnder('examples');
    assert.ok(examples.length > 0, 'no examples on disk');
    assert.deepEqual(missing([...icons, ...examples, ...filesUnder('resources'), 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']), []);
  });

  it('holds the API with its type declarations, and the simulator command', () => {
    const api = [...packed].filter((f) => f.startsWith('dist/src/') && f.endsWith('.js'));
    assert.ok(api.length > 0, 'no dist/src');
    const declarations = api.map((f) => f.replace(/\.js$/, '.d.ts'));
    assert.deepEqual(missing([pkg.main, pkg.types, ...Object.values(pkg.bin), ...declarations]), []);
  });

  it('holds nothing else: no tests, fixtures, caches, demo state, bench, sources or source maps', () => {
    const forbidden = [...packed].filter((f) => FORBIDDEN.some((re) => re.test(f)));
    assert.deepEqual(forbidden, []);
    const unexpected = [...packed].filter((f) => !ALLOWED.some((re) => re.test(f)));
    assert.deepEqual(unexpected, []);
  });
});
